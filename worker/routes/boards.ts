import { createRoute, z } from "@hono/zod-openapi";
import { CountryBoard, MAX_TRENDING, MvpBoard, TeamBoard, TeamDetail, TrendingBoard } from "../../protocol/boards";
import { GamePath, TeamPath } from "../../protocol/names";
import { queryInt } from "../../protocol/query";
import { createRouter, errorResponses as errors, reply } from "../http";

/**
 * The boards a game derives from its players' reports: teams, team MVPs,
 * trending players and countries. They share the players board's order, ties
 * and window: only players on the board count.
 */
const page = (defaultLimit: number) =>
  z.object({ limit: queryInt(1, 1000, defaultLimit), offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0) });

const listTeams = createRoute({
  method: "get",
  path: "/v1/games/{game}/teams",
  tags: ["Boards"],
  summary: "Teams ranked by the sum of their members' scores",
  description:
    "A player's team is the one named by its newest report that names one. Equal scores: earlier `ts` (the " +
    "newest member ts), then team name in code-point order.",
  request: { params: GamePath, query: page(15) },
  responses: {
    200: { description: "Teams in rank order", content: { "application/json": { schema: TeamBoard } } },
    ...errors(400, 404),
  },
});

const getTeam = createRoute({
  method: "get",
  path: "/v1/games/{game}/teams/{team}",
  tags: ["Boards"],
  summary: "A team's standing and its members in board order",
  description: "`players[].rank` is the rank on the game's board; `share` = member score / team score.",
  request: { params: TeamPath, query: z.object({ limit: queryInt(1, 1000, 10) }) },
  responses: {
    200: { description: "The team", content: { "application/json": { schema: TeamDetail } } },
    ...errors(400, 404),
  },
});

const listMvps = createRoute({
  method: "get",
  path: "/v1/games/{game}/mvps",
  tags: ["Boards"],
  summary: "Each team's MVP, ranked by share",
  description:
    "For each team with a positive score, the member with the largest share of it (ties by board order), " +
    "ranked by share, largest first, then by board order.",
  request: { params: GamePath, query: page(10) },
  responses: {
    200: { description: "MVPs", content: { "application/json": { schema: MvpBoard } } },
    ...errors(400, 404),
  },
});

const listTrending = createRoute({
  method: "get",
  path: "/v1/games/{game}/trending",
  tags: ["Boards"],
  summary: "Hot streakers: gains per second, short window against long",
  description:
    "`short` and `long` are a player's gains per second over the `trend` config's windows, `hotness` = " +
    "short / long; only players with `minReports` reports in the short window and a positive `long`. " +
    "Recomputed at most once a second.",
  request: { params: GamePath, query: z.object({ limit: queryInt(1, MAX_TRENDING, 10) }) },
  responses: {
    200: { description: "Trending players, hottest first", content: { "application/json": { schema: TrendingBoard } } },
    ...errors(400, 404),
  },
});

const listCountries = createRoute({
  method: "get",
  path: "/v1/games/{game}/countries",
  tags: ["Boards"],
  summary: "Countries ranked by the sum of their players' scores",
  request: { params: GamePath, query: page(15) },
  responses: {
    200: { description: "Countries in rank order", content: { "application/json": { schema: CountryBoard } } },
    ...errors(400, 404),
  },
});

export const boardRoutes = createRouter()
  .openapi(listTeams, async (c) => {
    const { game } = c.req.valid("param");
    const { offset, limit } = c.req.valid("query");
    return reply(c, await c.env.BOARD.getByName(game).teams(offset, limit));
  })
  .openapi(getTeam, async (c) => {
    const { game, team } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).team(team, c.req.valid("query").limit));
  })
  .openapi(listMvps, async (c) => {
    const { game } = c.req.valid("param");
    const { offset, limit } = c.req.valid("query");
    return reply(c, await c.env.BOARD.getByName(game).mvps(offset, limit));
  })
  .openapi(listTrending, async (c) => {
    const { game } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).trending(c.req.valid("query").limit));
  })
  .openapi(listCountries, async (c) => {
    const { game } = c.req.valid("param");
    const { offset, limit } = c.req.valid("query");
    return reply(c, await c.env.BOARD.getByName(game).countries(offset, limit));
  });
