import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bounds } from "../../engine/bounds";
import { GAIN_BANK_SECONDS, GainAllowance } from "../../engine/gain-allowance";
import { Ranking } from "../../engine/ranking";
import type { Aggregate, Report } from "../../engine/rules";

const NOW = 1_700_000_000_000;
const bounds = (b: Partial<Bounds>): Bounds => ({ maxFutureSeconds: 300, ...b });
const board = (aggregate: Aggregate, order: "asc" | "desc" = "desc") =>
  new Ranking({ aggregate, order, ties: "first", window: 0 });

/** Plans and, when nothing is refused, applies; returns the reasons refused. */
function post(ranking: Ranking, reports: Report[], b: Bounds, now: number): string[] {
  const plan = ranking.plan(reports, b, now);
  if (plan.violations.length === 0) ranking.apply(plan, now);
  return plan.violations.map((v) => v.reason);
}

describe("bounds: gains are measured by the server's clock as well as by ts", () => {
  const rate = bounds({ maxGainPerSecond: 10 });

  it("a report stamped long ago does not bank time: ts 0, then a huge score, is refused", () => {
    const ranking = board("last");
    expect(post(ranking, [{ player: "a", score: 0, ts: 0 }], rate, NOW)).toEqual([]);
    // By ts alone this is 1e9 in 56 years: allowed. The server saw one second pass.
    const reasons = post(ranking, [{ player: "a", score: 1e9, ts: NOW + 1000 }], rate, NOW + 1000);
    expect(reasons).toEqual([expect.stringContaining("more than the 36000 this player has earned")]);
    expect(ranking.state("a")?.score).toBe(0);
  });

  it("many reports with one ts count their gains together, within a batch and across batches", () => {
    const ranking = board("sum");
    const burst = (n: number, ts: number) => Array.from({ length: n }, () => ({ player: "a", score: 10, ts }));
    // Each report alone is 10 in "at least one second"; together they are the bank.
    const full = (10 * GAIN_BANK_SECONDS) / 10;
    expect(post(ranking, burst(full, NOW), rate, NOW)).toEqual([]);
    expect(post(ranking, burst(1, NOW), rate, NOW)).toHaveLength(1);
    // One second of the server's clock earns one more report's worth.
    expect(post(ranking, burst(1, NOW), rate, NOW + 1000)).toEqual([]);
    expect(ranking.state("a")?.score).toBe(10 * (full + 1));
  });

  it("a first report gains from the worst bound (or 0): under last, max or min it cannot claim any score", () => {
    for (const aggregate of ["last", "max"] as const) {
      const ranking = board(aggregate);
      expect(post(ranking, [{ player: "a", score: 1e7, ts: NOW }], rate, NOW)).toHaveLength(1);
      expect(post(ranking, [{ player: "a", score: 36_000, ts: NOW }], rate, NOW)).toEqual([]);
    }
    const withMin = board("last");
    expect(post(withMin, [{ player: "a", score: 36_000 - 500, ts: NOW }], bounds({ ...rate, min: -500 }), NOW)).toEqual(
      [],
    );
    expect(post(board("last"), [{ player: "a", score: 36_000, ts: NOW }], bounds({ ...rate, min: -500 }), NOW)).toEqual(
      [expect.stringContaining("gained 36500")],
    );
    // Lower is better: a first time gains from max, so a slow first lap passes and an impossible one does not.
    const asc = board("min", "asc");
    const lap = bounds({ ...rate, max: 40_000 });
    expect(post(asc, [{ player: "a", score: 39_000, ts: NOW }], lap, NOW)).toEqual([]);
    expect(post(asc, [{ player: "b", score: 1, ts: NOW }], lap, NOW)).toEqual([
      expect.stringContaining("gained 39999"),
    ]);
  });

  it("never lets a run of reports gain more than the bank plus the rate times the server seconds that passed", () => {
    const report = fc.record({
      score: fc.integer({ min: 0, max: 1_000_000 }),
      // The sender claims whatever time it likes has passed.
      claimed: fc.integer({ min: 0, max: 100_000_000 }),
      wait: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<Aggregate>("last", "max", "sum"),
        fc.array(report, { maxLength: 60 }),
        (aggregate, run) => {
          const ranking = board(aggregate);
          let now = NOW;
          let gained = 0;
          let ts = 0;
          for (const { score, claimed, wait } of run) {
            now += wait;
            ts += claimed;
            const before = ranking.state("a")?.score ?? 0;
            if (post(ranking, [{ player: "a", score, ts }], rate, now).length === 0) {
              gained += Math.max(0, (ranking.state("a")?.score ?? 0) - before);
            }
          }
          expect(gained).toBeLessThanOrEqual(10 * GAIN_BANK_SECONDS + (10 * (now - NOW)) / 1000 + 1e-6);
        },
      ),
    );
  });

  it("records only charges that leave a player more than a minute short of a full bank, and holds them back after a restart", () => {
    const allowance = new GainAllowance();
    // At 10 a second: 500 is under a minute's worth (600), 5000 is not.
    const light = allowance.charge(new Map([["honest", 500]]), 10, NOW);
    const heavy = allowance.charge(new Map([["cheat", 5000]]), 10, NOW);
    expect([...light.record.keys()]).toEqual([]);
    expect([...heavy.record.keys()]).toEqual(["cheat"]);
    allowance.remember(light, NOW);
    allowance.remember(heavy, NOW);
    expect(allowance.left("honest", 10, NOW)).toBe(36_000 - 500);

    // A restart hands back what was recorded: the cheat's spend stands, the honest player is full again.
    const restarted = new GainAllowance(heavy.record);
    expect(restarted.left("cheat", 10, NOW + 1000)).toBe(36_000 - 5000 + 10);
    expect(restarted.left("honest", 10, NOW + 1000)).toBe(36_000);
  });

  it("lets the oldest unrecorded players go past 50,000 held, never a recorded one within the bank", () => {
    const allowance = new GainAllowance();
    const heavy = allowance.charge(new Map([["cheat", 36_000]]), 10, NOW);
    allowance.remember(heavy, NOW);
    const many = allowance.charge(new Map(Array.from({ length: 60_000 }, (_, i) => [`p${i}`, 1] as const)), 10, NOW);
    allowance.remember(many, NOW);
    expect(allowance.size).toBeLessThanOrEqual(50_000);
    expect(allowance.left("cheat", 10, NOW)).toBe(0);
    expect(allowance.left("p59999", 10, NOW)).toBe(36_000 - 1);
  });
});
