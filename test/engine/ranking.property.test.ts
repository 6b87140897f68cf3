import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ranking } from "../../engine/ranking";
import { AGGREGATES, ORDERS, type RankingRules, type Report, TIE_MODES } from "../../engine/rules";
import { NaiveRanking } from "./naive-ranking";

// A small pool of players (with non-ASCII and prefix-related ids) and scores
// makes ties, repeats and code-point ordering common.
const players = ["a", "b", "ab", "B", "é", "z", "😀", "p1", "p10", "p2", "Ω", "a b"];
const playerArb = fc.constantFrom(...players);
const scoreArb = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, -2.25, 1e15, Number.MAX_SAFE_INTEGER));
const rulesArb: fc.Arbitrary<RankingRules> = fc.record({
  aggregate: fc.constantFrom(...AGGREGATES),
  order: fc.constantFrom(...ORDERS),
  ties: fc.constantFrom(...TIE_MODES),
  window: fc.constantFrom(0, 0, 1, 3, 10),
});
const reportArb: fc.Arbitrary<Omit<Report, "ts"> & { age: number }> = fc.record(
  { player: playerArb, score: scoreArb, age: fc.integer({ min: 0, max: 4000 }), team: fc.constantFrom("red", "blue") },
  { requiredKeys: ["player", "score", "age"] },
);
const opArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("report" as const),
      reports: fc.array(reportArb, { minLength: 1, maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), player: playerArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reconfigure" as const), rules: rulesArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reload" as const) }) },
);

function expectSameBoard(board: Ranking, model: NaiveRanking, now: number) {
  board.expire(now);
  const want = model.visible(now);
  expect(board.rankedPlayers).toBe(want.length);
  expect(board.page(0, 1000)).toEqual(want);
  for (const offset of [1, 3, want.length - 1]) {
    if (offset >= 0) expect(board.page(offset, 2)).toEqual(want.slice(offset, offset + 2));
  }
  for (const player of players) {
    const i = want.findIndex((e) => e.player === player);
    expect(board.entry(player)).toEqual(i === -1 ? undefined : want[i]);
    expect(board.around(player, 1)).toEqual(i === -1 ? undefined : want.slice(Math.max(0, i - 1), i + 2));
    const known = model.states.get(player);
    expect(board.state(player)).toEqual(known);
  }
}

describe("Ranking against a naive sorted-array model", () => {
  it("agrees after any sequence of reports, removals, rule changes, time and reloads", () => {
    fc.assert(
      fc.property(rulesArb, fc.array(opArb, { maxLength: 40 }), (rules, ops) => {
        let now = 1_700_000_000_000;
        let board = new Ranking(rules);
        const model = new NaiveRanking({ ...rules });
        for (const op of ops) {
          switch (op.kind) {
            case "report": {
              const reports = op.reports.map(({ age, ...r }) => ({ ...r, ts: now - age }));
              let planned: ReturnType<Ranking["plan"]> | undefined;
              try {
                planned = board.plan(reports);
              } catch {
                planned = undefined;
              }
              const accepted = model.report(reports);
              expect(planned !== undefined).toBe(accepted);
              if (planned) board.apply(planned, now);
              break;
            }
            case "remove":
              expect(board.remove(op.player)).toBe(model.states.delete(op.player));
              break;
            case "reconfigure": {
              const next = {
                ...op.rules,
                aggregate: model.states.size === 0 ? op.rules.aggregate : model.rules.aggregate,
              };
              board.reconfigure(next, now);
              model.rules = next;
              break;
            }
            case "advance":
              now += op.ms;
              break;
            case "reload": {
              const reloaded = new Ranking(board.rules);
              reloaded.load(board.states(), now);
              board = reloaded;
              break;
            }
          }
          expectSameBoard(board, model, now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("plan does not modify the board", () => {
    fc.assert(
      fc.property(rulesArb, fc.array(reportArb, { maxLength: 20 }), (rules, raw) => {
        const board = new Ranking(rules);
        const reports = raw.map(({ age, ...r }) => ({ ...r, ts: 1_000_000 - age }));
        try {
          board.apply(board.plan(reports.slice(0, 5)), 1_000_000);
        } catch {}
        const before = board.page(0, 100);
        try {
          board.plan(reports);
        } catch {}
        expect(board.page(0, 100)).toEqual(before);
      }),
    );
  });
});

describe("Ranking rebuilt by replaying a log", () => {
  it("equals the board the same changes built live, removals included", () => {
    const change = fc.oneof(
      fc.record({
        player: playerArb,
        score: scoreArb,
        ts: fc.integer({ min: 0, max: 50 }),
        team: fc.constantFrom(undefined, "red"),
      }),
      fc.record({ drop: playerArb }),
    );
    fc.assert(
      fc.property(rulesArb, fc.array(change, { maxLength: 60 }), (rules, changes) => {
        const now = 1000;
        const live = new Ranking({ ...rules, window: 0 });
        const replayed = new Ranking({ ...rules, window: 0 });
        replayed.beginLoad();
        for (const c of changes) {
          if ("drop" in c) {
            live.remove(c.drop);
            replayed.drop(c.drop);
          } else {
            const state =
              c.team === undefined ? { player: c.player, score: c.score, ts: c.ts } : { ...c, team: c.team };
            live.apply([state], now);
            replayed.put(state);
          }
        }
        replayed.finishLoad(now);
        expect(replayed.page(0, 1000)).toEqual(live.page(0, 1000));
        expect(replayed.knownPlayers).toBe(live.knownPlayers);
      }),
    );
  });
});
