import type { EntryOrder, Placed } from "./board-order";

/** The parts of one board (a game's shards), each in board order, as a page across them asks them. */
export interface SortedParts<E extends Placed> {
  /** Each part's entries at its positions [from, to), one request per part. */
  ranges(ranges: readonly (readonly [from: number, to: number])[]): Promise<E[][]>;
  /** Each part's entries at the positions asked of it (in order), one request per part. */
  at(positions: readonly (readonly number[])[]): Promise<Placed[][]>;
  /** For each part, how many of its entries go before each of `entries` (which need not be in any). */
  countsBefore(entries: readonly Placed[]): Promise<number[][]>;
}

/** While more candidates than this remain, another round narrows them before they are fetched. */
export const NARROW_TO = 2048;
/** Pivots counted per round, and samples taken of each open part to choose them from. */
const PIVOTS = 15;
/** Enough for 10^9 players even if a round only halved the candidates. */
const MAX_ROUNDS = 40;

/**
 * The entries at positions [offset, offset + limit) of the board that `parts`
 * (of `sizes` entries each) make up together: exact at any offset, fetching a
 * few thousand entries at most.
 *
 * Each part's share of the first `offset` entries is a prefix of it, of
 * length c_i somewhere in [lo_i, hi_i] (at first [0, min(size_i, offset)]).
 * A round samples each open part evenly, takes PIVOTS samples at even steps
 * of the open candidates' weight, and counts the entries ahead of each pivot
 * in every part: a pivot with fewer than `offset` ahead of it raises every
 * lo_i to its count (past the pivot itself), one with more lowers every hi_i
 * to its count. The pivots around `offset` are a sixteenth of the weight
 * apart, so a round leaves about an eighth of the candidates: four rounds
 * for 10^7 players. Then each part's [lo_i, hi_i + limit) is fetched and
 * merged: the first offset - sum(lo) of the merged candidates are the rest of
 * the first `offset` (all of those go before all the others), and the page
 * follows them.
 */
export async function pageAcross<E extends Placed>(
  sizes: readonly number[],
  offset: number,
  limit: number,
  parts: SortedParts<E>,
  order: EntryOrder,
  narrowTo = NARROW_TO,
): Promise<E[]> {
  const lo = sizes.map(() => 0);
  const hi = sizes.map((size) => Math.min(size, offset));
  for (let round = 0; sum(hi) - sum(lo) > narrowTo; round++) {
    // Writes between the rounds could keep them from narrowing: a read is exact for the board it meets.
    if (round === MAX_ROUNDS) throw new Error(`the board changed under a page at offset ${offset}; read it again`);
    const asked = lo.map((l, i) => samplePositions(l, hi[i]));
    const samples = await parts.at(asked);
    const pivots = choosePivots(
      samples.flatMap((entries, part) =>
        entries.map((entry) => ({ part, entry, weight: (hi[part] - lo[part]) / asked[part].length })),
      ),
      order,
    );
    const counts = await parts.countsBefore(pivots.map((p) => p.entry));
    for (const [k, pivot] of pivots.entries()) {
      const ahead = counts.reduce((total, perPart) => total + perPart[k], 0);
      counts.forEach((perPart, i) => {
        if (ahead === offset) {
          lo[i] = perPart[k];
          hi[i] = perPart[k];
        } else if (ahead < offset) lo[i] = Math.max(lo[i], i === pivot.part ? perPart[k] + 1 : perPart[k]);
        else hi[i] = Math.min(hi[i], perPart[k]);
      });
      if (ahead === offset) break;
    }
  }
  return (await merged(sizes, lo, hi, limit, parts, order)).slice(
    Math.max(0, offset - sum(lo)),
    limit + offset - sum(lo),
  );
}

/**
 * An entry's neighbours across the parts, with no rounds: each part's count
 * of entries ahead of the entry is its split, so each part's entries from
 * `radius` before its count to `radius` after it (`entries`, fewer at its
 * ends) hold every neighbour. Answers the `radius` entries before the entry,
 * the entry, and the `radius` after it, in board order.
 */
export function aroundAcross<E extends Placed>(
  windows: readonly { ahead: number; entries: readonly E[] }[],
  radius: number,
  order: EntryOrder,
): E[] {
  const position = sum(windows.map((w) => w.ahead));
  // The merged windows start at the sum of where each part's window starts.
  const from = sum(windows.map((w) => Math.max(0, w.ahead - radius)));
  const merged = windows.flatMap((w) => w.entries).sort(order);
  const start = Math.max(0, position - radius);
  return merged.slice(start - from, position - from + radius + 1);
}

/** Each part's [lo_i, hi_i + extra) fetched and merged in board order. */
async function merged<E extends Placed>(
  sizes: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  extra: number,
  parts: SortedParts<E>,
  order: EntryOrder,
): Promise<E[]> {
  const fetched = await parts.ranges(lo.map((l, i) => [l, Math.min(sizes[i], Math.max(l, hi[i] + extra))]));
  return fetched.flat().sort(order);
}

/** Up to PIVOTS + 1 positions spread evenly over [lo, hi). */
function samplePositions(lo: number, hi: number): number[] {
  const count = Math.min(hi - lo, PIVOTS + 1);
  return Array.from({ length: count }, (_, j) => lo + Math.floor(((j + 0.5) * (hi - lo)) / count));
}

/** PIVOTS samples at even steps of the samples' weight, in board order. */
function choosePivots<E extends Placed>(
  samples: { part: number; entry: E; weight: number }[],
  order: EntryOrder,
): { part: number; entry: E }[] {
  samples.sort((a, b) => order(a.entry, b.entry));
  const total = samples.reduce((w, s) => w + s.weight, 0);
  const pivots: { part: number; entry: E }[] = [];
  let reached = 0;
  let next = 1;
  for (const sample of samples) {
    reached += sample.weight;
    if (reached * (PIVOTS + 1) >= next * total) {
      pivots.push(sample);
      while (reached * (PIVOTS + 1) >= next * total) next++;
    }
  }
  return pivots;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
