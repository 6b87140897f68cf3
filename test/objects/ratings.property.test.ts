import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eloChanges } from "../../objects/ratings";

const ratingArb = fc.double({ min: 0, max: 3000, noNaN: true });
const kArb = fc.integer({ min: 1, max: 64 });

describe("ELO", () => {
  it("conserves the sum of the two ratings in a 1v1 result, win or draw", () => {
    fc.assert(
      fc.property(ratingArb, ratingArb, kArb, fc.boolean(), (ra, rb, k, draw) => {
        const ratings: Record<string, number> = { a: ra, b: rb };
        const changes = eloChanges(draw ? [["a", "b"]] : [["a"], ["b"]], (p) => ratings[p], k);
        const a = changes.get("a") as number;
        const b = changes.get("b") as number;
        expect(a + b).toBeCloseTo(0, 9);
        // The winner never loses rating; a win is worth at most K.
        if (!draw) expect(a).toBeGreaterThanOrEqual(0);
        expect(Math.abs(a)).toBeLessThanOrEqual(k);
      }),
    );
  });

  it("counts placements as every pair playing a 1v1 game at once with K/(n-1), from the ratings before", () => {
    const groupsArb = fc
      .array(fc.array(ratingArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 })
      .filter((groups) => groups.flat().length >= 2);
    fc.assert(
      fc.property(groupsArb, kArb, (groupRatings, k) => {
        const ratings: Record<string, number> = {};
        const groups = groupRatings.map((group, g) =>
          group.map((r, i) => {
            ratings[`p${g}-${i}`] = r;
            return `p${g}-${i}`;
          }),
        );
        const players = groups.flat();
        const place = (p: string) => groups.findIndex((g) => g.includes(p));
        const want = new Map(players.map((p) => [p, 0]));
        for (let i = 0; i < players.length; i++) {
          for (let j = i + 1; j < players.length; j++) {
            const [a, b] = [players[i], players[j]];
            const pair = place(a) === place(b) ? [[a, b]] : place(a) < place(b) ? [[a], [b]] : [[b], [a]];
            for (const [player, change] of eloChanges(pair, (p) => ratings[p], k / (players.length - 1))) {
              want.set(player, (want.get(player) as number) + change);
            }
          }
        }
        const got = eloChanges(groups, (p) => ratings[p], k);
        for (const p of players) expect(got.get(p)).toBeCloseTo(want.get(p) as number, 9);
        expect([...got.values()].reduce((s, c) => s + c, 0)).toBeCloseTo(0, 8);
      }),
    );
  });
});
