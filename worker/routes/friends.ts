import { createRoute } from "@hono/zod-openapi";
import { FriendsBoard, FriendsBody, MAX_FRIENDS } from "../../protocol/boards";
import { GamePath } from "../../protocol/names";
import { createRouter, errorResponses as errors, limitBody, reply } from "../http";

/** 100 names of up to 128 characters of up to 4 bytes, with room for the JSON around them. */
const MAX_FRIENDS_BYTES = 64 * 1024;

const postFriends = createRoute({
  method: "post",
  path: "/v1/games/{game}/leaderboard/players",
  tags: ["Boards"],
  summary: "Some players' entries (friends), for long lists",
  description:
    `As \`GET /v1/games/{game}/leaderboard?players=\`, the names in the body (at most ${MAX_FRIENDS}, any ` +
    "characters a player name may hold): their entries in board order with their ranks on the whole board, and " +
    "`missing` for the names not on it. A read: public, like the leaderboard.",
  middleware: [limitBody(MAX_FRIENDS_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: FriendsBody } } },
  },
  responses: {
    200: { description: "The players on the board", content: { "application/json": { schema: FriendsBoard } } },
    ...errors(400, 404, 413, 415),
  },
});

export const friendsRoutes = createRouter().openapi(postFriends, async (c) => {
  const { game } = c.req.valid("param");
  const players = [...new Set(c.req.valid("json").players)];
  return reply(c, await c.env.BOARD.getByName(game).friends(players));
});
