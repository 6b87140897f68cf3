import { createRoute } from "@hono/zod-openapi";
import { Joined } from "../../protocol/competition";
import { PlayerPath } from "../../protocol/names";
import { mayActAs } from "../auth";
import { createRouter, errorResponses as errors, fail, reply } from "../http";
import { requireKey, requireWriterForPathGame } from "./guards";

const postJoin = createRoute({
  method: "post",
  path: "/v1/games/{game}/players/{player}/join",
  tags: ["Players"],
  summary: "Join the open season",
  description:
    "On a game with `join: true`, a player's reports and results count only once it has joined the open " +
    "season (403 not_joined before). An ingest key, or the player's own token. A player not on the board " +
    "holds a place against maxPlayers from its join (409 board_full when none is left). Joining again " +
    "changes nothing; a season's close empties the joins. No body. Answers the player's standing-to-be: " +
    "its rank and score (null before its first report), the players on the board, and on a game with " +
    "maxAttempts its attempts and attempts left.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireWriterForPathGame] as const,
  request: { params: PlayerPath },
  responses: {
    200: { description: "Joined", content: { "application/json": { schema: Joined } } },
    ...errors(400, 401, 403, 409, 429),
  },
});

export const joinRoutes = createRouter().openapi(postJoin, async (c) => {
  const { game, player } = c.req.valid("param");
  const refused = mayActAs(c.var.grant, game, [player]);
  if (refused) return fail(c, refused);
  return reply(c, await c.env.BOARD.getByName(game).join(game, player));
});
