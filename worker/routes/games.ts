import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { GameInfo, GameList, Leaderboard, MAX_FRIENDS, PlayerStanding } from "../../protocol/boards";
import { GameConfig, GameConfigPatch } from "../../protocol/config";
import { accepted } from "../../protocol/errors";
import { maskedWebhook } from "../../protocol/hooks";
import { Country, GameName, GamePath, PlayerName, PlayerPath } from "../../protocol/names";
import { queryInt, queryList } from "../../protocol/query";
import { recordAction } from "../audit";
import { authenticate } from "../auth";
import { directoryPage } from "../d1/games";
import { type AppEnv, createRouter, errorResponses as errors, fail, limitBody, reply } from "../http";
import { requireAdmin, requireKey } from "./guards";

const MAX_CONFIG_BYTES = 16 * 1024;
const MAX_LIST = 1000;

const listGames = createRoute({
  method: "get",
  path: "/v1/games",
  tags: ["Games"],
  summary: "List games",
  description:
    "From the D1 directory, which follows each game within about a second. `order=name` (default) pages by " +
    "name: pass `next` as `after`. `order=active` lists the most recently updated first: pass `next` as `offset`.",
  request: {
    query: z.object({
      order: z
        .enum(["name", "active"])
        .default("name")
        .openapi({ description: "By name, or most recently updated first" }),
      limit: queryInt(1, MAX_LIST, MAX_LIST),
      after: GameName.optional().openapi({
        description: "order=name: continue after this game (the `next` of a page)",
      }),
      offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0).openapi({ description: "order=active: skip this many games" }),
    }),
  },
  responses: {
    200: { description: "Games by name or by activity", content: { "application/json": { schema: GameList } } },
    ...errors(400),
  },
});

const getGame = createRoute({
  method: "get",
  path: "/v1/games/{game}",
  tags: ["Games"],
  summary: "A game's config and size",
  description:
    "The config's webhook URL shows whole only with an admin key; without one, its origin (`https://host/…`), " +
    "since a hook's path or query often carries a secret.",
  request: { params: GamePath },
  responses: {
    200: { description: "The game", content: { "application/json": { schema: GameInfo } } },
    ...errors(400, 404),
  },
});

const putGame = createRoute({
  method: "put",
  path: "/v1/games/{game}",
  tags: ["Games"],
  summary: "Change a game's config (creates the game)",
  description:
    "A partial config. `order`, `ties` and `window` may change at any time (the board is re-ranked at once); " +
    "`aggregate` only while the board has no players (409 otherwise).",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin, limitBody(MAX_CONFIG_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: GameConfigPatch } } },
  },
  responses: {
    200: { description: "The new config", content: { "application/json": { schema: GameConfig } } },
    ...errors(400, 401, 403, 409, 413, 415),
  },
});

const getLeaderboard = createRoute({
  method: "get",
  path: "/v1/games/{game}/leaderboard",
  tags: ["Boards"],
  summary: "A page of the board",
  request: {
    params: GamePath,
    query: z
      .object({
        limit: queryInt(1, 1000, 15),
        offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0),
        country: Country.optional().openapi({
          description: "Only this country's players: `rank` within the country, `globalRank` on the whole board",
        }),
        players: queryList(PlayerName, MAX_FRIENDS, "players")
          .optional()
          .openapi({
            description:
              `Only these players (friends), comma-separated, at most ${MAX_FRIENDS}: their entries in board order ` +
              "with their ranks on the whole board, and `missing` for those not on it; `offset` and `limit` do not " +
              "apply. Names holding a comma: POST /v1/games/{game}/leaderboard/players",
          }),
      })
      .refine((q) => q.players === undefined || q.country === undefined, {
        message: "ask for players or a country: not both",
        path: ["players"],
      }),
  },
  responses: {
    200: { description: "Entries in rank order", content: { "application/json": { schema: Leaderboard } } },
    ...errors(400, 404),
  },
});

const getPlayer = createRoute({
  method: "get",
  path: "/v1/games/{game}/players/{player}",
  tags: ["Players"],
  summary: "A player's rank, with neighbours",
  request: { params: PlayerPath, query: z.object({ around: queryInt(0, 100, 0) }) },
  responses: {
    200: { description: "The player's standing", content: { "application/json": { schema: PlayerStanding } } },
    ...errors(400, 404),
  },
});

const deleteGame = createRoute({
  method: "delete",
  path: "/v1/games/{game}",
  tags: ["Games"],
  summary: "Delete a game",
  description:
    "Deletes the board, the game's object storage, its directory row and its spectators' sockets; with " +
    "`history=true` also its history in D1 (snapshots, archived reports, closed seasons' standings and awards). " +
    "A later report starts a fresh game with the default config.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin] as const,
  request: {
    params: GamePath,
    query: z.object({
      history: z.enum(["true", "false"]).default("false").openapi({
        description: "true: also delete the game's snapshots, archived reports and closed seasons in D1",
      }),
    }),
  },
  responses: {
    204: { description: "Deleted" },
    ...errors(400, 401, 403, 404),
  },
});

const deletePlayer = createRoute({
  method: "delete",
  path: "/v1/games/{game}/players/{player}",
  tags: ["Players"],
  summary: "Remove a player",
  description:
    "Removes the player from the board with its profile, stats, meta and cohort. A player off the board " +
    "(of a closed season, or one that only has a profile or stats) has those removed. 404 when the game " +
    "holds nothing of the player.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin] as const,
  request: { params: PlayerPath },
  responses: {
    204: { description: "Removed" },
    ...errors(400, 401, 403, 404),
  },
});

/** Whether the request carries an admin key (a read open to all shows admins more). */
async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  const grant = await authenticate(c.req.header("authorization"), c.env);
  return "role" in grant && grant.role === "admin";
}

export const gameRoutes = createRouter()
  .openapi(listGames, async (c) => c.json(await directoryPage(c.env.DB, c.req.valid("query")), 200))
  .openapi(getGame, async (c) => {
    const { game } = c.req.valid("param");
    const info = await c.env.BOARD.getByName(game).info();
    if (!info.ok || info.value.config.webhook === null || (await isAdmin(c))) return reply(c, info);
    const config = { ...info.value.config, webhook: maskedWebhook(info.value.config.webhook) };
    return reply(c, accepted({ ...info.value, config }));
  })
  .openapi(putGame, async (c) => {
    const { game } = c.req.valid("param");
    const change = c.req.valid("json");
    const outcome = await c.env.BOARD.getByName(game).configure(game, change);
    if (outcome.ok) await recordAction(c, game, "config.changed", change);
    return reply(c, outcome);
  })
  .openapi(getLeaderboard, async (c) => {
    const { game } = c.req.valid("param");
    const { offset, limit, country, players } = c.req.valid("query");
    const board = c.env.BOARD.getByName(game);
    return reply(c, await (players ? board.friends(players) : board.leaderboard(offset, limit, country)));
  })
  .openapi(getPlayer, async (c) => {
    const { game, player } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).standing(player, c.req.valid("query").around));
  })
  .openapi(deleteGame, async (c) => {
    const { game } = c.req.valid("param");
    const history = c.req.valid("query").history === "true";
    const outcome = await c.env.BOARD.getByName(game).deleteGame(game, history);
    if (outcome.ok) await recordAction(c, game, "game.deleted", { history });
    return outcome.ok ? c.body(null, 204) : fail(c, outcome.error);
  })
  .openapi(deletePlayer, async (c) => {
    const { game, player } = c.req.valid("param");
    const outcome = await c.env.BOARD.getByName(game).removePlayer(player);
    if (outcome.ok) await recordAction(c, game, "player.removed", { player });
    return outcome.ok ? c.body(null, 204) : fail(c, outcome.error);
  });
