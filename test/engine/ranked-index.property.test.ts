import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortSlotsByKey } from "../../engine/radix-sort";
import { RankedIndex } from "../../engine/ranked-index";

// Slots are compared by a key array, so thousands of entries exercise block
// splits (at 1024), merges and the Fenwick tree.
describe("RankedIndex against a sorted array", () => {
  it("keeps order, positions and counts through inserts and removals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3999 }), { minLength: 0, maxLength: 6000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 1 }),
        (toggles, initial, buildFirst) => {
          // Few distinct keys, so ties (broken by slot number) are everywhere.
          const key = Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 4001) % 97);
          const index = new RankedIndex((a, b) => a - b);
          const order = (a: number, b: number) => key[a] - key[b] || a - b;
          const present = new Set<number>();
          if (buildFirst) {
            for (let s = 0; s < initial; s++) present.add(s);
            const slots = [...present].sort(order);
            index.build(
              slots,
              slots.map((s) => key[s]),
            );
          }
          for (const slot of toggles) {
            if (present.has(slot)) {
              index.remove(slot, key[slot]);
              present.delete(slot);
            } else {
              index.insert(slot, key[slot]);
              present.add(slot);
            }
          }
          const want = [...present].sort(order);
          expect(index.size).toBe(want.length);
          expect([...index.toArray()]).toEqual(want);
          for (let p = 0; p < want.length; p += 97) {
            expect(index.at(p)).toBe(want[p]);
            expect(index.positionOf(want[p], key[want[p]])).toBe(p);
          }
          for (const threshold of [0, 40, 96, 97]) {
            expect(index.countLess(threshold)).toBe(want.filter((s) => key[s] < threshold).length);
          }
          const seen: number[] = [];
          index.forRange(Math.floor(want.length / 2), 50, (s) => seen.push(s));
          expect(seen).toEqual(want.slice(Math.floor(want.length / 2), Math.floor(want.length / 2) + 50));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is empty-safe", () => {
    const index = new RankedIndex((a, b) => a - b);
    expect(index.countLess(5)).toBe(0);
    index.insert(3, 1);
    index.remove(3, 1);
    expect(index.size).toBe(0);
    expect(index.countLess(5)).toBe(0);
    const visited: number[] = [];
    index.forRange(0, 10, (s) => visited.push(s));
    expect(visited).toEqual([]);
    index.insert(4, 2);
    expect(index.countLess(5)).toBe(1);
    expect(index.countLess(2)).toBe(0);
  });
});

describe("sortSlotsByKey", () => {
  it("orders by key then tie-break, like a comparator sort, for any floats (with -0 normalized)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 })), {
          maxLength: 300,
        }),
        (raw) => {
          const keys = Float64Array.from(raw, (k) => k + 0);
          const slots = Uint32Array.from(raw, (_, i) => (i * 7) % raw.length);
          const want = [...slots].map((s, i) => ({ s, k: keys[i] })).sort((a, b) => a.k - b.k || a.s - b.s);
          sortSlotsByKey(slots, keys, (a, b) => a - b);
          expect([...slots]).toEqual(want.map((w) => w.s));
          expect([...keys]).toEqual(want.map((w) => w.k));
        },
      ),
    );
  });
});
