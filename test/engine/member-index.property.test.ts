import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemberIndex } from "../../engine/member-index";

// Keys live in an array the index reads (as a group's index reads the players
// board), with few distinct values so ties (broken by slot) are everywhere.
// Up to a few thousand entries: a lone growing block, splits (at 512), merges.
const SLOTS = 3000;

function model(key: number[]) {
  const order = (a: number, b: number) => key[a] - key[b] || a - b;
  return {
    order,
    index: new MemberIndex(
      (slot) => key[slot],
      (a, b) => a - b,
    ),
  };
}

function agree(index: MemberIndex, key: number[], want: number[]): void {
  expect(index.size).toBe(want.length);
  const all: number[] = [];
  index.forRange(0, want.length + 5, (slot, position) => {
    expect(position).toBe(all.length);
    all.push(slot);
  });
  expect(all).toEqual(want);
  const step = Math.max(1, Math.floor(want.length / 40));
  for (let p = 0; p < want.length; p += step) {
    expect(index.at(p)).toBe(want[p]);
    expect(index.positionOf(want[p], key[want[p]])).toBe(p);
  }
  for (const threshold of [-1, 0, 20, 40, 41]) {
    expect(index.countLess(threshold)).toBe(want.filter((s) => key[s] < threshold).length);
    expect(index.countLess(threshold, true)).toBe(want.filter((s) => key[s] <= threshold).length);
    // Among equal keys, those with a smaller slot than 1500 go first.
    expect(index.countAhead(threshold, (slot) => slot < 1500)).toBe(
      want.filter((s) => key[s] < threshold || (key[s] === threshold && s < 1500)).length,
    );
  }
  const from = Math.floor(want.length / 3);
  const some: number[] = [];
  index.forRange(from, 7, (slot) => some.push(slot));
  expect(some).toEqual(want.slice(from, from + 7));
}

describe("MemberIndex against a sorted array", () => {
  it("keeps order, positions and counts through builds, inserts and removals", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SLOTS }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: SLOTS - 1 }), fc.boolean()), { maxLength: 4000 }),
        (initial, toggles) => {
          const key = Array.from({ length: SLOTS }, (_, i) => ((i * 7919) % 4001) % 41);
          const { order, index } = model(key);
          const present = new Set(Array.from({ length: initial }, (_, i) => i));
          index.build([...present].sort(order));
          for (const [slot, byPosition] of toggles) {
            if (!present.has(slot)) {
              index.insert(slot, key[slot]);
              present.add(slot);
              continue;
            }
            if (byPosition) index.removeAt(index.positionOf(slot, key[slot]));
            else index.remove(slot, key[slot]);
            present.delete(slot);
          }
          agree(index, key, [...present].sort(order));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("moves an entry to its new key, by a little or a lot, within its block or into another", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: SLOTS }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -40, max: 40 }))), {
          maxLength: 3000,
        }),
        fc.array(fc.integer({ min: 0, max: SLOTS - 1 }), { maxLength: 300 }),
        (initial, moves, inserted) => {
          const key = Array.from({ length: SLOTS }, (_, i) => ((i * 7919) % 4001) % 41);
          const { order, index } = model(key);
          const present = new Set(Array.from({ length: initial }, (_, i) => i));
          index.build([...present].sort(order));
          // Some inserts first: blocks that grew or split, not only built ones.
          for (const slot of inserted) {
            if (present.has(slot)) continue;
            index.insert(slot, key[slot]);
            present.add(slot);
          }
          const slots = [...present];
          for (const [pick, delta] of moves) {
            const slot = slots[pick % slots.length];
            const position = index.positionOf(slot, key[slot]);
            key[slot] += delta;
            index.replaceAt(position, slot, key[slot]);
          }
          agree(index, key, slots.sort(order));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is empty-safe and builds empty", () => {
    const key = [5, 1, 2, 3, 4];
    const { index } = model(key);
    expect(index.countLess(5)).toBe(0);
    index.insert(3, key[3]);
    index.remove(3, key[3]);
    expect(index.size).toBe(0);
    expect(index.countLess(5, true)).toBe(0);
    index.forRange(0, 10, () => expect.fail("no entries"));
    index.insert(4, key[4]);
    expect(index.countLess(5)).toBe(1);
    expect(index.countLess(4)).toBe(0);
    index.build([]);
    expect(index.size).toBe(0);
    index.insert(0, key[0]);
    expect(index.at(0)).toBe(0);
  });
});
