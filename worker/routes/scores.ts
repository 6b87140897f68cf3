import { createRoute } from "@hono/zod-openapi";
import { GamePath } from "../../protocol/names";
import { Accepted, ScoresBody } from "../../protocol/reports";
import { mayActAs } from "../auth";
import { createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { requireKey, requireWriterForPathGame } from "./guards";

const MAX_JSON_BYTES = 1024 * 1024;

const postScores = createRoute({
  method: "post",
  path: "/v1/games/{game}/scores",
  summary: "Report scores",
  description:
    "One report, or `{scores: [...]}` with up to 1000. Answered only once the reports are durable. " +
    "A batch is validated whole: if any report is invalid, none is applied. An ingest key, or a player " +
    "token for this game posting only its own player's scores.",
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
  return reply(c, await c.env.BOARD.getByName(game).applyReports(game, reports));
});
