import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ranking } from "../../engine/ranking";
import type { RankedEntry } from "../../engine/rules";
import type { TrendRules } from "../../engine/trending";
import { type NaiveGain, naiveGroups, naiveMvps, naiveTrending } from "./naive-derived";
import { NaiveRanking, naiveRank } from "./naive-ranking";
import { type Hooks, operationArbitrary, type Pools, type Run, rulesArbitrary, step } from "./operations";

// Teams, countries, MVPs and trending against the naive model after every
// operation: team and country switches, removals, expiry, rule changes,
// reloads. Scores are small integers and halves, so sums are exact and the
// two sides must agree to the bit; zero and negative sums come up often.
const players = ["a", "b", "ab", "é", "z", "😀", "p1", "p2"];
const teams = ["red", "blue", "green"];
const countries = ["TR", "DE", "US"];
const POOLS: Pools = {
  players,
  teams,
  scores: fc.oneof(fc.integer({ min: -6, max: 9 }), fc.constantFrom(0.5, -1.5)),
  windows: [0, 0, 2, 5],
  ages: { min: -500, max: 7000 },
  batch: 5,
  advance: 2500,
};
const TREND: TrendRules = { short: 2, long: 6, minReports: 2 };
const rulesArb = rulesArbitrary(POOLS);
const opArb = operationArbitrary(POOLS, {
  weight: 2,
  arbitrary: fc.record({
    kind: fc.constant("country" as const),
    player: fc.constantFrom(...players),
    country: fc.constantFrom(undefined, ...countries),
  }),
});

function expectSameDerived(
  board: Ranking,
  model: NaiveRanking,
  countryOf: Map<string, string>,
  gains: NaiveGain[],
  now: number,
) {
  board.expire(now);
  const visible = model.visible(now).map((e) => {
    const country = countryOf.get(e.player);
    return country === undefined ? e : { ...e, country };
  });
  const rules = model.rules;
  const teamGroups = naiveGroups(visible, (e) => e.team, rules);
  expect(board.derived.teamsPage(0, 100)).toEqual(
    teamGroups.map(({ rank, name, score, count, ts }) => ({ rank, team: name, score, members: count, ts })),
  );
  for (const name of teams) {
    const group = teamGroups.find((g) => g.name === name);
    const got = board.derived.team(name, 100);
    if (group === undefined) {
      expect(got).toBeUndefined();
      continue;
    }
    expect(got).toEqual({
      rank: group.rank,
      team: name,
      score: group.score,
      members: group.count,
      ts: group.ts,
      players: group.members.map((m) => ({
        rank: m.rank,
        player: m.player,
        score: m.score,
        share: group.score === 0 ? null : m.score / group.score,
      })),
    });
  }
  expect(board.derived.mvpsPage(0, 100)).toEqual(naiveMvps(teamGroups, visible));

  const countryGroups = naiveGroups(visible, (e) => (e as RankedEntry & { country?: string }).country, rules);
  expect(board.derived.countriesPage(0, 100)).toEqual(
    countryGroups.map(({ rank, name, score, count, ts }) => ({ rank, country: name, score, players: count, ts })),
  );
  for (const country of countries) {
    const group = countryGroups.find((g) => g.name === country);
    const members = group?.members ?? [];
    const inCountry = members.map((m, i) => ({
      ...m,
      // Shared and dense ties: equal score and subscore (under a tiebreak) share a rank.
      rank: naiveRank(members, i, rules.ties, (a, b) => a.score === b.score && a.subscore === b.subscore),
      globalRank: m.rank,
    }));
    expect(board.derived.countryPage(country, 0, 100)).toEqual(inCountry);
    for (const m of inCountry) expect(board.derived.countryRank(m.player)).toBe(m.rank);
  }
  expect(board.derived.trendingPage(now, 100)).toEqual(naiveTrending(gains, visible, TREND, now));
}

describe("derived boards against a naive model", () => {
  it("teams, countries, MVPs and trending agree after any sequence of changes", () => {
    fc.assert(
      fc.property(rulesArb, fc.array(opArb, { maxLength: 30 }), (rules, ops) => {
        const run: Run = {
          board: new Ranking(rules, undefined, { trend: TREND }),
          model: new NaiveRanking({ ...rules }),
          now: 1_700_000_000_000,
        };
        const countryOf = new Map<string, string>();
        // What trending has counted, with each ts clamped to when it was applied (as the object stores it).
        let gains: NaiveGain[] = [];
        const hooks: Hooks = {
          reported: (accepted) => {
            expect(accepted).toBe(true);
            gains.push(...run.model.lastGains.map((g) => ({ ...g, ts: Math.min(g.ts, run.now) })));
          },
          removed: (player) => {
            countryOf.delete(player);
            gains = gains.filter((g) => g.player !== player);
          },
          // As the object rebuilds: states, then countries, then trending replayed from its log.
          reload: ({ board, model, now }) => {
            const reloaded = new Ranking({ ...model.rules }, undefined, { trend: TREND });
            reloaded.beginLoad();
            for (const state of board.states()) reloaded.put(state);
            for (const [player, country] of countryOf) reloaded.putCountry(player, country);
            reloaded.finishLoad(now);
            reloaded.record(gains, now);
            return reloaded;
          },
        };
        for (const op of ops) {
          if (op.kind === "country") {
            const known = run.model.states.has(op.player);
            expect(run.board.setCountry(op.player, op.country)).toBe(known);
            if (known && op.country !== undefined) countryOf.set(op.player, op.country);
            else if (known) countryOf.delete(op.player);
          } else step(run, op, hooks);
          expectSameDerived(run.board, run.model, countryOf, gains, run.now);
        }
      }),
      { numRuns: 400 },
    );
  });
});
