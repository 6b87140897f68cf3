import { createRoute, z } from "@hono/zod-openapi";
import { MAX_FRIENDS } from "../../protocol/boards";
import { CohortQuery } from "../../protocol/cohorts";
import { upgradeRequired } from "../../protocol/errors";
import { LIVE_AROUND, LIVE_BOARDS, LIVE_LIMIT } from "../../protocol/live";
import { Country, GamePath, PlayerName } from "../../protocol/names";
import { queryInt, queryList } from "../../protocol/query";
import { createRouter, errorResponses as errors, fail } from "../http";
import { openSocket } from "../relays";
import { clientAddress, limitUpgrades } from "./guards";

const watchGame = createRoute({
  method: "get",
  path: "/v1/games/{game}/live",
  tags: ["Live"],
  summary: "Watch a board live (websocket)",
  description:
    "Upgrade with `Upgrade: websocket`. `board` picks players (default), teams, mvps, trending or countries; " +
    "entries are that board's, keyed by `player`, `team` (teams, mvps) or `country`. " +
    "The first message is a `snapshot` (top `limit`, plus the followed " +
    "`player` and `around` neighbours each side, the named `players` wherever they stand, or the top of " +
    "`cohort`, ranked within it with `globalRank`; 404 for a cohort not opened this season); then `update` messages carry only entries that changed: " +
    "their rank, score, presence, `ts`, `meta` or any other field (leavers as `{player, rank: null}`), at most one per `liveEvery` ms, with `seq` " +
    "increasing by one per message. Send `ping` to get `pong`; anything else closes the socket (1008). " +
    "On a `seq` gap, reconnect for a fresh snapshot. Requests per client IP are rate-limited (429), and one client IP holds at most " +
    "100 open sockets on the game's object and on each relay (429 too_many_sockets).",
  middleware: [limitUpgrades] as const,
  request: {
    params: GamePath,
    query: z
      .strictObject({
        board: z.enum(LIVE_BOARDS).default("players").openapi({ description: "The board to watch" }),
        limit: queryInt(LIVE_LIMIT.min, LIVE_LIMIT.max, LIVE_LIMIT.default),
        player: PlayerName.optional().openapi({ description: "Follow this player: its entry and neighbours" }),
        around: queryInt(LIVE_AROUND.min, LIVE_AROUND.max, LIVE_AROUND.default),
        country: Country.optional().openapi({ description: "Only this country's players (players board)" }),
        players: queryList(PlayerName, MAX_FRIENDS, "players")
          .optional()
          .openapi({
            description:
              `Only these players (friends), comma-separated, at most ${MAX_FRIENDS}, wherever they stand (players ` +
              "board; `limit` and `around` do not apply). One view per set, whatever the order named",
          }),
        cohort: CohortQuery.optional(),
      })
      .refine((q) => q.board === "players" || (q.player === undefined && q.country === undefined), {
        message: "player and country apply to the players board only",
        path: ["board"],
      })
      .refine((q) => q.player === undefined || q.country === undefined, {
        message: "follow a player, or watch a country: not both",
        path: ["country"],
      })
      .refine((q) => q.players === undefined || (q.board === "players" && !q.player && !q.country), {
        message: "players watch a set on the players board: not with board, player or country",
        path: ["players"],
      })
      .refine((q) => q.cohort === undefined || (q.board === "players" && !q.player && !q.country && !q.players), {
        message: "a cohort is watched on the players board: not with board, player, country or players",
        path: ["cohort"],
      }),
  },
  responses: {
    101: { description: "Switching protocols: the socket is open" },
    ...errors(400, 404, 426, 429),
  },
});

export const liveRoutes = createRouter().openapi(watchGame, async (c) => {
  const { game } = c.req.valid("param");
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return fail(c, upgradeRequired());
  }
  const { board, limit, player, around, country, players, cohort } = c.req.valid("query");
  const url = new URL(c.req.url);
  const query = new URLSearchParams({
    board,
    limit: String(limit),
    around: String(around),
    ...(player ? { player } : {}),
    ...(country ? { country } : {}),
    ...(cohort ? { cohort: String(cohort) } : {}),
  });
  // One parameter per name: names may hold commas.
  for (const name of players ?? []) query.append("players", name);
  url.search = query.toString();
  // The game's object admits the spectator; its socket is held there or on a relay.
  return (await openSocket(c.env, game, url, c.req.raw, clientAddress(c))) as never;
});
