import type { Order } from "./rules";

/** What places an entry on a board: its score (and subscore under a tiebreak), when it reached it, and its player. */
export interface Placed {
  score: number;
  subscore?: number;
  ts: number;
  player: string;
}

/** Orders two entries: negative when `a` goes first. */
export type EntryOrder = (a: Placed, b: Placed) => number;

/**
 * The board's order between entries of any of a game's boards (its shards):
 * the better score first, then (under a tiebreak) the better subscore, then
 * who reached it first, then the player in code-point order, as one board
 * orders its own (RankedIndex, PlayerIds).
 */
export function boardOrder(ascending: boolean, tiebreak?: Order): EntryOrder {
  const bySubscore = subscoreOrder(tiebreak);
  return (a, b) => {
    if (a.score !== b.score) return (ascending ? a.score < b.score : a.score > b.score) ? -1 : 1;
    return bySubscore(a.subscore, b.subscore) || tsThenPlayer(a, b);
  };
}

/** Orders two subscores under a tiebreak (negative when `a` goes first); 0 without one. */
export function subscoreOrder(tiebreak: Order | undefined): (a: number | undefined, b: number | undefined) => number {
  if (tiebreak === undefined) return () => 0;
  // When `a` is the smaller: it goes first under "asc", second under "desc".
  const ifSmaller = tiebreak === "asc" ? -1 : 1;
  return (a = 0, b = 0) => (a === b ? 0 : a < b ? ifSmaller : -ifSmaller);
}

/** Entries that share a value (score, and subscore under a tiebreak): shared and dense ties rank them alike. */
export function sameValue(a: Placed, b: Placed): boolean {
  return a.score === b.score && a.subscore === b.subscore;
}

/** The last of the board's orders: who reached the value first, then the player in code-point order. */
function tsThenPlayer(a: Placed, b: Placed): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return codePointCompare(a.player, b.player);
}

/**
 * Ranks for entries at consecutive places from `offset`: by place, or with
 * shared ties, each entry with the score of the one before it sharing that
 * one's rank (`firstRank`: the first entry's, which only the whole board knows).
 */
export function rankConsecutive<E extends Placed>(
  entries: readonly E[],
  offset: number,
  firstRank: number,
  shared: boolean,
): (E & { rank: number })[] {
  const ranked: (E & { rank: number })[] = [];
  for (const [i, entry] of entries.entries()) {
    const previous = ranked[i - 1];
    const rank = i === 0 ? firstRank : shared && sameValue(previous, entry) ? previous.rank : offset + i + 1;
    ranked.push({ ...entry, rank });
  }
  return ranked;
}

/**
 * Code-point order of two strings. JS compares UTF-16 code units, which puts
 * U+E000-U+FFFF after every astral character; ids compare as UTF-8 bytes,
 * i.e. by code point. At the first unit that differs, surrogates move above
 * U+FFFF and U+E000-U+FFFF move down into the gap they leave.
 */
export function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
