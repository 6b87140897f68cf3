import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  type ApiError,
  influxErrorResponse,
  invalidLineProtocol,
  invalidRequest,
  payloadTooLarge,
  rateLimited,
  unsupportedMediaType,
} from "../../protocol/errors";
import { GAME_PATTERN } from "../../protocol/patterns";
import { grantOf, influxKey } from "../auth";
import { type AppEnv, createRouter, errorResponses as errors, limitBody } from "../http";
import { applyLines } from "../ingest/apply-lines";
import { INFLUX_V1_PRECISIONS, PRECISIONS, parseLineProtocol, type TimeUnit } from "../ingest/line-protocol";
import { INGEST_RETRY_AFTER, overIngestLimit } from "./guards";
import { MAX_LINE_PROTOCOL_BYTES } from "./write";

/**
 * InfluxDB's write endpoints, so Telegraf, Kapacitor-era senders and the
 * official Influx clients write to Podium with a URL change: the same line
 * protocol as `/v1/write`, Influx's auth forms, gzip bodies, and errors with
 * Influx's `code` and `message`. A line without a `game` tag goes to the game
 * named by `db` (1.x) or `bucket` (2.x).
 */

const body = { required: true, content: { "text/plain": { schema: z.string() } } } as const;
const described =
  "Line protocol as on `/v1/write`. Key as `Authorization: Token <key>` or `Bearer <key>`, " +
  "Basic with the key as the password, or (1.x) `p=<key>`. `Content-Encoding: gzip` is accepted. " +
  "A line without a `game` tag goes to the game named by ";

const writeV1 = createRoute({
  method: "post",
  path: "/write",
  tags: ["Reporting"],
  summary: "Report scores as InfluxDB 1.x",
  description: `${described}\`db\`. Errors carry Influx's \`code\` and \`message\` besides the envelope.`,
  security: [{ bearer: [] }],
  middleware: [limitBody(MAX_LINE_PROTOCOL_BYTES, influxErrorResponse)] as const,
  request: {
    query: z.object({
      db: z.string().optional().openapi({ description: "The game of lines without a `game` tag" }),
      precision: z
        .enum(["n", "ns", "u", "us", "ms", "s", "m", "h"])
        .default("ns")
        .openapi({ description: "Unit of the line timestamps" }),
      u: z.string().optional().openapi({ description: "Ignored: any user name" }),
      p: z.string().optional().openapi({ description: "The key, if not in the Authorization header" }),
    }),
    body,
  },
  responses: { 204: { description: "All lines applied" }, ...errors(400, 401, 403, 409, 413, 415, 422, 429) },
});

const writeV2 = createRoute({
  method: "post",
  path: "/api/v2/write",
  tags: ["Reporting"],
  summary: "Report scores as InfluxDB 2.x",
  description: `${described}\`bucket\`. Errors carry Influx's \`code\` and \`message\` besides the envelope.`,
  security: [{ bearer: [] }],
  middleware: [limitBody(MAX_LINE_PROTOCOL_BYTES, influxErrorResponse)] as const,
  request: {
    query: z.object({
      org: z.string().optional().openapi({ description: "Ignored: any organization" }),
      bucket: z.string().optional().openapi({ description: "The game of lines without a `game` tag" }),
      precision: z.enum(PRECISIONS).default("ns").openapi({ description: "Unit of the line timestamps" }),
    }),
    body,
  },
  responses: { 204: { description: "All lines applied" }, ...errors(400, 401, 403, 409, 413, 415, 422, 429) },
});

export const influxRoutes = createRouter(influxErrorResponse)
  .openapi(writeV1, async (c) => {
    const { db, precision, p } = c.req.valid("query");
    const unit = precision === "n" ? "ns" : precision === "u" ? "us" : precision;
    return write(c, influxKey(c.req.header("authorization"), p), db, unit, INFLUX_V1_PRECISIONS);
  })
  .openapi(writeV2, async (c) => {
    const { bucket, precision } = c.req.valid("query");
    return write(c, influxKey(c.req.header("authorization"), undefined), bucket, precision, PRECISIONS);
  });

async function write(
  c: Context<AppEnv>,
  key: string | undefined,
  database: string | undefined,
  precision: TimeUnit,
  precisions: readonly TimeUnit[],
): Promise<never> {
  const grant = await grantOf(key, c.env);
  if ("status" in grant) return influxErrorResponse(grant) as never;
  if (grant.role === "ingest" && (await overIngestLimit(c.env, key ?? ""))) {
    const limited = influxErrorResponse(rateLimited("with this ingest key"));
    limited.headers.set("Retry-After", INGEST_RETRY_AFTER);
    return limited as never;
  }
  const text = await bodyText(c.req.raw, MAX_LINE_PROTOCOL_BYTES);
  if (typeof text !== "string") return influxErrorResponse(text) as never;
  const defaultGame = database !== undefined && GAME_PATTERN.test(database) ? database : undefined;
  const parsed = parseLineProtocol(text, precision, { defaultGame, precisions });
  if (!parsed.ok) return influxErrorResponse(invalidLineProtocol(parsed.errors)) as never;
  const refusal = await applyLines(c.env, grant, parsed.reports);
  return (refusal === undefined ? c.body(null, 204) : influxErrorResponse(refusal)) as never;
}

/** The body as text, gunzipped when sent so, at most `max` bytes after decompression. */
async function bodyText(request: Request, max: number): Promise<string | ApiError> {
  const encoding = request.headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== "gzip" && encoding !== "identity") {
    return unsupportedMediaType(`Content-Encoding ${encoding} is not supported; send gzip or none`);
  }
  if (request.body === null) return "";
  const stream = encoding === "gzip" ? request.body.pipeThrough(new DecompressionStream("gzip")) : request.body;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      // A small gzip body can inflate to gigabytes: stop counting at the limit.
      if (size > max) {
        await reader.cancel();
        return payloadTooLarge(max);
      }
      chunks.push(next.value);
    }
  } catch {
    return invalidRequest("the body is not valid gzip");
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
