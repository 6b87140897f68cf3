import { z } from "@hono/zod-openapi";
import { Attempts } from "./competition";
import { GameConfig } from "./config";
import { GAME_KINDS } from "./game-kind";
import { Country, DisplayName, GameName, PlayerName, Score, TeamName } from "./names";
import { Meta } from "./reports";
import { CurrentSeason } from "./seasons";

const UpdatedAt = z.number().int().openapi({ description: "When the board last changed (ms since epoch)" });

export const LeaderboardEntry = z
  .object({
    rank: z.number().int().openapi({ example: 1 }),
    player: PlayerName,
    score: Score,
    subscore: z.number().optional().openapi({
      description: "On a game with a tiebreak: what orders equal scores (in tiebreak.order), before ts",
    }),
    ts: z.number().openapi({ description: "When the player reached this score (ms)" }),
    team: TeamName.optional(),
    name: DisplayName.optional(),
    country: Country.optional(),
    globalRank: z.number().int().optional().openapi({
      description:
        "With `country`, and on a cohort's board: the rank on the whole board (`rank` is within the country or cohort)",
    }),
    meta: Meta.optional(),
    tier: z.string().optional().openapi({
      description:
        "The first of the game's `tiers` that holds the entry (by its rank on the whole board); absent when none does",
    }),
    cohort: z.number().int().optional().openapi({
      description: "On a game with cohorts, in standings and closed seasons' entries: the player's cohort",
    }),
    cohortRank: z.number().int().optional().openapi({ description: "With `cohort`: the rank within the cohort" }),
  })
  .openapi("LeaderboardEntry");

export const Leaderboard = z
  .object({
    game: GameName,
    updatedAt: UpdatedAt,
    total: z.number().int().openapi({ description: "Players on the board" }),
    entries: z.array(LeaderboardEntry),
    missing: z
      .array(PlayerName)
      .optional()
      .openapi({ description: "With `players`: the players asked for who are not on the board" }),
  })
  .openapi("Leaderboard");

/** The share of the board at or above a rank: 0.01 is the top 1%. */
const TopShare = z.number().openapi({ description: "rank / total: 0.01 is the top 1%", example: 0.01 });

export const PlayerStanding = LeaderboardEntry.extend({
  total: z.number().int(),
  top: TopShare,
  countryRank: z
    .number()
    .int()
    .optional()
    .openapi({ description: "The rank within the player's country, if it has one" }),
  around: z.array(LeaderboardEntry).optional().openapi({
    description: "The player's entry with up to `around` neighbours on each side, in rank order",
  }),
  ...Attempts,
}).openapi("PlayerStanding");

/** The most players one friends read names. */
export const MAX_FRIENDS = 100;

export const FriendsBoard = Leaderboard.extend({
  missing: z.array(PlayerName).openapi({ description: "The players asked for who are not on the board" }),
}).openapi("FriendsBoard");

/** The players of a friends read: PlayerNames, at most MAX_FRIENDS. */
export const FriendsBody = z
  .strictObject({
    players: z
      .array(PlayerName)
      .min(1)
      .refine((players) => new Set(players).size <= MAX_FRIENDS, `at most ${MAX_FRIENDS} players in one read`)
      .openapi({ description: `At most ${MAX_FRIENDS}; repeats count once` }),
  })
  .openapi("FriendsBody");

/** The most games one player-across-games read names. */
export const MAX_GAMES_ACROSS = 50;

export const PlayerAcrossGames = z
  .object({
    player: PlayerName,
    standings: z.array(
      z.object({
        game: GameName,
        rank: z.number().int(),
        score: Score,
        ts: z.number(),
        total: z.number().int(),
        top: TopShare,
        tier: z.string().optional(),
      }),
    ),
    missing: z.array(GameName).openapi({
      description: "The games asked for where the player is not on the board, or that do not exist",
    }),
  })
  .openapi("PlayerAcrossGames");

export const GameSummary = z
  .object({
    game: GameName,
    players: z.number().int(),
    updatedAt: UpdatedAt,
    kind: z.enum(GAME_KINDS).optional().openapi({
      description: "score (last, max or min of reports), points (their sum), or a rating: wins, elo, openskill",
    }),
    leader: z
      .object({ player: PlayerName, name: DisplayName.optional(), country: Country.optional(), score: Score })
      .optional()
      .openapi({ description: "The first of the board, with its profile; absent while the board is empty" }),
    season: z.number().int().optional().openapi({ description: "The open season, for a game with seasons" }),
    spectators: z.number().int().openapi({ description: "Live websocket spectators" }),
  })
  .openapi("GameSummary");

export const GameList = z
  .object({
    games: z.array(GameSummary),
    next: z.string().optional().openapi({ description: "Pass as `after` to get the next page" }),
  })
  .openapi("GameList");

export const GameInfo = z
  .object({
    game: GameName,
    config: GameConfig,
    players: z.number().int(),
    updatedAt: UpdatedAt,
    season: CurrentSeason,
    shards: z
      .array(z.object({ shard: z.number().int(), players: z.number().int() }))
      .optional()
      .openapi({ description: "A sharded game: each shard's players on the board" }),
    cohorts: z.number().int().optional().openapi({
      description:
        "On a game with cohorts: how many the open season has opened (cohorts 1 to this can be read; 0 before anyone plays)",
    }),
  })
  .openapi("GameInfo");

const Rank = z.number().int().openapi({ example: 1 });
const When = z.number().openapi({ description: "The newest ts among the group's members on the board (ms)" });

export const TeamStanding = z
  .object({
    rank: Rank,
    team: TeamName,
    score: Score.openapi({ description: "The sum of the members' scores" }),
    members: z.number().int().openapi({ description: "Members on the board" }),
    ts: When,
  })
  .openapi("TeamStanding");

export const TeamBoard = z
  .object({ game: GameName, updatedAt: UpdatedAt, total: z.number().int(), entries: z.array(TeamStanding) })
  .openapi("TeamBoard");

export const TeamDetail = TeamStanding.extend({
  players: z.array(
    z.object({
      rank: Rank.openapi({ description: "The rank on the game's board" }),
      player: PlayerName,
      score: Score,
      share: z.number().nullable().openapi({ description: "score / team score; null when the team's score is 0" }),
      name: DisplayName.optional(),
      country: Country.optional(),
      meta: Meta.optional(),
    }),
  ),
}).openapi("TeamDetail");

export const MvpEntry = z
  .object({
    rank: Rank,
    team: TeamName,
    player: PlayerName,
    score: Score,
    teamScore: Score,
    share: z.number(),
    name: DisplayName.optional(),
    country: Country.optional(),
    meta: Meta.optional(),
  })
  .openapi("MvpEntry");

export const MvpBoard = z
  .object({ game: GameName, updatedAt: UpdatedAt, entries: z.array(MvpEntry) })
  .openapi("MvpBoard");

/** The most trending players a page shows (and a game keeps between two computations). */
export const MAX_TRENDING = 100;

export const TrendingEntry = z
  .object({
    rank: Rank,
    player: PlayerName,
    hotness: z.number().openapi({ description: "short / long" }),
    short: z.number().openapi({ description: "Gains per second over the short window" }),
    long: z.number().openapi({ description: "Gains per second over the long window" }),
    team: TeamName.optional(),
    name: DisplayName.optional(),
    country: Country.optional(),
    meta: Meta.optional(),
  })
  .openapi("TrendingEntry");

export const TrendingBoard = z
  .object({ game: GameName, updatedAt: UpdatedAt, entries: z.array(TrendingEntry) })
  .openapi("TrendingBoard");

export const CountryStanding = z
  .object({
    rank: Rank,
    country: Country,
    score: Score.openapi({ description: "The sum of the players' scores" }),
    players: z.number().int().openapi({ description: "Players of the country on the board" }),
    ts: When,
  })
  .openapi("CountryStanding");

export const CountryBoard = z
  .object({ game: GameName, updatedAt: UpdatedAt, total: z.number().int(), entries: z.array(CountryStanding) })
  .openapi("CountryBoard");

export type TeamStanding = z.infer<typeof TeamStanding>;
export type TeamBoard = z.infer<typeof TeamBoard>;
export type TeamDetail = z.infer<typeof TeamDetail>;
export type MvpEntry = z.infer<typeof MvpEntry>;
export type MvpBoard = z.infer<typeof MvpBoard>;
export type TrendingEntry = z.infer<typeof TrendingEntry>;
export type TrendingBoard = z.infer<typeof TrendingBoard>;
export type CountryStanding = z.infer<typeof CountryStanding>;
export type CountryBoard = z.infer<typeof CountryBoard>;
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;
export type Leaderboard = z.infer<typeof Leaderboard>;
export type PlayerStanding = z.infer<typeof PlayerStanding>;
export type FriendsBoard = z.infer<typeof FriendsBoard>;
export type PlayerAcrossGames = z.infer<typeof PlayerAcrossGames>;
export type GameSummary = z.infer<typeof GameSummary>;
export type GameInfo = z.infer<typeof GameInfo>;

export const SeasonLeaderboard = Leaderboard.extend({
  season: z.number().int(),
  complete: z
    .boolean()
    .openapi({ description: "false while a closed season's standings are still on their way to D1" }),
}).openapi("SeasonLeaderboard");

export const SeasonStanding = LeaderboardEntry.extend({
  season: z.number().int(),
  total: z.number().int().openapi({ description: "Players in the season's standings" }),
  top: TopShare,
  award: z.number().openapi({ description: "What the season's prizes paid the player; 0 when none" }),
  complete: z.boolean(),
}).openapi("SeasonStanding");

export type SeasonLeaderboard = z.infer<typeof SeasonLeaderboard>;
