import type { PlayerState, Report } from "./rules";

/** A game's limits on what one report may claim (config `bounds`). */
export interface Bounds {
  min?: number;
  max?: number;
  /** Most gain, in the board's order, per second since the player's previous report (one second at least). */
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
 * state before it (the board's, or the batch's so far), `gain` its gain in
 * the board's order (undefined for a first report under last, max or min).
 */
export function violation(
  bounds: Bounds,
  report: Report,
  current: PlayerState | undefined,
  gain: number | undefined,
  now: number,
): string | undefined {
  if (bounds.min !== undefined && report.score < bounds.min) return `score ${report.score} is below min ${bounds.min}`;
  if (bounds.max !== undefined && report.score > bounds.max) return `score ${report.score} is above max ${bounds.max}`;
  const ahead = (report.ts - now) / 1000;
  if (ahead > bounds.maxFutureSeconds) {
    return `ts is ${Math.round(ahead)} s ahead of the server's clock (at most ${bounds.maxFutureSeconds})`;
  }
  if (bounds.maxGainPerSecond !== undefined && gain !== undefined && gain > 0) {
    const seconds = Math.max(1, current === undefined ? 1 : (report.ts - current.ts) / 1000);
    if (gain / seconds > bounds.maxGainPerSecond) {
      return `gained ${gain} in ${seconds} s, more than ${bounds.maxGainPerSecond} a second`;
    }
  }
  return undefined;
}
