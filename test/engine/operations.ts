// The operations the property tests run against the engine and the naive
// model alike (reports, removals, rule changes, time, reloads), and the one
// interpreter applying them to both.
import fc from "fast-check";
import { expect } from "vitest";
import type { Ranking } from "../../engine/ranking";
import { AGGREGATES, ORDERS, type RankingRules, type Report, TIE_MODES } from "../../engine/rules";
import type { NaiveRanking } from "./naive-ranking";

/** What a test draws its operations from. */
export interface Pools {
  players: readonly string[];
  teams: readonly string[];
  scores: fc.Arbitrary<number>;
  /** The rules' windows in seconds (0: none); a repeat weighs more. */
  windows: readonly number[];
  /** How long before the clock a report is stamped, in ms (negative: ahead of it). */
  ages: { min: number; max: number };
  /** Most reports in one batch. */
  batch: number;
  /** Most ms the clock moves in one step. */
  advance: number;
}

/** A report as drawn: stamped `age` ms before the clock when it is sent. */
export type AgedReport = Omit<Report, "ts"> & { age: number };

export type Operation =
  | { kind: "report"; reports: AgedReport[] }
  | { kind: "remove"; player: string }
  | { kind: "reconfigure"; rules: RankingRules }
  | { kind: "advance"; ms: number }
  | { kind: "reload" };

export function rulesArbitrary({ windows }: Pick<Pools, "windows">): fc.Arbitrary<RankingRules> {
  return fc.record({
    aggregate: fc.constantFrom(...AGGREGATES),
    order: fc.constantFrom(...ORDERS),
    ties: fc.constantFrom(...TIE_MODES),
    window: fc.constantFrom(...windows),
    tiebreak: fc.constantFrom(undefined, ...ORDERS),
  });
}

export function reportArbitrary(pools: Pools): fc.Arbitrary<AgedReport> {
  return fc.record(
    {
      player: fc.constantFrom(...pools.players),
      score: pools.scores,
      // Few values, so equal subscores come up as often as different ones.
      subscore: fc.constantFrom(-1, 0, 0.5, 2),
      age: fc.integer(pools.ages),
      team: fc.constantFrom(...pools.teams),
    },
    { requiredKeys: ["player", "score", "age"] },
  );
}

/** The shared operations, weighted; `more` are a test's own, drawn as often as their weights say. */
export function operationArbitrary<More = never>(
  pools: Pools,
  ...more: fc.WeightedArbitrary<More>[]
): fc.Arbitrary<Operation | More> {
  const player = fc.constantFrom(...pools.players);
  const reports = fc.array(reportArbitrary(pools), { minLength: 1, maxLength: pools.batch });
  return fc.oneof<fc.WeightedArbitrary<Operation | More>[]>(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("report" as const), reports }) },
    ...more,
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), player }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("reconfigure" as const), rules: rulesArbitrary(pools) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: pools.advance }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("reload" as const) }) },
  );
}

/** The board under test, the model it must agree with, and the clock. */
export interface Run {
  board: Ranking;
  readonly model: NaiveRanking;
  now: number;
}

/** What a test adds to the shared steps. */
export interface Hooks {
  /** The board rebuilt from `run.board`'s state, as the test's object rebuilds it. */
  reload(run: Run): Ranking;
  /** After a batch, with whether the model accepted it (the board then applied it at `run.now`). */
  reported?(accepted: boolean): void;
  /** After a player was removed. */
  removed?(player: string): void;
}

/** Applies one operation to the board and the model, expecting them to agree on whether it changed anything. */
export function step(run: Run, op: Operation, hooks: Hooks): void {
  const { model } = run;
  switch (op.kind) {
    case "report": {
      const reports = op.reports.map(({ age, ...r }) => ({ ...r, ts: run.now - age }));
      let planned: ReturnType<Ranking["plan"]> | undefined;
      try {
        planned = run.board.plan(reports);
      } catch {
        planned = undefined;
      }
      const accepted = model.report(reports);
      expect(planned !== undefined).toBe(accepted);
      if (planned) run.board.apply(planned, run.now);
      hooks.reported?.(accepted);
      break;
    }
    case "remove":
      expect(run.board.remove(op.player)).toBe(model.states.delete(op.player));
      hooks.removed?.(op.player);
      break;
    case "reconfigure": {
      // The aggregate and the tiebreak change only while the board is empty, as the service allows.
      const empty = model.states.size === 0;
      const next = {
        ...op.rules,
        aggregate: empty ? op.rules.aggregate : model.rules.aggregate,
        tiebreak: empty ? op.rules.tiebreak : model.rules.tiebreak,
      };
      run.board.reconfigure(next, run.now);
      model.rules = next;
      break;
    }
    case "advance":
      run.now += op.ms;
      break;
    case "reload":
      run.board = hooks.reload(run);
      break;
  }
}
