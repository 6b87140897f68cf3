import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { statsLimits } from "../../objects/storage/stats-limits";

// The heap figures the limits are built on: a board player, and a held report delta with its key.
const BOARD_BYTES = 59;
const HELD_BYTES = 233;
const full = statsLimits(1_000_000);
const heapAt = (players: number) =>
  Math.min(players, 1_000_000) * BOARD_BYTES + statsLimits(players).pendingLimit * HELD_BYTES;

describe("stats held for a flush, by the board's size", () => {
  it("a full board, or a larger one, holds the floor's rows", () => {
    expect(full).toEqual({ flushAt: 50_000, pendingLimit: 125_000, loggedLimit: 300_000, step: 2000 });
    expect(statsLimits(2_000_000)).toEqual(full);
    expect(statsLimits(Number.POSITIVE_INFINITY)).toEqual(full);
  });

  it("a board of 10^5 ends its periods by the log's length, not by its players", () => {
    const limits = statsLimits(100_000);
    expect(limits.flushAt).toBeGreaterThan(100_000);
    expect(limits.pendingLimit).toBeGreaterThanOrEqual(2 * 100_000);
  });

  it("the board and its held rows never take more heap than a full board with the floor's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), (players) => {
        expect(heapAt(players)).toBeLessThanOrEqual(heapAt(1_000_000));
      }),
    );
  });

  it("a larger board never holds more, and a period flushes before the limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 2_000_000 }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(statsLimits(large).pendingLimit).toBeLessThanOrEqual(statsLimits(small).pendingLimit);
        expect(statsLimits(small).flushAt).toBeLessThan(statsLimits(small).pendingLimit);
      }),
    );
  });
});
