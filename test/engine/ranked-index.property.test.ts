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

  it("moves an entry to a new key at its position (in place when it still fits) and removes by position", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2500 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.boolean()), { maxLength: 3000 }),
        (initial, moves) => {
          // Keys move by a little, so many moves keep their place and some cross a neighbour or a block's end.
          const key = Array.from({ length: initial }, (_, i) => ((i * 7919) % 4001) % 97);
          const order = (a: number, b: number) => key[a] - key[b] || a - b;
          const index = new RankedIndex((a, b) => a - b);
          const present = new Set(Array.from({ length: initial }, (_, i) => i));
          const slots = [...present].sort(order);
          index.build(
            slots,
            slots.map((s) => key[s]),
          );
          for (const [pick, delta, drop] of moves) {
            if (present.size === 0) break;
            const slot = [...present][pick % present.size];
            const position = index.positionOf(slot, key[slot]);
            if (drop && present.size > 1) {
              index.removeAt(position);
              present.delete(slot);
            } else {
              key[slot] += delta;
              index.replaceAt(position, slot, key[slot]);
            }
          }
          const want = [...present].sort(order);
          expect([...index.toArray()]).toEqual(want);
          for (let p = 0; p < want.length; p += 31) expect(index.positionOf(want[p], key[want[p]])).toBe(p);
          for (const threshold of [0, 40, 97]) {
            expect(index.countLess(threshold)).toBe(want.filter((s) => key[s] < threshold).length);
          }
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
