import { createRoute } from "@hono/zod-openapi";
import { type ApiError, tokenForbidden } from "../../protocol/errors";
import { GamePath } from "../../protocol/names";
import { Accepted, type ScoreReport, ScoresBody } from "../../protocol/reports";
import { type Grant, mayActAs } from "../auth";
import { createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { applyBatch, REPORTS } from "../shards";
import { requireKey, requireWriterForPathGame } from "./guards";

const MAX_JSON_BYTES = 1024 * 1024;

const postScores = createRoute({
  method: "post",
  path: "/v1/games/{game}/scores",
  tags: ["Reporting"],
  summary: "Report scores",
  description:
    "One report, or `{scores: [...]}` with up to 1000. Answered only once the reports are durable. " +
    "A batch is validated whole: if any report is invalid, none is applied. An ingest key, or a player " +
    "token for this game posting only its own player's scores: at most 10 a request, stamped with the " +
    "server's time, naming no `ts` and no `team` (403).",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireWriterForPathGame, limitBody(MAX_JSON_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: ScoresBody } } },
  },
  responses: {
    200: { description: "Accepted", content: { "application/json": { schema: Accepted } } },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const scoreRoutes = createRouter().openapi(postScores, async (c) => {
  const { game } = c.req.valid("param");
  const body = c.req.valid("json");
  const reports = "scores" in body ? body.scores : [body];
  const refused = mayActAs(
    c.var.grant,
    game,
    reports.map((r) => r.player),
  );
  if (refused) return fail(c, refused);
  const sent = c.var.grant.role === "player" ? fromToken(c.var.grant, reports) : reports;
  if (!Array.isArray(sent)) return fail(c, sent);
  return reply(c, await applyBatch(c.env, game, sent, REPORTS));
});

/** Reports a player token may post in one request: its one player's score needs few, and each id is kept a day. */
export const TOKEN_MAX_BATCH = 10;

/**
 * A player token's reports, or a 403. A token names no team: a team's board
 * is the game's to fill, and each new team costs the board memory (maxTeams).
 * Its reports take the server's time: a client's clock could win a tie by
 * backdating, or outdate the game server's correction by stamping ahead.
 * Its ids are kept apart (`token:{encoded player}:{id}`) so a token cannot claim an
 * id the game's server or another player will send.
 */
function fromToken(grant: Extract<Grant, { role: "player" }>, reports: ScoreReport[]): ScoreReport[] | ApiError {
  if (reports.length > TOKEN_MAX_BATCH) {
    return tokenForbidden(`a player token may post at most ${TOKEN_MAX_BATCH} reports a request`);
  }
  if (reports.some((r) => r.team !== undefined)) {
    return tokenForbidden("a player token may not name a team; the game's server sets teams with an ingest key");
  }
  if (reports.some((r) => r.ts !== undefined)) {
    return tokenForbidden(
      "a player token's reports take the server's time; the game's server may send ts with an ingest key",
    );
  }
  // Encoded, the player ends at the first colon: `a:b` with id `x` and `a` with id `b:x` stay apart.
  const prefix = `token:${encodeURIComponent(grant.player)}:`;
  return reports.map((r) => (r.id === undefined ? r : { ...r, id: `${prefix}${r.id}` }));
}
