import { createRoute, z } from "@hono/zod-openapi";
import { mayIngest } from "../auth";
import { createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { PRECISIONS, parseLineProtocol } from "../line-protocol";
import type { ApiError } from "../protocol/errors";
import { GamePath } from "../protocol/names";
import { Accepted, type ScoreReport, ScoresBody } from "../protocol/reports";
import { requireIngestForPathGame, requireKey } from "./guards";

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_LINE_PROTOCOL_BYTES = 5 * 1024 * 1024;

const postScores = createRoute({
  method: "post",
  path: "/v1/games/{game}/scores",
  summary: "Report scores",
  description:
    "One report, or `{scores: [...]}` with up to 1000. Answered only once the reports are durable. " +
    "A batch is validated whole: if any report is invalid, none is applied.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireIngestForPathGame, limitBody(MAX_JSON_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: ScoresBody } } },
  },
  responses: {
    200: { description: "Accepted", content: { "application/json": { schema: Accepted } } },
    ...errors(400, 401, 403, 413, 415),
  },
});

const postLines = createRoute({
  method: "post",
  path: "/v1/write",
  summary: "Report scores in InfluxDB line protocol",
  description:
    "One report per line: `scores,game=g1,player=p1[,team=red][,id=evt-1] value=120 [timestamp]` " +
    "(field `value` or `score`). Lines may mix games. The whole body is validated first; " +
    "any bad line rejects it with the line numbers and nothing is applied.",
  security: [{ bearer: [] }],
  middleware: [requireKey, limitBody(MAX_LINE_PROTOCOL_BYTES)] as const,
  request: {
    query: z.object({
      precision: z.enum(PRECISIONS).default("ns").openapi({ description: "Unit of the line timestamps" }),
    }),
    body: { required: true, content: { "text/plain": { schema: z.string() } } },
  },
  responses: {
    204: { description: "All lines applied" },
    ...errors(400, 401, 403, 413, 415),
  },
});

export const scoreRoutes = createRouter()
  .openapi(postScores, async (c) => {
    const { game } = c.req.valid("param");
    const body = c.req.valid("json");
    const reports = "scores" in body ? body.scores : [body];
    return reply(c, await c.env.BOARD.getByName(game).applyReports(game, reports));
  })
  .openapi(postLines, async (c) => {
    const type = c.req.header("content-type");
    if (type !== undefined && !/^(text\/plain|application\/octet-stream)\s*(;|$)/i.test(type)) {
      return fail(c, { status: 415, code: "unsupported_media_type", message: "send line protocol as text/plain" });
    }
    const parsed = parseLineProtocol(await c.req.text(), c.req.valid("query").precision);
    if (!parsed.ok) {
      return fail(c, {
        status: 400,
        code: "invalid_line_protocol",
        message: parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join("; "),
        details: parsed.errors,
      });
    }
    const byGame = new Map<string, ScoreReport[]>();
    for (const { game, line: _line, ...report } of parsed.reports) {
      const reports = byGame.get(game);
      if (reports === undefined) byGame.set(game, [report]);
      else reports.push(report);
    }
    const refused = mayIngest(c.var.grant, byGame.keys());
    if (refused) return fail(c, refused);
    const outcomes = await Promise.all(
      [...byGame].map(([game, reports]) => c.env.BOARD.getByName(game).applyReports(game, reports)),
    );
    const failed = outcomes.find((o): o is { ok: false; error: ApiError } => !o.ok);
    if (failed) return fail(c, failed.error);
    return c.body(null, 204);
  });
