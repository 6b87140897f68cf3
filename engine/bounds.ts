import type { PlayerState, Report } from "./rules";

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
