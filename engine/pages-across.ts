import type { EntryOrder, Placed } from "./board-order";

/** The parts of one board (a game's shards), each in board order, as a page across them asks them. */
export interface SortedParts<E extends Placed> {
  /** Each part's entries at its positions [from, to), one request per part. */
  ranges(ranges: readonly (readonly [from: number, to: number])[]): Promise<E[][]>;
  /** For each part, how many of its entries go before `entry` (which need not be in any). */
  countsBefore(entry: Placed): Promise<number[]>;
}

/** While more candidates than this remain, another round narrows them before they are fetched. */
export const NARROW_TO = 4096;
/** Enough for 10^9 players by the quarter-a-round argument below. */
const MAX_ROUNDS = 80;

/**
 * The entries at positions [offset, offset + limit) of the board that `parts`
 * (of `sizes` entries each) make up together: exact at any offset, fetching a
 * few thousand entries at most.
 *
 * Each part's share of the first `offset` entries is a prefix of it, of
 * length c_i somewhere in [lo_i, hi_i] (at first [0, min(size_i, offset)]).
 * A round takes each open part's middle entry, picks the one whose weight
 * (hi_i - lo_i) median it is, and counts the entries ahead of it in every
 * part: if fewer than `offset` are, every part's share reaches at least its
 * count (past the pivot itself), else none passes its count. Parts holding
 * half the open candidates halve theirs, so a round removes a quarter of
 * them: about 30 rounds for 10^7 players. Then each part's [lo_i, hi_i +
 * limit) is fetched and merged: the first offset - sum(lo) of the merged
 * candidates are the rest of the first `offset` (all of those go before all
 * the others), and the page follows them.
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
  const open = () => hi.reduce((sum, h, i) => sum + h - lo[i], 0);
  for (let round = 0; open() > narrowTo; round++) {
    // Every round narrows a quarter at least while the parts hold still; writes between rounds could stall it.
    if (round === MAX_ROUNDS) throw new Error(`the board changed under a page at offset ${offset}; read it again`);
    const mids = lo.map((l, i) => (hi[i] > l ? l + ((hi[i] - l) >> 1) : -1));
    const fetched = await parts.ranges(mids.map((m) => (m < 0 ? [0, 0] : [m, m + 1])));
    const pivot = weightedMedian(
      mids.flatMap((m, part) => (m < 0 ? [] : [{ part, entry: fetched[part][0], weight: hi[part] - lo[part] }])),
      order,
    );
    const counts = await parts.countsBefore(pivot.entry);
    const ahead = counts.reduce((sum, c) => sum + c, 0);
    if (ahead === offset) {
      counts.forEach((c, i) => {
        lo[i] = c;
        hi[i] = c;
      });
    } else if (ahead < offset) {
      counts.forEach((c, i) => {
        lo[i] = Math.max(lo[i], i === pivot.part ? c + 1 : c);
      });
    } else {
      counts.forEach((c, i) => {
        hi[i] = Math.min(hi[i], c);
      });
    }
  }
  const fetched = await parts.ranges(lo.map((l, i) => [l, Math.min(sizes[i], hi[i] + limit)]));
  const merged = fetched.flat().sort(order);
  // Never below 0, even if a write landed between the rounds (a read is exact for the board it meets).
  const taken = Math.max(0, offset - lo.reduce((sum, l) => sum + l, 0));
  return merged.slice(taken, taken + limit);
}

/** The candidate at which half the weight, in board order, is reached. */
function weightedMedian<E extends Placed>(
  candidates: { part: number; entry: E; weight: number }[],
  order: EntryOrder,
): { part: number; entry: E } {
  candidates.sort((a, b) => order(a.entry, b.entry));
  const half = candidates.reduce((sum, c) => sum + c.weight, 0) / 2;
  let reached = 0;
  for (const candidate of candidates) {
    reached += candidate.weight;
    if (reached >= half) return candidate;
  }
  return candidates[candidates.length - 1];
}
