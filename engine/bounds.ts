import type { Charges, GainAllowance } from "./gain-allowance";
import { ReportRate } from "./report-rate";
import type { Aggregate, PlayerState, Report } from "./rules";

/** A game's limits on what one report may claim (config `bounds`). */
export interface Bounds {
  min?: number;
  max?: number;
  /**
   * Most gain, in the board's order, per second since the player's previous
   * report by ts (one second at least), and per second of the server's clock
   * (see GainAllowance).
   */
  maxGainPerSecond?: number;
  /** Most reports per player applied in one second of the server's clock. */
  maxReportsPerSecond?: number;
  /** How far past the server's clock a report's ts may be. */
  maxFutureSeconds: number;
}

/** A report refused by the bounds: its position in the batch, and why. */
export interface Violation {
  index: number;
  player: string;
  reason: string;
}

/**
 * Why `report` breaks the bounds, or undefined. `current` is the player's
 * state before it (the board's, or the batch's so far; undefined for a first
 * report), `gain` its gain in the board's order (see `firstBaseline`).
 */
export function violation(
  bounds: Bounds,
  report: Report,
  current: PlayerState | undefined,
  gain: number,
  now: number,
): string | undefined {
  if (bounds.min !== undefined && report.score < bounds.min) return `score ${report.score} is below min ${bounds.min}`;
  if (bounds.max !== undefined && report.score > bounds.max) return `score ${report.score} is above max ${bounds.max}`;
  const ahead = (report.ts - now) / 1000;
  if (ahead > bounds.maxFutureSeconds) {
    return `ts is ${Math.round(ahead)} s ahead of the server's clock (at most ${bounds.maxFutureSeconds})`;
  }
  if (bounds.maxGainPerSecond !== undefined && current !== undefined && gain > 0) {
    const seconds = Math.max(1, (report.ts - current.ts) / 1000);
    if (gain / seconds > bounds.maxGainPerSecond) {
      return `gained ${gain} in ${seconds} s, more than ${bounds.maxGainPerSecond} a second`;
    }
  }
  return undefined;
}

/**
 * What a player's first report gains from: the worst score the bounds allow
 * in the board's order (min, or max when lower is better), else 0. Without
 * it a first report under last, max or min could claim any score at once.
 */
export function firstBaseline(bounds: Bounds, ascending: boolean): number {
  return (ascending ? bounds.max : bounds.min) ?? 0;
}

/** What a batch's bounds leave in its plan: the reports refused, and what to keep once the batch is applied. */
export interface BoundsOutcome {
  /** Reports the bounds refuse (planned with bounds only); the batch must then not be applied. */
  violations: Violation[];
  /** Reports per player in the batch, when the bounds limit a player's report rate. */
  reported?: Map<string, number>;
  /** Each charged player's allowance after the batch, when the bounds limit gain: persist it with the batch. */
  charged?: Charges;
}

/**
 * What the bounds keep of a board's batches on the server's clock: each
 * player's reports this second (bounds.maxReportsPerSecond), and the gain it
 * may still claim (bounds.maxGainPerSecond).
 */
export class BoundsLedger {
  private readonly rate = new ReportRate();

  /** `allowance` is the game's, kept across its boards. */
  constructor(private readonly allowance: GainAllowance) {}

  /** Checks for one batch planned at `now` on a board ordered `ascending`, under `aggregate`. */
  batch(bounds: Bounds, aggregate: Aggregate, ascending: boolean, now: number): BatchBounds {
    return new BatchBounds(bounds, aggregate, ascending, now, this.rate, this.allowance);
  }

  /** Counts an applied batch's reports and holds its charges. */
  record(outcome: Partial<BoundsOutcome>, now: number): void {
    if (outcome.reported !== undefined) this.rate.record(outcome.reported, now);
    if (outcome.charged !== undefined) this.allowance.remember(outcome.charged, now);
  }
}

/**
 * One batch's bounds, checked report by report as `plan` aggregates it: each
 * report's own limits, then its player's reports this second, then the gain
 * its player has claimed against the allowance. `finish` charges the gains
 * when nothing was refused.
 */
export class BatchBounds {
  private readonly violations: Violation[] = [];
  /** bounds.maxReportsPerSecond, and reports per player in the batch so far when set. */
  private readonly perSecond: number | undefined;
  private readonly reported: Map<string, number> | undefined;
  /** bounds.maxGainPerSecond, and gain claimed per player in the batch so far when set (charged at the end). */
  private readonly gainRate: number | undefined;
  private readonly gained: Map<string, number> | undefined;
  /** What a player's first report gains from: 0 under sum, else the worst bound (see firstBaseline). */
  private readonly firstFrom: number;
  /** 1, or -1 when lower is better: turns score changes into gains in the board's order. */
  private readonly sign: number;

  constructor(
    private readonly bounds: Bounds,
    aggregate: Aggregate,
    ascending: boolean,
    private readonly now: number,
    private readonly rate: ReportRate,
    private readonly allowance: GainAllowance,
  ) {
    this.perSecond = bounds.maxReportsPerSecond;
    this.reported = this.perSecond === undefined ? undefined : new Map();
    this.gainRate = bounds.maxGainPerSecond;
    this.gained = this.gainRate === undefined ? undefined : new Map();
    this.firstFrom = aggregate === "sum" ? 0 : firstBaseline(bounds, ascending);
    this.sign = ascending ? -1 : 1;
  }

  /** Checks the batch's `index`th report, which takes its player from `current` to `next` (undefined: no change). */
  check(index: number, report: Report, current: PlayerState | undefined, next: PlayerState | undefined): void {
    const { player } = report;
    // What the report changes, in the board's order.
    const claimed = next === undefined ? 0 : this.sign * (next.score - (current?.score ?? this.firstFrom));
    let reason = violation(this.bounds, report, current, claimed, this.now);
    if (this.reported !== undefined && this.perSecond !== undefined) {
      const count = (this.reported.get(player) ?? 0) + 1;
      this.reported.set(player, count);
      if (reason === undefined && this.rate.count(player, this.now) + count > this.perSecond) {
        reason = `more than ${this.perSecond} reports a second for this player`;
      }
    }
    if (reason === undefined && this.gained !== undefined && this.gainRate !== undefined && claimed > 0) {
      const total = (this.gained.get(player) ?? 0) + claimed;
      const left = this.allowance.left(player, this.gainRate, this.now);
      if (total > left) {
        reason =
          `gained ${total} by now, more than the ${Math.floor(left)} this player has earned ` +
          `at ${this.gainRate} a second of the server's clock`;
      } else this.gained.set(player, total);
    }
    if (reason !== undefined) this.violations.push({ index, player, reason });
  }

  /** Puts the batch's refusals, reports per player and (when nothing was refused) charges in `outcome`. */
  finish(outcome: BoundsOutcome): void {
    outcome.violations = this.violations;
    if (this.reported !== undefined) outcome.reported = this.reported;
    if (this.gained !== undefined && this.gainRate !== undefined && this.violations.length === 0) {
      outcome.charged = this.allowance.charge(this.gained, this.gainRate, this.now);
    }
  }
}
