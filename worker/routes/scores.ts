import { createRoute, z } from "@hono/zod-openapi";
import pLimit from "p-limit";
import {
  type ApiError,
  type GameOutcomeDetail,
  internalError,
  invalidLineProtocol,
  type Outcome,
  refused,
  tooManyGames,
  unsupportedMediaType,
} from "../../protocol/errors";
import { GamePath } from "../../protocol/names";
import { Accepted, type ScoreReport, ScoresBody } from "../../protocol/reports";
import { mayIngest } from "../auth";
import { createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { PRECISIONS, parseLineProtocol } from "../ingest/line-protocol";
import { requireIngestForPathGame, requireKey } from "./guards";

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_LINE_PROTOCOL_BYTES = 5 * 1024 * 1024;
/** Games one line-protocol body may name: each is an object to wake and a directory row. */
export const MAX_GAMES_PER_WRITE = 100;
/** Games applied at once: a body's games queue behind a few calls, not one each. */
const GAME_CALLS_AT_ONCE = 8;

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
    "(field `value` or `score`). Lines may mix up to 100 games. The whole body is validated first; " +
    "any bad line rejects it with the line numbers and nothing is applied. Each game's lines then apply " +
    "atomically; if a game refuses its lines (a `sum` overflow), the answer is that error with `details` " +
    "listing every game with `applied` true or false, so a client resends only what failed.",
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
      return fail(c, unsupportedMediaType("send line protocol as text/plain"));
    }
    const parsed = parseLineProtocol(await c.req.text(), c.req.valid("query").precision);
    if (!parsed.ok) {
      return fail(c, invalidLineProtocol(parsed.errors));
    }
    const byGame = new Map<string, ScoreReport[]>();
    for (const { game, line: _line, ...report } of parsed.reports) {
      const reports = byGame.get(game);
      if (reports === undefined) byGame.set(game, [report]);
      else reports.push(report);
    }
    if (byGame.size > MAX_GAMES_PER_WRITE) {
      return fail(c, tooManyGames(byGame.size, MAX_GAMES_PER_WRITE));
    }
    const forbidden = mayIngest(c.var.grant, byGame.keys());
    if (forbidden) return fail(c, forbidden);
    const limit = pLimit(GAME_CALLS_AT_ONCE);
    const outcomes = await Promise.all(
      [...byGame].map(([game, reports]) =>
        limit(async (): Promise<[string, Outcome<unknown>]> => {
          try {
            return [game, await c.env.BOARD.getByName(game).applyReports(game, reports)];
          } catch (error) {
            console.error(`write: applying ${reports.length} lines to ${game} failed`, error);
            return [game, refused(internalError("applying the lines failed"))];
          }
        }),
      ),
    );
    const failed = outcomes.flatMap(([, o]) => (o.ok ? [] : [o.error]));
    const first = failed[0];
    if (first === undefined) return c.body(null, 204);
    return fail(c, partialWrite(first, failed.length, outcomes));
  });

/** The first refusal of a multi-game write, with what became of every game. */
function partialWrite(first: ApiError, refused: number, outcomes: [string, Outcome<unknown>][]): ApiError {
  const details: GameOutcomeDetail[] = outcomes.map(([game, o]) =>
    o.ok ? { game, applied: true } : { game, applied: false, code: o.error.code, message: o.error.message },
  );
  const message =
    outcomes.length === 1
      ? first.message
      : `${refused} of ${outcomes.length} games refused their lines (${first.message}); the others were applied`;
  return { status: first.status, code: first.code, message, details };
}
