import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boardOrder } from "../../engine/board-order";
import { mergedMvps, mergeGroups } from "../../engine/group-parts";
import { Ranking } from "../../engine/ranking";
import { ORDERS, TIE_MODES } from "../../engine/rules";

// A board's teams, countries and MVPs, read from its parts (a game's shards)
// and merged, must be the whole board's.

const stateArb = fc.record({
  player: fc.tuple(fc.constantFrom("a", "é", "😀", "p"), fc.nat({ max: 300 })).map(([name, n]) => `${name}${n}`),
  score: fc.integer({ min: -4, max: 9 }),
  subscore: fc.constantFrom(0, 1, 2),
  ts: fc.integer({ min: 0, max: 3 }),
  team: fc.option(fc.constantFrom("red", "blue", "green", "ß", "𝔸"), { nil: undefined }),
  country: fc.option(fc.constantFrom("FR", "DE", "JP"), { nil: undefined }),
});
const boardArb = fc.record({
  states: fc.uniqueArray(stateArb, { selector: (s) => s.player, maxLength: 150 }),
  parts: fc.integer({ min: 1, max: 6 }),
  order: fc.constantFrom(...ORDERS),
  // Parts merge as a sharded game's shards do, which refuse dense ties.
  ties: fc.constantFrom(...TIE_MODES.filter((ties) => ties !== "dense")),
  tiebreak: fc.constantFrom(undefined, ...ORDERS),
});
type BoardCase = typeof boardArb extends fc.Arbitrary<infer T> ? T : never;

function split({ states, parts, order, ties, tiebreak }: BoardCase) {
  const rules = { aggregate: "last" as const, order, ties, window: 0, tiebreak };
  const build = (chosen: typeof states) => {
    const board = new Ranking(rules);
    board.beginLoad();
    for (const { country: _, ...state } of chosen) board.put(state);
    for (const { player, country } of chosen) if (country !== undefined) board.putCountry(player, country);
    board.finishLoad(0);
    return board;
  };
  const whole = build(states);
  const boards = Array.from({ length: parts }, (_, i) => build(states.filter((_, k) => (k * 7919) % parts === i)));
  return { whole, boards, ascending: order === "asc", shared: ties === "shared", tiebreak };
}

describe("group boards merged from their parts", () => {
  it("rank teams and countries, and pick MVPs, as the whole board does", () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const { whole, boards, ascending, shared, tiebreak } = split(board);
        for (const kind of ["teams", "countries"] as const) {
          const merged = mergeGroups(
            boards.map((b) => b.derived.groupParts(kind)),
            ascending,
            shared,
            tiebreak,
          );
          const want =
            kind === "teams"
              ? whole.derived
                  .teamsPage(0, 1000)
                  .map(({ rank, team, score, members, ts }) => ({ rank, name: team, score, count: members, ts }))
              : whole.derived
                  .countriesPage(0, 1000)
                  .map(({ rank, country, score, players, ts }) => ({ rank, name: country, score, count: players, ts }));
          expect(merged.map(({ rank, name, sum, count, ts }) => ({ rank, name, score: sum, count, ts }))).toEqual(want);
        }
        const teams = mergeGroups(
          boards.map((b) => b.derived.groupParts("teams")),
          ascending,
          shared,
          tiebreak,
        );
        const mvps = mergedMvps(teams, ascending, tiebreak).map((t, i) => ({
          rank: i + 1,
          team: t.name,
          player: t.best.player,
          score: t.best.score,
          teamScore: t.sum,
          share: t.best.score / t.sum,
        }));
        expect(mvps).toEqual(whole.derived.mvpsPage(0, 1000));
      }),
      { numRuns: 400 },
    );
  });

  it("finds a team's first members and a country's players ahead of anyone, adding up to the whole board's", () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const { whole, boards, ascending, shared, tiebreak } = split(board);
        const order = boardOrder(ascending, tiebreak);
        for (const team of ["red", "ß", "𝔸"]) {
          const members = boards
            .flatMap((b) => b.derived.teamMembers(team, 5))
            .sort(order)
            .slice(0, 5);
          const want = whole.derived.team(team, 5)?.players.map(({ player, score }) => ({ player, score })) ?? [];
          expect(members.map(({ player, score }) => ({ player, score }))).toEqual(want);
        }
        for (const country of ["FR", "JP"]) {
          const page = whole.derived.countryPage(country, 0, 1000);
          for (const entry of page) {
            const ahead = boards.reduce((n, b) => n + b.derived.countAheadIn(country, entry, false), 0);
            const better = boards.reduce((n, b) => n + b.derived.countAheadIn(country, entry, true), 0);
            expect(shared ? better + 1 : ahead + 1).toBe(entry.rank);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
