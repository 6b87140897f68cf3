import { z } from "@hono/zod-openapi";
import { GameConfig } from "./config";
import { GameName, PlayerName, Score, TeamName } from "./names";

const UpdatedAt = z.number().int().openapi({ description: "When the board last changed (ms since epoch)" });

export const LeaderboardEntry = z
  .object({
    rank: z.number().int().openapi({ example: 1 }),
    player: PlayerName,
    score: Score,
    ts: z.number().openapi({ description: "When the player reached this score (ms)" }),
    team: TeamName.optional(),
  })
  .openapi("LeaderboardEntry");

export const Leaderboard = z
  .object({
    game: GameName,
    updatedAt: UpdatedAt,
    total: z.number().int().openapi({ description: "Players on the board" }),
    entries: z.array(LeaderboardEntry),
  })
  .openapi("Leaderboard");

export const PlayerStanding = LeaderboardEntry.extend({
  total: z.number().int(),
  around: z.array(LeaderboardEntry).optional().openapi({
    description: "The player's entry with up to `around` neighbours on each side, in rank order",
  }),
}).openapi("PlayerStanding");

export const GameSummary = z
  .object({ game: GameName, players: z.number().int(), updatedAt: UpdatedAt })
  .openapi("GameSummary");

export const GameList = z
  .object({
    games: z.array(GameSummary),
    next: z.string().optional().openapi({ description: "Pass as `after` to get the next page" }),
  })
  .openapi("GameList");

export const GameInfo = z
  .object({ game: GameName, config: GameConfig, players: z.number().int(), updatedAt: UpdatedAt })
  .openapi("GameInfo");

export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;
export type Leaderboard = z.infer<typeof Leaderboard>;
export type PlayerStanding = z.infer<typeof PlayerStanding>;
export type GameSummary = z.infer<typeof GameSummary>;
export type GameInfo = z.infer<typeof GameInfo>;
