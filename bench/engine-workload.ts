// The engine suite's players, boards and batches (bench/suites/engine.ts), in
// one place so bench/profile-derived.ts profiles exactly what the suite times.
import { Ranking } from "../engine/ranking";
import type { PlayerState, Report } from "../engine/rules";
import { DEFAULT_TREND } from "../engine/trending";
import { memberName } from "./redis";

export const NOW = 2_000_000_000_000;
export const BATCH = 1000;
const COUNTRIES = ["TR", "DE", "US", "BR", "JP", "KR", "FR", "IN", "GB", "ES"];

/** A deterministic pseudo-random sequence, the same for every contender. */
export function scrambled(i: number, n: number): number {
  return Math.abs(Math.imul(i + 1, 2654435761) ^ Math.imul(i, 40503)) % n;
}

export function initialStates(n: number): PlayerState[] {
  return Array.from({ length: n }, (_, i) => ({
    player: memberName(i),
    score: scrambled(i, n),
    ts: 1_700_000_000_000 + i,
  }));
}

/**
 * The derived boards' board, loaded with `states`: a plain one, or (`derived`)
 * one with a team (of `teams`) and a country a player, and trending on.
 */
export function derivedBoard(states: PlayerState[], teams: number, derived: boolean): Ranking {
  const rules = { aggregate: "sum", order: "desc", ties: "first", window: 0 } as const;
  const board = new Ranking(rules, undefined, derived ? { trend: DEFAULT_TREND } : {});
  board.beginLoad(states.length);
  for (const [i, state] of states.entries()) board.put(derived ? { ...state, team: `team-${i % teams}` } : state);
  if (derived) for (let i = 0; i < states.length; i++) board.putCountry(memberName(i), COUNTRIES[i % COUNTRIES.length]);
  board.finishLoad(NOW);
  return board;
}

/** 64 batches of BATCH reports on the derived board's players, each with its team. */
export function derivedBatches(n: number, teams: number): Report[][] {
  return Array.from({ length: 64 }, (_, b) =>
    Array.from({ length: BATCH }, (_, k) => {
      const i = scrambled(b * BATCH + k, n);
      return { player: memberName(i), score: 1 + (k % 7), ts: NOW - 1000, team: `team-${i % teams}` };
    }),
  );
}

/** Heap plus array buffers once garbage is gone: V8 frees buffers' memory after a GC, asynchronously. */
export async function heapNow(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
