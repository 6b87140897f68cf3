import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Placed } from "../../engine/board-order";
import { Ranking } from "../../engine/ranking";
import type { TrendRules } from "../../engine/trending";
import { NaiveRanking } from "./naive-ranking";
import { type Hooks, operationArbitrary, type Pools, type Run, rulesArbitrary, step } from "./operations";

// Teams, countries and MVPs catch up on their first read after a change
// (replaying what changed, or rebuilding when much did). Two boards get the
// same operations; one is read after every operation, the other only now
// and then, and whenever it is read it must answer exactly as the first.
// More players than teams, and batches larger than the replay limit of a
// small board, so both replays and rebuilds come up, across several batches,
// expiries, removals (a removed player's slot going to a new one before the
// next read), country changes and rule changes.
const players = Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? `é${i}` : i % 11 === 0 ? `😀${i}` : `p${i}`));
// Enough teams and countries that a catch-up can change more than a few of them (which ranks them all afresh).
const teams = ["red", "blue", "green", "gold", "a", "b", "ab", "é", "z", "😀", "t1", "t2"];
const countries = ["TR", "DE", "US", "BR", "JP", "KR", "FR", "IN", "GB", "ES", "IT", "NL"];
const POOLS: Pools = {
  players,
  teams,
  // Few scores and stamps, so players often tie on both and their ids order them.
  scores: fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constantFrom(0.5, -1.5)),
  windows: [0, 0, 2, 5],
  ages: { min: -2, max: 2 },
  batch: 14,
  advance: 2500,
};
const TREND: TrendRules = { short: 2, long: 6, minReports: 2 };
const opArb = operationArbitrary(POOLS, {
  weight: 2,
  arbitrary: fc.record({
    kind: fc.constant("country" as const),
    player: fc.constantFrom(...players),
    country: fc.constantFrom(undefined, ...countries),
  }),
});

/** Every derived read, for every team, country and player of the pools. */
function answers(board: Ranking, now: number, pools = { players, teams, countries }) {
  const derived = board.derived;
  const entries: Placed[] = pools.players.flatMap((player) => {
    const entry = board.entry(player);
    return entry === undefined ? [] : [{ player, score: entry.score, ts: entry.ts, subscore: entry.subscore }];
  });
  return {
    counts: [derived.rankedTeams, derived.rankedMvps, derived.rankedCountries, derived.knownTeams],
    teams: derived.teamsPage(0, 100),
    teamPages: pools.teams.map((team) => [
      derived.team(team, 100),
      derived.team(team, 2),
      derived.teamMembers(team, 3),
    ]),
    mvps: derived.mvpsPage(0, 100),
    countries: derived.countriesPage(0, 100),
    countryPages: pools.countries.map((country) => [
      derived.rankedPlayersIn(country),
      derived.countryPage(country, 0, 100),
      derived.countryPage(country, 2, 3),
      entries.map((e) => [derived.countAheadIn(country, e, false), derived.countAheadIn(country, e, true)]),
    ]),
    countryRanks: pools.players.map((player) => derived.countryRank(player)),
    parts: [derived.groupParts("teams"), derived.groupParts("countries")],
    trending: derived.trendingPage(now, 100),
  };
}

function hooksFor(countryOf: Map<string, string>): Hooks {
  return {
    // As the object rebuilds: states, then countries (trending is not compared across a reload here).
    reload: ({ board, model, now }) => {
      const reloaded = new Ranking({ ...model.rules }, undefined, { trend: TREND });
      reloaded.beginLoad();
      for (const state of board.states()) reloaded.put(state);
      for (const [player, country] of countryOf) if (board.knows(player)) reloaded.putCountry(player, country);
      reloaded.finishLoad(now);
      return reloaded;
    },
    removed: (player) => countryOf.delete(player),
  };
}

describe("derived boards caught up on read", () => {
  it("answer as a board read after every change, whenever they are read", () => {
    fc.assert(
      fc.property(rulesArbitrary(POOLS), fc.array(fc.tuple(opArb, fc.boolean()), { maxLength: 40 }), (rules, steps) => {
        const start = 1_700_000_000_000;
        const make = (): Run => ({
          board: new Ranking(rules, undefined, { trend: TREND }),
          model: new NaiveRanking({ ...rules }),
          now: start,
        });
        const eager = make();
        const lazy = make();
        const countries = [new Map<string, string>(), new Map<string, string>()];
        const hooks = countries.map(hooksFor);
        for (const [op, read] of steps) {
          for (const [i, run] of [eager, lazy].entries()) {
            if (op.kind === "country") {
              if (run.board.setCountry(op.player, op.country) && op.country !== undefined) {
                countries[i].set(op.player, op.country);
              } else countries[i].delete(op.player);
            } else step(run, op, hooks[i]);
            run.board.expire(run.now);
          }
          const expected = answers(eager.board, eager.now);
          if (read) expect(answers(lazy.board, lazy.now)).toEqual(expected);
        }
        expect(answers(lazy.board, lazy.now)).toEqual(answers(eager.board, eager.now));
      }),
      { numRuns: 300 },
    );
  });

  it("rank many changed groups afresh as they would move each", () => {
    // A board of 300 players in 40 teams: a catch-up after a batch or two changes more than an eighth of them.
    const many = {
      players: Array.from({ length: 300 }, (_, i) => `q${i}`),
      teams: Array.from({ length: 40 }, (_, i) => `t${i}`),
      countries: countries.slice(0, 6),
    };
    const report = fc.record({
      player: fc.integer({ min: 0, max: 299 }),
      score: fc.integer({ min: -3, max: 5 }),
      team: fc.integer({ min: 0, max: 39 }),
      age: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom("sum", "last", "max"),
        fc.constantFrom("asc", "desc"),
        fc.array(fc.tuple(fc.array(report, { minLength: 1, maxLength: 30 }), fc.boolean()), { maxLength: 12 }),
        (aggregate, order, batches) => {
          const rules = { aggregate, order, ties: "first", window: 0 } as const;
          const now = 1_700_000_000_000;
          const eager = new Ranking(rules);
          const lazy = new Ranking(rules);
          const fill = many.players.map((player, i) => ({
            player,
            score: i % 17,
            ts: now - (i % 5),
            team: `t${i % 40}`,
          }));
          for (const board of [eager, lazy]) {
            board.apply(board.plan(fill), now);
            for (const [i, player] of many.players.entries()) board.setCountry(player, many.countries[i % 6]);
          }
          for (const [batch, read] of batches) {
            const reports = batch.map((r) => ({
              player: `q${r.player}`,
              score: r.score,
              ts: now - r.age,
              team: `t${r.team}`,
            }));
            for (const board of [eager, lazy]) board.apply(board.plan(reports), now);
            const expected = answers(eager, now, many);
            if (read) expect(answers(lazy, now, many)).toEqual(expected);
          }
          expect(answers(lazy, now, many)).toEqual(answers(eager, now, many));
          // And as a board loaded from the same states, which ranks its groups in one pass.
          const loaded = new Ranking(rules);
          loaded.load([...lazy.states()], now);
          for (const player of many.players) loaded.setCountry(player, lazy.countryOf(player));
          expect(answers(loaded, now, many)).toEqual(answers(lazy, now, many));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("replay a log of thousands of changes as a board loaded from the same states ranks them", () => {
    const n = 12_000;
    const rules = { aggregate: "sum", order: "desc", ties: "shared", window: 0 } as const;
    const player = (i: number) => `r${i}`;
    const reads = (board: Ranking) => ({
      teams: board.derived.teamsPage(0, 100),
      mvps: board.derived.mvpsPage(0, 100),
      countries: board.derived.countriesPage(0, 100),
      team: ["t0", "t7", "t49"].map((t) => board.derived.team(t, 1000)),
      country: countries
        .slice(0, 5)
        .map((c) => [board.derived.countryPage(c, 0, 50), board.derived.countryPage(c, 1200, 50)]),
      ranks: Array.from({ length: 100 }, (_, k) => board.derived.countryRank(player(k * 97))),
    });
    const board = new Ranking(rules);
    const fill = Array.from({ length: n }, (_, i) => ({
      player: player(i),
      score: i % 300,
      ts: i % 50,
      team: `t${i % 50}`,
    }));
    board.apply(board.plan(fill), 1000);
    for (let i = 0; i < n; i++) board.setCountry(player(i), countries[i % 5]);
    reads(board);
    // Two rounds of about 1,400 changed players (under the replay limit of 1,504), read after each.
    for (let round = 0; round < 2; round++) {
      for (let b = 0; b < 7; b++) {
        const reports = Array.from({ length: 200 }, (_, k) => {
          const i = (round * 7919 + b * 1543 + k * 61) % n;
          return { player: player(i), score: (k % 9) - 3, ts: 60 + b, team: `t${(i + round) % 50}` };
        });
        board.apply(board.plan(reports), 1000);
      }
      const loaded = new Ranking(rules);
      loaded.load([...board.states()], 1000);
      for (let i = 0; i < n; i++) loaded.setCountry(player(i), board.countryOf(player(i)));
      expect(reads(board)).toEqual(reads(loaded));
    }
  });

  it("take a removed player out of its team before its slot goes to a new player", () => {
    const board = new Ranking({ aggregate: "last", order: "desc", ties: "first", window: 0 });
    // b and c tie on score and ts: their ids order them in the team.
    board.apply(
      [
        { player: "b", score: 1, ts: 5, team: "red" },
        { player: "c", score: 1, ts: 5, team: "red" },
      ],
      10,
    );
    expect(board.derived.rankedTeams).toBe(1);
    board.remove("b");
    // d takes b's slot, and would order after c where b was before it.
    board.apply([{ player: "d", score: 7, ts: 6, team: "red" }], 10);
    expect(board.derived.team("red", 10)?.players.map((p) => p.player)).toEqual(["d", "c"]);
  });
});
