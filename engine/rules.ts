/** The ranking rules of a board, and the shapes the engine takes and gives. */

export const AGGREGATES = ["last", "max", "min", "sum"] as const;
export const ORDERS = ["desc", "asc"] as const;
export const TIE_MODES = ["first", "shared"] as const;

export type Aggregate = (typeof AGGREGATES)[number];
export type Order = (typeof ORDERS)[number];
export type TieMode = (typeof TIE_MODES)[number];

export interface RankingRules {
  aggregate: Aggregate;
  order: Order;
  ties: TieMode;
  /** Seconds; a player whose ts is older than this leaves the board. 0 = forever. */
  window: number;
}

export const DEFAULT_RULES: RankingRules = { aggregate: "last", order: "desc", ties: "first", window: 0 };

/** One score report, its ts already filled in. */
export interface Report {
  player: string;
  score: number;
  ts: number;
  team?: string;
}

/** What the board holds for a player: the aggregate and when it was reached. */
export interface PlayerState {
  player: string;
  score: number;
  ts: number;
  team?: string;
}

export interface RankedEntry extends PlayerState {
  rank: number;
  /** ISO 3166-1 alpha-2, once the player's profile names one. */
  country?: string;
}

/** Thrown by `plan` when a sum would leave the safe-integer range. */
export class ScoreOverflowError extends RangeError {
  constructor(readonly player: string) {
    super(`the sum for player ${JSON.stringify(player)} would exceed ±${Number.MAX_SAFE_INTEGER}`);
  }
}

/**
 * The state after `report`, or undefined when the report changes nothing.
 * The ts kept is when the score was first reached, which orders ties.
 */
export function aggregate(
  aggregate: Aggregate,
  current: PlayerState | undefined,
  report: Report,
): PlayerState | undefined {
  if (current === undefined) return withTeam(report.player, report.score, report.ts, report.team);
  const team = report.team ?? current.team;
  switch (aggregate) {
    case "last":
      // Out-of-order delivery: an older report never overwrites a newer one.
      if (report.ts < current.ts) return undefined;
      return withTeam(current.player, report.score, report.ts, team);
    case "max":
    case "min": {
      const better = aggregate === "max" ? report.score > current.score : report.score < current.score;
      if (better) return withTeam(current.player, report.score, report.ts, team);
      const reachedEarlier = report.score === current.score && report.ts < current.ts;
      const ts = reachedEarlier ? report.ts : current.ts;
      if (!reachedEarlier && team === current.team) return undefined;
      return withTeam(current.player, current.score, ts, team);
    }
    case "sum": {
      const score = current.score + report.score;
      if (Math.abs(score) > Number.MAX_SAFE_INTEGER) throw new ScoreOverflowError(current.player);
      return withTeam(current.player, score, Math.max(current.ts, report.ts), team);
    }
  }
}

function withTeam(player: string, score: number, ts: number, team: string | undefined): PlayerState {
  return team === undefined ? { player, score, ts } : { player, score, ts, team };
}
