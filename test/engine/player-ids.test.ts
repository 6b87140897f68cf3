import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlayerIds } from "../../engine/player-ids";
import { codePointCompare } from "./naive-ranking";

const wellFormed = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });

describe("PlayerIds", () => {
  it("round-trips ids and compares them in code-point order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(wellFormed, { minLength: 2, maxLength: 50 }), (names) => {
        const ids = new PlayerIds();
        const slots = names.map((n) => ids.intern(n));
        expect(names.map((n) => ids.find(n))).toEqual(slots);
        expect(slots.map((s) => ids.idOf(s))).toEqual(names);
        for (let i = 1; i < names.length; i++) {
          const want = Math.sign(codePointCompare(names[i - 1], names[i]));
          expect(Math.sign(ids.compare(slots[i - 1], slots[i]))).toBe(want);
        }
      }),
    );
  });

  it("handles ids longer than 127 bytes (two-byte length prefix)", () => {
    const ids = new PlayerIds();
    const long = "ж".repeat(128);
    const slot = ids.intern(long);
    expect(ids.idOf(slot)).toBe(long);
    expect(ids.find(long)).toBe(slot);
    expect(ids.find(long.slice(1))).toBe(-1);
  });

  it("keeps finding every id through table growth, releases, slot reuse and arena compaction", () => {
    const ids = new PlayerIds();
    const live = new Map<string, number>();
    for (let i = 0; i < 120_000; i++) live.set(`player-${i}-${"x".repeat(i % 17)}`, -1);
    for (const name of live.keys()) live.set(name, ids.intern(name));
    let i = 0;
    const released: string[] = [];
    for (const name of [...live.keys()]) {
      if (i++ % 3 !== 0) {
        ids.release(live.get(name) as number);
        live.delete(name);
        released.push(name);
      }
    }
    for (const name of released) expect(ids.find(name)).toBe(-1);
    for (let j = 0; j < 5000; j++) live.set(`late-${j}`, ids.intern(`late-${j}`));
    expect(ids.size).toBe(live.size);
    for (const [name, slot] of live) {
      expect(ids.find(name)).toBe(slot);
      expect(ids.idOf(slot)).toBe(name);
    }
    expect(ids.find("player-1-x")).toBe(-1);
  });
});
