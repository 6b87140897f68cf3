import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MICROS, type PrizeRange, splitPool } from "../../objects/seasons/prizes";

/** Standings of `n` players where `tied[i]` puts position i+1 on the rank of the one before (shared ties). */
function standings(n: number, tied: boolean[]) {
  const out: { rank: number; player: string }[] = [];
  for (let i = 0; i < n; i++) out.push({ rank: i > 0 && tied[i] ? out[i - 1].rank : i + 1, player: `p${i}` });
  return out;
}

/** Disjoint ranges from cut points, with ppm shares summing to at most a million. */
const rangesArb = fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }).chain((cuts) => {
  const sorted = [...cuts].sort((a, b) => a - b);
  const spans = sorted.map((from, i) => ({ from, to: Math.min((sorted[i + 1] ?? 45) - 1, from + 9) }));
  return fc
    .array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: spans.length, maxLength: spans.length })
    .map((weights) => {
      const total = weights.reduce((a, b) => a + b, 0);
      const budget = 1_000_000;
      return spans.map((s, i) => ({ ...s, sharePpm: Math.floor((weights[i] / total) * budget) }));
    });
});

/** A slower reference: each position's prize as a fraction, summed per tie group, floored. */
function reference(pool: bigint, ranges: PrizeRange[], board: { rank: number; player: string }[]) {
  const n = board.length;
  const held = ranges.map((r) => BigInt(Math.max(0, Math.min(r.to, n) - r.from + 1)));
  const prize = (position: number): [bigint, bigint] => {
    const r = ranges.findIndex((x) => position >= x.from && position <= x.to);
    return r === -1 ? [0n, 1n] : [pool * BigInt(ranges[r].sharePpm), BigInt(MICROS) * held[r]];
  };
  const result = new Map<string, number>();
  for (const rank of new Set(board.map((b) => b.rank))) {
    const positions = board.flatMap((b, i) => (b.rank === rank ? [i + 1] : []));
    let [num, den] = [0n, 1n];
    for (const p of positions) {
      const [a, b] = prize(p);
      [num, den] = [num * b + a * den, den * b];
    }
    const units = num / (den * BigInt(positions.length) * BigInt(MICROS));
    if (positions.some((p) => ranges.some((r) => p >= r.from && p <= r.to))) {
      for (const p of positions) result.set(board[p - 1].player, Number(units));
    }
  }
  return result;
}

describe("prize split", () => {
  it("pays awards plus carry equal to the pool exactly, ties alike, never more than the ranges' shares", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        rangesArb,
        fc.integer({ min: 0, max: 2 ** 50 }),
        (n, tied, ranges, poolMicros) => {
          const board = standings(n, tied);
          const { awards, carryMicros } = splitPool(poolMicros, ranges, board);
          const paid = awards.reduce((sum, a) => sum + BigInt(a.amount) * BigInt(MICROS), 0n);
          expect(paid + BigInt(carryMicros)).toBe(BigInt(poolMicros));
          expect(carryMicros).toBeGreaterThanOrEqual(0);
          const shares = ranges.reduce((sum, r) => sum + BigInt(r.sharePpm), 0n);
          expect(paid * BigInt(MICROS)).toBeLessThanOrEqual(BigInt(poolMicros) * shares);
          for (const a of awards) {
            const same = awards.filter((b) => b.rank === a.rank);
            expect(same.every((b) => b.amount === a.amount)).toBe(true);
          }
          const want = reference(BigInt(poolMicros), ranges, board);
          expect(new Map(awards.map((a) => [a.player, a.amount]))).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("splits a shared rank by the positions it covers", () => {
    // 1000 units; 1st gets 50%, 2nd-3rd 30% (15% each position): a tie on 2nd over positions 2-4 shares 30% / 3.
    const ranges = [
      { from: 1, to: 1, sharePpm: 500_000 },
      { from: 2, to: 3, sharePpm: 300_000 },
    ];
    const board = [
      { rank: 1, player: "a" },
      { rank: 2, player: "b" },
      { rank: 2, player: "c" },
      { rank: 2, player: "d" },
    ];
    const { awards, carryMicros } = splitPool(1000 * MICROS, ranges, board);
    expect(awards).toEqual([
      { rank: 1, player: "a", amount: 500 },
      { rank: 2, player: "b", amount: 100 },
      { rank: 2, player: "c", amount: 100 },
      { rank: 2, player: "d", amount: 100 },
    ]);
    expect(carryMicros).toBe(200 * MICROS);
  });
});
