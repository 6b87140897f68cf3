import type { GameConfig } from "./config";

/**
 * What a game's score means, for lists that show many games: a best or last
 * score, points summed over reports, or a rating set by match results.
 */
export const GAME_KINDS = ["score", "points", "wins", "elo", "openskill"] as const;
export type GameKind = (typeof GAME_KINDS)[number];

export function gameKind({ rating, aggregate }: Pick<GameConfig, "rating" | "aggregate">): GameKind {
  if (rating !== "none") return rating;
  return aggregate === "sum" ? "points" : "score";
}
