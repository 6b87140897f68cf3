import { createRoute, z } from "@hono/zod-openapi";
import { topShare, withTiers } from "../../objects/tiered";
import { SeasonLeaderboard, SeasonStanding } from "../../protocol/boards";
import { notInSeason } from "../../protocol/errors";
import { GamePath, PlayerPath } from "../../protocol/names";
import { queryInt } from "../../protocol/query";
import { AwardList, PrizeProjection, SeasonList, SeasonNumber, SeasonSummary } from "../../protocol/seasons";
import { recordAction } from "../audit";
import { seasonEntry, standingsPage } from "../d1/seasons";
import { createRouter, errorResponses as errors, fail, reply } from "../http";
import { requireAdmin, requireKey } from "./guards";

const SeasonPath = GamePath.extend({ season: SeasonNumber });
const SeasonPlayerPath = PlayerPath.extend({ season: SeasonNumber });

const closeSeason = createRoute({
  method: "post",
  path: "/v1/games/{game}/seasons/close",
  tags: ["Seasons"],
  summary: "Close the season now",
  description:
    "As the schedule's boundary would: the standings are archived (to D1 in the background; the season reads " +
    "`complete: false` until they are all there) and the next season starts with an empty board. Admin key.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin] as const,
  request: { params: GamePath },
  responses: {
    200: { description: "The season just closed", content: { "application/json": { schema: SeasonSummary } } },
    ...errors(400, 401, 403, 404),
  },
});

const listSeasons = createRoute({
  method: "get",
  path: "/v1/games/{game}/seasons",
  tags: ["Seasons"],
  summary: "The game's seasons",
  description: "Newest first; the open season first, with `endedAt` null.",
  request: { params: GamePath },
  responses: {
    200: { description: "The seasons", content: { "application/json": { schema: SeasonList } } },
    ...errors(400, 404),
  },
});

const seasonLeaderboard = createRoute({
  method: "get",
  path: "/v1/games/{game}/seasons/{season}/leaderboard",
  tags: ["Seasons"],
  summary: "A page of a season's standings",
  description:
    "A closed season's final standings from D1, or the open season's live board; entries carry their `tier` " +
    "by the game's current `tiers`.",
  request: {
    params: SeasonPath,
    query: z.object({ limit: queryInt(1, 1000, 15), offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0) }),
  },
  responses: {
    200: { description: "Entries in final order", content: { "application/json": { schema: SeasonLeaderboard } } },
    ...errors(400, 404),
  },
});

const seasonPlayer = createRoute({
  method: "get",
  path: "/v1/games/{game}/seasons/{season}/players/{player}",
  tags: ["Seasons"],
  summary: "A player's standing in a season, with its award",
  request: { params: SeasonPlayerPath },
  responses: {
    200: { description: "The standing", content: { "application/json": { schema: SeasonStanding } } },
    ...errors(400, 404),
  },
});

const seasonAwards = createRoute({
  method: "get",
  path: "/v1/games/{game}/seasons/{season}/awards",
  tags: ["Seasons"],
  summary: "What a closed season's prizes paid",
  request: { params: SeasonPath },
  responses: {
    200: { description: "Awards in rank order", content: { "application/json": { schema: AwardList } } },
    ...errors(400, 404),
  },
});

const getPrizes = createRoute({
  method: "get",
  path: "/v1/games/{game}/prizes",
  tags: ["Seasons"],
  summary: "The prize pool, and what a close would pay now",
  request: { params: GamePath },
  responses: {
    200: { description: "The projection", content: { "application/json": { schema: PrizeProjection } } },
    ...errors(400, 404),
  },
});

export const seasonRoutes = createRouter()
  .openapi(closeSeason, async (c) => {
    const { game } = c.req.valid("param");
    const outcome = await c.env.BOARD.getByName(game).closeSeason();
    if (outcome.ok) await recordAction(c, game, "season.closed", { season: outcome.value.season });
    return reply(c, outcome);
  })
  .openapi(listSeasons, async (c) => {
    const { game } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).seasonList());
  })
  .openapi(seasonLeaderboard, async (c) => {
    const { game, season } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    const board = c.env.BOARD.getByName(game);
    const summary = await board.season(season);
    if (!summary.ok) return reply(c, summary);
    if (summary.value.endedAt === null) {
      const live = await board.leaderboard(offset, limit);
      if (!live.ok) return reply(c, live);
      return c.json({ ...live.value, season, complete: true }, 200);
    }
    const [page, info] = await Promise.all([standingsPage(c.env.DB, game, season, { limit, offset }), board.info()]);
    const { endedAt, players, complete } = summary.value;
    const entries = info.ok ? withTiers(page, players, info.value.config) : page;
    return c.json({ game, updatedAt: endedAt, total: players, entries, season, complete }, 200);
  })
  .openapi(seasonPlayer, async (c) => {
    const { game, season, player } = c.req.valid("param");
    const board = c.env.BOARD.getByName(game);
    const summary = await board.season(season);
    if (!summary.ok) return reply(c, summary);
    if (summary.value.endedAt === null) {
      const live = await board.standing(player, 0);
      if (!live.ok) return reply(c, live);
      const { around: _, countryRank: __, ...standing } = live.value;
      return c.json({ ...standing, season, award: 0, complete: true }, 200);
    }
    const found = await seasonEntry(c.env.DB, game, season, player);
    if (found === undefined) return fail(c, notInSeason(player, season));
    const [awards, info] = await Promise.all([board.seasonAwards(season), board.info()]);
    const award = (awards.ok ? awards.value.awards : []).find((a) => a.player === player)?.amount ?? 0;
    const { players, complete } = summary.value;
    const [entry] = info.ok ? withTiers([found], players, info.value.config) : [found];
    return c.json({ ...entry, season, total: players, top: topShare(entry.rank, players), award, complete }, 200);
  })
  .openapi(seasonAwards, async (c) => {
    const { game, season } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).seasonAwards(season));
  })
  .openapi(getPrizes, async (c) => {
    const { game } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).prizes());
  });
