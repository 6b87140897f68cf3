/** The ranking rules of a board, and the shapes the engine takes and gives. */

export const AGGREGATES = ["last", "max", "min", "sum"] as const;
export const ORDERS = ["desc", "asc"] as const;
export const TIE_MODES = ["first", "shared", "dense"] as const;

export type Aggregate = (typeof AGGREGATES)[number];
export type Order = (typeof ORDERS)[number];
export type TieMode = (typeof TIE_MODES)[number];

export interface RankingRules {
  aggregate: Aggregate;
  order: Order;
  ties: TieMode;
  /** Orders equal scores by subscore, larger first (desc) or smaller first (asc); absent: no subscores. */
  tiebreak?: Order;
  /** Seconds; a player whose ts is older than this leaves the board. 0 = forever. */
  window: number;
}

export const DEFAULT_RULES: RankingRules = { aggregate: "last", order: "desc", ties: "first", window: 0 };

/** One score report, its ts already filled in. */
export interface Report {
  player: string;
  score: number;
  /** Read only under a tiebreak, where a report without one counts 0. */
  subscore?: number;
  ts: number;
  team?: string;
}

/** What the board holds for a player: the aggregate and when it was reached. */
export interface PlayerState {
  player: string;
  score: number;
  /** Set exactly when the board has a tiebreak. */
  subscore?: number;
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
 * The ts kept is when the score (and subscore) was first reached, which
 * orders ties. Under a `tiebreak`, an equal score with a better subscore is
 * an improvement for max and min, and subscores add under sum.
 */
export function aggregate(
  aggregate: Aggregate,
  current: PlayerState | undefined,
  report: Report,
  tiebreak?: Order,
): PlayerState | undefined {
  const subscore = tiebreak === undefined ? undefined : (report.subscore ?? 0);
  if (current === undefined) return stateOf(report.player, report.score, subscore, report.ts, report.team);
  const team = report.team ?? current.team;
  switch (aggregate) {
    case "last":
      // Out-of-order delivery: an older report never overwrites a newer one.
      if (report.ts < current.ts) return undefined;
      return stateOf(current.player, report.score, subscore, report.ts, team);
    case "max":
    case "min": {
      const better = aggregate === "max" ? report.score > current.score : report.score < current.score;
      if (better) return stateOf(current.player, report.score, subscore, report.ts, team);
      const equal = report.score === current.score;
      const held = current.subscore;
      if (equal && subscore !== undefined && held !== undefined && subscore !== held) {
        const betterSub = tiebreak === "desc" ? subscore > held : subscore < held;
        if (betterSub) return stateOf(current.player, report.score, subscore, report.ts, team);
        return team === current.team ? undefined : stateOf(current.player, current.score, held, current.ts, team);
      }
      const reachedEarlier = equal && report.ts < current.ts;
      const ts = reachedEarlier ? report.ts : current.ts;
      if (!reachedEarlier && team === current.team) return undefined;
      return stateOf(current.player, current.score, held, ts, team);
    }
    case "sum": {
      const score = current.score + report.score;
      if (Math.abs(score) > Number.MAX_SAFE_INTEGER) throw new ScoreOverflowError(current.player);
      const sum = subscore === undefined ? undefined : (current.subscore ?? 0) + subscore;
      if (sum !== undefined && !Number.isFinite(sum)) throw new ScoreOverflowError(current.player);
      return stateOf(current.player, score, sum, Math.max(current.ts, report.ts), team);
    }
  }
}

function stateOf(
  player: string,
  score: number,
  subscore: number | undefined,
  ts: number,
  team: string | undefined,
): PlayerState {
  const state: PlayerState = { player, score, ts };
  if (subscore !== undefined) state.subscore = subscore;
  if (team !== undefined) state.team = team;
  return state;
}
