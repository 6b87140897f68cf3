import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rankConsecutive } from "../../engine/board-order";
import { type Tier, tierOf, topShare } from "../../engine/tiers";

const boundArb = fc.oneof(
  fc.double({ min: 0.001, max: 1, noNaN: true }).map((top) => ({ top })),
  fc.integer({ min: 1, max: 30 }).map((rank) => ({ rank })),
  fc.integer({ min: -5, max: 20 }).map((score) => ({ score })),
);
const tiersArb = fc
  .tuple(fc.array(boundArb, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([bounds, open]): Tier[] => [
    ...bounds.map((bound, i) => ({ name: `t${i}`, ...bound })),
    ...(open ? [{ name: "rest" }] : []),
  ]);
/** A board in its order: scores best first, ranked by place or with shared ties. */
const boardArb = fc
  .record({
    scores: fc.array(fc.integer({ min: -5, max: 20 }), { minLength: 1, maxLength: 40 }),
    ascending: fc.boolean(),
    shared: fc.boolean(),
  })
  .map(({ scores, ascending, shared }) => {
    const sorted = [...scores].sort((a, b) => (ascending ? a - b : b - a));
    const placed = sorted.map((score, i) => ({ score, ts: 0, player: `p${String(i).padStart(2, "0")}` }));
    return { ascending, entries: rankConsecutive(placed, 0, 1, shared) };
  });

describe("tiers", () => {
  it("give each entry the first tier whose bound holds it", () => {
    fc.assert(
      fc.property(tiersArb, boardArb, (tiers, { ascending, entries }) => {
        const total = entries.length;
        for (const entry of entries) {
          const holds = (t: Tier) =>
            t.top !== undefined
              ? entry.rank / total <= t.top
              : t.rank !== undefined
                ? entry.rank <= t.rank
                : t.score !== undefined
                  ? ascending
                    ? entry.score <= t.score
                    : entry.score >= t.score
                  : true;
          expect(tierOf(tiers, entry, total, ascending)).toBe(tiers.find(holds)?.name);
        }
      }),
    );
  });

  it("never put a better entry in a worse tier, and an open last tier holds everyone", () => {
    fc.assert(
      fc.property(tiersArb, boardArb, (tiers, { ascending, entries }) => {
        // Each bound holds a prefix of the board, so the first tier holding an entry only worsens down it.
        const index = (name: string | undefined) =>
          name === undefined ? tiers.length : tiers.findIndex((t) => t.name === name);
        const found = entries.map((e) => index(tierOf(tiers, e, entries.length, ascending)));
        for (let i = 1; i < found.length; i++) expect(found[i]).toBeGreaterThanOrEqual(found[i - 1]);
        if (tiers.at(-1)?.name === "rest") expect(found.every((i) => i < tiers.length)).toBe(true);
      }),
    );
  });

  it("call the top 1% the first of 100 and the share at a boundary within it", () => {
    expect(topShare(1, 100)).toBe(0.01);
    expect(tierOf([{ name: "gold", top: 0.01 }], { rank: 3, score: 0 }, 300, false)).toBe("gold");
    expect(tierOf([{ name: "gold", top: 0.01 }], { rank: 4, score: 0 }, 300, false)).toBeUndefined();
    expect(tierOf([{ name: "gold", score: 10 }], { rank: 9, score: 10 }, 10, true)).toBe("gold");
    expect(tierOf([{ name: "gold", score: 10 }], { rank: 1, score: 11 }, 10, true)).toBeUndefined();
  });
});
