import { createRoute } from "@hono/zod-openapi";
import { PlayerPath } from "../../protocol/names";
import { Profile, ProfileBody } from "../../protocol/reports";
import { mayActAs } from "../auth";
import { createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { requireKey, requireWriterForPathGame } from "./guards";

const MAX_PROFILE_BYTES = 4 * 1024;

const putProfile = createRoute({
  method: "put",
  path: "/v1/games/{game}/players/{player}/profile",
  tags: ["Players"],
  summary: "Set a player's display name and country",
  description:
    "`name` (1-64 printable characters) and `country` (ISO 3166-1 alpha-2, upper case), either or both; the " +
    "profile is merged and answered whole. The player need not have scored yet. Entries then carry `name` " +
    "and `country`, and the player counts on its country's board. Removing the player removes its profile.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireWriterForPathGame, limitBody(MAX_PROFILE_BYTES)] as const,
  request: {
    params: PlayerPath,
    body: { required: true, content: { "application/json": { schema: ProfileBody } } },
  },
  responses: {
    200: { description: "The whole profile", content: { "application/json": { schema: Profile } } },
    ...errors(400, 401, 403, 413, 415, 429),
  },
});

export const profileRoutes = createRouter().openapi(putProfile, async (c) => {
  const { game, player } = c.req.valid("param");
  const refused = mayActAs(c.var.grant, game, [player]);
  if (refused) return fail(c, refused);
  return reply(c, await c.env.BOARD.getByName(game).setProfile(game, player, c.req.valid("json")));
});
