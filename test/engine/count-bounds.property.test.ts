import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CountBounds } from "../../engine/count-bounds";

// A bound errs only high: whatever was added, under whichever keys, no key's
// bound falls below its own sum. Few keys share no counter, so theirs are exact.
describe("count bounds", () => {
  it("never bound a key below the counts added under it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 1, max: 500 })), { maxLength: 400 }),
        (adds) => {
          const bounds = new CountBounds();
          const sums = new Map<string, number>();
          for (const [key, count] of adds) {
            bounds.add(key, count);
            sums.set(key, (sums.get(key) ?? 0) + count);
          }
          for (const [key, sum] of sums) expect(bounds.bound(key)).toBeGreaterThanOrEqual(sum);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("bound most keys of 10^5 exactly, and a full counter as unknown", () => {
    const bounds = new CountBounds();
    const keys = Array.from({ length: 100_000 }, (_, i) => `m:${String(i).padStart(12, "0")}`);
    for (const key of keys) bounds.add(key, 2);
    const exact = keys.filter((key) => bounds.bound(key) === 2).length;
    // About 90% by the odds of sharing a counter in both rows (e^-0.38 a row).
    expect(exact / keys.length).toBeGreaterThan(0.85);
    expect(bounds.bound("never added")).toBeLessThan(20);
    bounds.add("busy", 70_000);
    expect(bounds.bound("busy")).toBe(Number.POSITIVE_INFINITY);
  });
});
