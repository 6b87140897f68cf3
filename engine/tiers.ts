/**
 * A league of a game's board. A game lists its tiers best first; each holds
 * the players within one bound, and the last may have none (everyone else).
 */
export interface Tier {
  name: string;
  /** Within the best `top` share of the board: rank / total at most this. */
  top?: number;
  /** Within the first `rank` ranks. */
  rank?: number;
  /** A score at least as good as this, in the board's order. */
  score?: number;
}

/** Where an entry stands: its rank and score on a board of `total` players. */
export interface Standing {
  rank: number;
  score: number;
}

/** The share of the board at or above `rank` (0.01: the top 1%), as standings show it. */
export function topShare(rank: number, total: number): number {
  return rank / total;
}

/** The first tier that holds the entry, or undefined when none does. */
export function tierOf(
  tiers: readonly Tier[],
  { rank, score }: Standing,
  total: number,
  ascending: boolean,
): string | undefined {
  for (const tier of tiers) {
    if (tier.top !== undefined) {
      // The same quotient the standing's `top` shows, so the two never disagree at a boundary.
      if (topShare(rank, total) <= tier.top) return tier.name;
    } else if (tier.rank !== undefined) {
      if (rank <= tier.rank) return tier.name;
    } else if (tier.score !== undefined) {
      if (ascending ? score <= tier.score : score >= tier.score) return tier.name;
    } else return tier.name;
  }
  return undefined;
}
