import { createRoute, z } from "@hono/zod-openapi";
import pLimit from "p-limit";
import { MAX_GAMES_ACROSS, PlayerAcrossGames, type PlayerStanding } from "../../protocol/boards";
import type { Outcome } from "../../protocol/errors";
import { GameName, PlayerName } from "../../protocol/names";
import { queryList } from "../../protocol/query";
import { createRouter, errorResponses as errors } from "../http";

/** Game objects asked at once for one read: enough to be quick, few enough not to crowd the Worker's connections. */
const GAMES_AT_ONCE = 10;

const playerAcrossGames = createRoute({
  method: "get",
  path: "/v1/players/{player}",
  tags: ["Players"],
  summary: "One player's standing in several games",
  description:
    `The player's rank, score, ts, the board's total and \`top\` (rank / total) in each of \`games\` (at most ` +
    `${MAX_GAMES_ACROSS}), in the order asked, with \`tier\` where the game has tiers; \`missing\` lists the ` +
    "games where the player is not on the board or that do not exist. Public, like every board read.",
  request: {
    params: z.object({ player: PlayerName }),
    query: z.object({
      games: queryList(GameName, MAX_GAMES_ACROSS, "games").openapi({
        description: `Game names, comma-separated, at most ${MAX_GAMES_ACROSS}`,
      }),
    }),
  },
  responses: {
    200: { description: "The player's standings", content: { "application/json": { schema: PlayerAcrossGames } } },
    ...errors(400),
  },
});

export const acrossRoutes = createRouter().openapi(playerAcrossGames, async (c) => {
  const { player } = c.req.valid("param");
  const { games } = c.req.valid("query");
  const limit = pLimit(GAMES_AT_ONCE);
  const standing = async (game: string): Promise<Outcome<PlayerStanding>> =>
    await c.env.BOARD.getByName(game).standing(player, 0);
  const outcomes = await Promise.all(games.map((game) => limit(() => standing(game))));
  const body: PlayerAcrossGames = { player, standings: [], missing: [] };
  for (const [i, outcome] of outcomes.entries()) {
    // A game that does not exist and a player not on its board are alike here: not found.
    if (!outcome.ok) body.missing.push(games[i]);
    else {
      const { rank, score, ts, total, top, tier } = outcome.value;
      body.standings.push({ game: games[i], rank, score, ts, total, top, ...(tier === undefined ? {} : { tier }) });
    }
  }
  return c.json(body, 200);
});
