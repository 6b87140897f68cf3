import type { BatchBounds, BoundsOutcome } from "./bounds";
import { type Aggregate, aggregate, type Order, type PlayerState, type Report } from "./rules";
import type { Gain } from "./trending";

/** One player's share of a batch of score reports (what the player's stats count). */
export interface ReportTally {
  player: string;
  reports: number;
  /** The best score the batch gave the player, in the board's order (a later report may lower it); null: none changed it. */
  peak: number | null;
  first: number;
  last: number;
}

/**
 * What `planBatch` found a batch would do: each changed player's new state, each
 * report's gain (when trending), and what the bounds made of it.
 */
export interface Plan extends BoundsOutcome {
  states: PlayerState[];
  gains: Gain[];
  /** Each reporting player's share of the batch, in the order they first reported. */
  tallies: ReportTally[];
  /** The sum of the reports' positive gains, in the board's order (what feeds a prize pool). */
  rise: number;
  /** Each state's player's slot when planned (-1: new), so applying need not look players up again. */
  found?: FoundSlots;
}

/** Slots found while planning; they hold while the board's table keeps `stamp` (see PlayerTable.stamp). */
export interface FoundSlots {
  stamp: object;
  slots: number[];
}

/** A player during a plan: the state the batch has reached so far, and the player's tally. */
interface Planned {
  slot: number;
  state: PlayerState | undefined;
  changed: boolean;
  tally: ReportTally;
}

/** What a plan reads of the board it plans against. */
export interface PlanContext {
  aggregate: Aggregate;
  tiebreak?: Order;
  ascending: boolean;
  trending: boolean;
  /** A player's slot on the board; -1 when unknown. */
  find(player: string): number;
  /** The state of the player at a slot `find` gave. */
  stateAt(slot: number, player: string): PlayerState;
  /** The board's table's stamp (see FoundSlots). */
  stamp: object;
  /** The bounds' checks of this batch; undefined when the game has none. */
  checks?: BatchBounds;
}

/**
 * The new states of the players `reports` change, one per player, in the
 * order they first changed, each reporting player's tally, and (when
 * trending) every report's gain: how much it improved its player's score in
 * the board's order (a `sum` report itself; 0 for a first report under
 * `last`, `max`, `min`, or one that changed nothing).
 * Throws ScoreOverflowError when a sum would leave the safe-integer range.
 */
export function planBatch(reports: readonly Report[], board: PlanContext): Plan {
  // One map entry per player for the whole batch: its state so far and its tally (map lookups led the profile).
  const seen = new Map<string, Planned>();
  const changed: Planned[] = [];
  const tallies: ReportTally[] = [];
  const gains: Gain[] = [];
  let rise = 0;
  const { aggregate: rule, tiebreak, ascending, trending, checks } = board;
  const sign = ascending ? -1 : 1;
  for (const [index, report] of reports.entries()) {
    let entry = seen.get(report.player);
    if (entry === undefined) {
      const tally = { player: report.player, reports: 0, peak: null, first: report.ts, last: report.ts };
      const slot = board.find(report.player);
      entry = { slot, state: slot === -1 ? undefined : board.stateAt(slot, report.player), changed: false, tally };
      seen.set(report.player, entry);
      tallies.push(tally);
    }
    const { tally } = entry;
    tally.reports++;
    if (report.ts < tally.first) tally.first = report.ts;
    if (report.ts > tally.last) tally.last = report.ts;
    const current = entry.state;
    const next = aggregate(rule, current, report, tiebreak);
    checks?.check(index, report, current, next);
    if (next !== undefined) {
      entry.state = next;
      if (!entry.changed) {
        entry.changed = true;
        changed.push(entry);
      }
      if (tally.peak === null || (ascending ? next.score < tally.peak : next.score > tally.peak))
        tally.peak = next.score;
    }
    const before = current?.score ?? (rule === "sum" ? 0 : undefined);
    const gain = next === undefined || before === undefined ? 0 : sign * (next.score - before);
    if (gain > 0) rise += gain;
    if (trending) gains.push({ player: report.player, ts: report.ts, gain: gain === 0 ? 0 : gain });
  }
  const states = changed.map((entry) => entry.state as PlayerState);
  const found = { stamp: board.stamp, slots: changed.map((entry) => entry.slot) };
  const plan: Plan = { states, gains, tallies, rise, violations: [], found };
  checks?.finish(plan);
  return plan;
}
