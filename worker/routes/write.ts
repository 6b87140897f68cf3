import { createRoute, z } from "@hono/zod-openapi";
import { invalidLineProtocol, unsupportedMediaType } from "../../protocol/errors";
import { createRouter, errorResponses as errors, fail, limitBody } from "../http";
import { applyLines } from "../ingest/apply-lines";
import { PRECISIONS, parseLineProtocol } from "../ingest/line-protocol";
import { refuseTokens, requireKey } from "./guards";

export const MAX_LINE_PROTOCOL_BYTES = 5 * 1024 * 1024;

const postLines = createRoute({
  method: "post",
  path: "/v1/write",
  tags: ["Reporting"],
  summary: "Report scores in InfluxDB line protocol",
  description:
    "One report per line: `scores,game=g1,player=p1[,team=red][,id=evt-1] value=120 [timestamp]` " +
    "(field `value` or `score`). Lines may mix up to 100 games. The whole body is validated first; " +
    "any bad line rejects it with the line numbers and nothing is applied. Each game's lines then apply " +
    "atomically; if a game refuses its lines (a `sum` overflow, a full board, its `bounds`), the answer is " +
    "that error with `details` listing every game with `applied` true or false (and, for bounds, the refused " +
    "`lines` by number), so a client resends only what failed.",
  security: [{ bearer: [] }],
  middleware: [requireKey, refuseTokens, limitBody(MAX_LINE_PROTOCOL_BYTES)] as const,
  request: {
    query: z.object({
      precision: z.enum(PRECISIONS).default("ns").openapi({ description: "Unit of the line timestamps" }),
    }),
    body: {
      required: true,
      description: "Line protocol as text/plain (also taken as application/octet-stream, or with no Content-Type)",
      content: { "text/plain": { schema: z.string() }, "application/octet-stream": { schema: z.string() } },
    },
  },
  responses: {
    204: { description: "All lines applied" },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const writeRoutes = createRouter().openapi(postLines, async (c) => {
  const type = c.req.header("content-type");
  if (type !== undefined && !/^(text\/plain|application\/octet-stream)\s*(;|$)/i.test(type)) {
    return fail(c, unsupportedMediaType("send line protocol as text/plain"));
  }
  const parsed = parseLineProtocol(await c.req.text(), c.req.valid("query").precision);
  if (!parsed.ok) return fail(c, invalidLineProtocol(parsed.errors));
  const refusal = await applyLines(c.env, c.var.grant, parsed.reports);
  return refusal === undefined ? c.body(null, 204) : fail(c, refusal);
});
