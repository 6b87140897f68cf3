import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ranking } from "../../engine/ranking";
import { aggregate, type PlayerState } from "../../engine/rules";
import { NaiveRanking } from "./naive-ranking";
import { operationArbitrary, type Pools, type Run, reportArbitrary, rulesArbitrary, step } from "./operations";

// A small pool of players (with non-ASCII and prefix-related ids) and scores
// makes ties, repeats and code-point ordering common.
const players = ["a", "b", "ab", "B", "é", "z", "😀", "p1", "p10", "p2", "Ω", "a b"];
const playerArb = fc.constantFrom(...players);
const scoreArb = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, -2.25, 1e15, Number.MAX_SAFE_INTEGER));
const POOLS: Pools = {
  players,
  teams: ["red", "blue"],
  scores: scoreArb,
  windows: [0, 0, 1, 3, 10],
  ages: { min: 0, max: 4000 },
  batch: 6,
  advance: 3000,
};
const rulesArb = rulesArbitrary(POOLS);
const reportArb = reportArbitrary(POOLS);
const opArb = operationArbitrary(POOLS);

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
        const run: Run = { board: new Ranking(rules), model: new NaiveRanking({ ...rules }), now: 1_700_000_000_000 };
        const reload = ({ board, model, now }: Run) => {
          const reloaded = new Ranking({ ...model.rules });
          reloaded.load(board.states(), now);
          return reloaded;
        };
        for (const op of ops) {
          step(run, op, { reload });
          expectSameBoard(run.board, run.model, run.now);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("plan's states and tallies agree with folding the batch one report at a time", () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.array(reportArb, { maxLength: 30 }),
        fc.array(reportArb, { maxLength: 30 }),
        (rules, seed, raw) => {
          const board = new Ranking(rules);
          const stamp = (list: typeof raw) => list.map(({ age, ...r }) => ({ ...r, ts: 1_000_000 - age }));
          try {
            board.apply(board.plan(stamp(seed)), 1_000_000);
          } catch {}
          const reports = stamp(raw);
          let plan: ReturnType<Ranking["plan"]>;
          try {
            plan = board.plan(reports);
          } catch {
            return;
          }
          // The model: per player, the states each report leads to, found by a scan of the batch so far.
          const order: string[] = [];
          const changedOrder: string[] = [];
          const states = new Map<string, PlayerState | undefined>();
          const tallies = new Map<string, { reports: number; peak: number | null; first: number; last: number }>();
          const better = (a: number, b: number) => (rules.order === "asc" ? a < b : a > b);
          for (const report of reports) {
            if (!order.includes(report.player)) {
              order.push(report.player);
              states.set(report.player, board.state(report.player));
              tallies.set(report.player, { reports: 0, peak: null, first: report.ts, last: report.ts });
            }
            const tally = tallies.get(report.player) as {
              reports: number;
              peak: number | null;
              first: number;
              last: number;
            };
            tally.reports += 1;
            tally.first = Math.min(tally.first, report.ts);
            tally.last = Math.max(tally.last, report.ts);
            const next = aggregate(rules.aggregate, states.get(report.player), report, rules.tiebreak);
            if (next === undefined) continue;
            states.set(report.player, next);
            if (!changedOrder.includes(report.player)) changedOrder.push(report.player);
            if (tally.peak === null || better(next.score, tally.peak)) tally.peak = next.score;
          }
          expect(plan.tallies).toEqual(order.map((player) => ({ player, ...tallies.get(player) })));
          expect(plan.states).toEqual(changedOrder.map((player) => states.get(player)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("applies a plan after a removal freed a slot another player took since, each state to its own player", () => {
    const board = new Ranking({ aggregate: "max", order: "desc", ties: "first", window: 0 });
    board.apply(
      board.plan([
        { player: "x", score: 1, ts: 1 },
        { player: "z", score: 2, ts: 1 },
      ]),
      10,
    );
    const planned = board.plan([
      { player: "x", score: 5, ts: 2 },
      { player: "z", score: 6, ts: 2 },
    ]);
    board.remove("x");
    // y takes the slot x freed.
    board.apply(board.plan([{ player: "y", score: 3, ts: 3 }]), 10);
    board.apply(planned, 10);
    expect(board.page(0, 10).map(({ player, score }) => [player, score])).toEqual([
      ["z", 6],
      ["x", 5],
      ["y", 3],
    ]);
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
