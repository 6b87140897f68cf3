/**
 * A season's prize pool, pure. Amounts are kept as whole millionths of a
 * unit ("micros") so that every sum is exact: the pool grows by floored
 * micros, awards are whole units (multiples of a million micros), and the
 * carry is the pool minus the awards, to the micro.
 */

export const MICROS = 1_000_000;

export interface PrizeRange {
  from: number;
  to: number;
  /** The range's share of the pool, in whole millionths (ppm). */
  sharePpm: number;
}

export interface Standing {
  rank: number;
  player: string;
}

export interface Award {
  rank: number;
  player: string;
  /** Whole units. */
  amount: number;
}

/**
 * What a batch's positive gains add to the pool, in micros: the share in
 * parts per million times the gain, so whole gains add whole micros exactly
 * (0.02 * 37 * 10^6 in floating point is 739,999.99..., one micro short) and
 * a batch split over shards adds what it adds whole.
 */
export function poolGrowth(poolShare: number, rise: number): number {
  return rise > 0 ? Math.floor(Math.round(poolShare * MICROS) * rise) : 0;
}

/**
 * Splits `poolMicros` by rank ranges over the standings' top (board order;
 * equal ranks are ties, and must be complete: a tie straddling the last
 * paid position is given whole). Each range's share goes equally to the
 * positions held in it; players tied on a rank split what their positions
 * earned; every award is floored to whole units.
 */
export function splitPool(
  poolMicros: number,
  ranges: readonly PrizeRange[],
  standings: readonly Standing[],
): { awards: Award[]; carryMicros: number } {
  const n = standings.length;
  // Positions held in each range, and a position's range.
  const held = ranges.map((r) => Math.max(0, Math.min(r.to, n) - r.from + 1));
  const rangeOf = (position: number) => ranges.findIndex((r) => position >= r.from && position <= r.to);
  const pool = BigInt(poolMicros);
  const awards: Award[] = [];
  let paid = 0n;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && standings[end + 1].rank === standings[start].rank) end++;
    // The group's positions (1-based) by range: sum of pool x ppm / (1e6 x held), exactly, as one fraction.
    const counts = new Map<number, number>();
    for (let position = start + 1; position <= end + 1; position++) {
      const r = rangeOf(position);
      if (r !== -1) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    if (counts.size > 0) {
      let numerator = 0n;
      let denominator = 1n;
      for (const [r, count] of counts) {
        // numerator/denominator + pool*ppm*count / (1e6*held)
        const d = BigInt(MICROS * held[r]);
        numerator = numerator * d + pool * BigInt(ranges[r].sharePpm) * BigInt(count) * denominator;
        denominator *= d;
      }
      const size = BigInt(end - start + 1);
      // Each player's micros, floored to whole units.
      const units = numerator / (denominator * size * BigInt(MICROS));
      for (let i = start; i <= end; i++) {
        awards.push({ rank: standings[i].rank, player: standings[i].player, amount: Number(units) });
        paid += units * BigInt(MICROS);
      }
    }
    start = end + 1;
  }
  return { awards, carryMicros: Number(pool - paid) };
}

/** The last position any range pays: how much of the board a split needs to see. */
export function lastPaidPosition(ranges: readonly PrizeRange[]): number {
  return ranges.reduce((most, r) => Math.max(most, r.to), 0);
}
