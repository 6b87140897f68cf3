import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortStrings } from "../../engine/string-sort";

/** Strings of a few code units from a small alphabet: shared prefixes, repeats, prefixes of each other. */
const narrow = fc.string({ unit: fc.constantFrom("a", "b", "m", ":", "0", "1"), maxLength: 6 });
/** Any UTF-16 code units, lone surrogates and U+FFFF included. */
const wide = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 8 });

describe("sortStrings", () => {
  it("sorts any strings in the order of Array.prototype.sort, keeping every string", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(narrow, wide), { maxLength: 300 }), (keys) => {
        expect(sortStrings([...keys])).toEqual([...keys].sort());
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts players' names with long shared prefixes, past the insertion sort's size", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(99_999), { minLength: 17, maxLength: 2000 }), (ids) => {
        const names = ids.map((i) => `m:${String(i).padStart(12, "0")}`);
        expect(sortStrings([...names])).toEqual([...names].sort());
      }),
      { numRuns: 200 },
    );
  });
});
