import type { Applied } from "../objects/players/player-board";
import type { Placement } from "../objects/shards/game-shard";
import {
  type ApiError,
  accepted,
  type BoundsDetail,
  type Outcome,
  type ReportOutcomeDetail,
  refused,
  shardsChanged,
} from "../protocol/errors";
import { packReports } from "../protocol/packed-reports";
import type { Accepted, ScoreReport } from "../protocol/reports";
import { groupsOf, type MatchResult, type PlayerEvent } from "../protocol/results";
import { shardName, shardOf } from "../protocol/shards";
import { mergeGateRefusals } from "./gate-checks";

/**
 * Sharded games this isolate has written to, with their shard counts; a game
 * absent from it is written to its own object, which answers shards_changed
 * (with the count) if the game is sharded. Counts change only while a board
 * is empty, and a shard refuses a write routed by another count, so a stale
 * entry costs one more round trip, never a misplaced player.
 */
const routes = new Map<string, Route>();
const COUNTS_KEPT = 10_000;
/** Rounds of routing again after shards_changed (a count that changes twice during one write is given up on). */
const ROUTES = 3;

/**
 * How the Worker routes a game's batches: over how many shards, and whether
 * the game gates writes (opening hours, joins, attempts), when a batch over
 * several shards is checked on each first so a refusal applies nothing
 * anywhere, as on one object. A shard refuses a batch of a gated game that
 * was not checked (shards_changed with `gated`), so a stale entry costs a
 * round trip, never a batch applied in part.
 */
interface Route {
  shards: number;
  gated: boolean;
}

/** Items of one batch sent to one object, by their positions in the batch. */
interface Part {
  /** The shard, or undefined for the game's own object. */
  shard: number | undefined;
  positions: number[];
}

/** A kind of batch the Worker routes: whose shards each item goes to, and how each object takes its part. */
export interface BatchKind<T> {
  /** What the items are called in a message. */
  what: string;
  /** The players an item concerns; it goes to each of their shards. */
  playersOf(item: T): string[];
  board(env: Env, game: string, items: T[]): Promise<Outcome<Applied>>;
  shard(env: Env, game: string, placement: Placement, items: T[]): Promise<Outcome<Applied>>;
  /** A shard's part checked by the game's gates, nothing applied; absent: items no gate stops. */
  check?(env: Env, game: string, placement: Placement, items: T[]): Promise<ApiError | undefined>;
}

export const REPORTS: BatchKind<ScoreReport> = {
  what: "reports",
  playersOf: (r) => [r.player],
  board: async (env, game, items) => await env.BOARD.getByName(game).applyReports(game, packReports(items)),
  shard: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).applyReports(game, placement, packReports(items)),
  check: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).checkReports(game, placement, items),
};

export const RESULTS: BatchKind<MatchResult> = {
  what: "results",
  playersOf: (r) => groupsOf(r).flat(),
  board: async (env, game, items) => await env.BOARD.getByName(game).applyResults(game, items),
  shard: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).applyResults(game, placement, items),
  check: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).checkResults(game, placement, items),
};

export const EVENTS: BatchKind<PlayerEvent> = {
  what: "events",
  playersOf: (e) => [e.player],
  board: async (env, game, items) => await env.BOARD.getByName(game).applyEvents(game, items),
  shard: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).applyEvents(game, placement, items),
};

/**
 * Applies a game's batch where its players are: on the game's own object,
 * or each shard's part on that shard, all at once (nothing serializes a
 * sharded game's writes); a result goes to each shard holding one of its
 * players. Each part is atomic and durable when answered. When some parts
 * are refused, the answer is the refusal naming every item of theirs
 * (`{index, applied: false, code}`) and how many items the others applied
 * (`applied`), so the batch resent with ids applies exactly once.
 */
export async function applyBatch<T>(
  env: Env,
  game: string,
  items: T[],
  kind: BatchKind<T>,
): Promise<Outcome<Accepted>> {
  let route = routes.get(game) ?? { shards: 1, gated: false };
  let pending = items.map((_, position) => position);
  const answered: { part: Part; outcome: Outcome<Applied> }[] = [];
  for (let round = 0; round < ROUTES && pending.length > 0; round++) {
    const { shards } = route;
    const parts = partsOf(game, items, pending, shards, kind);
    const batchOf = ({ positions }: Part) => positions.map((p) => items[p]);
    let checked = parts.length === 1;
    if (!checked && route.gated && kind.check !== undefined) {
      const check = kind.check;
      const checks = await Promise.all(
        parts.map((part) => check(env, game, { index: part.shard as number, shards }, batchOf(part))),
      );
      const positions = parts.map((part) => part.positions);
      const gate = mergeGateRefusals(checks, positions, (index) => kind.playersOf(items[index]));
      if (gate !== undefined) {
        answered.push({ part: { shard: undefined, positions: pending }, outcome: refused(gate) });
        pending = [];
        break;
      }
      checked = checks.every((c) => c === undefined);
    }
    const outcomes = await Promise.all(
      parts.map((part) =>
        part.shard === undefined
          ? kind.board(env, game, batchOf(part))
          : kind.shard(env, game, { index: part.shard, shards, checked }, batchOf(part)),
      ),
    );
    pending = [];
    let moved: Route | undefined;
    outcomes.forEach((outcome, k) => {
      if (outcome.ok || outcome.error.shards === undefined) answered.push({ part: parts[k], outcome });
      else {
        pending.push(...parts[k].positions);
        // The game's own object knows its route; a shard knows whether the game is gated, or only that it moved.
        const { shards: count, gated } = outcome.error;
        if (gated !== undefined) moved = { shards: count, gated };
      }
    });
    if (pending.length === 0) break;
    route = moved ?? { shards: await env.BOARD.getByName(game).shards(), gated: route.gated };
    remember(game, route);
    // A result routed again goes to each of its shards again: only the ones that moved it are asked.
    pending = [...new Set(pending)];
  }
  if (pending.length > 0) {
    answered.push({ part: { shard: undefined, positions: pending }, outcome: refused(shardsChanged(route.shards)) });
  }
  return combine(answered, items.length, kind.what);
}

function remember(game: string, route: Route): void {
  routes.delete(game);
  if (route.shards === 1) return;
  if (routes.size >= COUNTS_KEPT) routes.delete(routes.keys().next().value as string);
  routes.set(game, route);
}

function partsOf<T>(game: string, items: T[], positions: number[], shards: number, kind: BatchKind<T>): Part[] {
  if (shards === 1) return [{ shard: undefined, positions }];
  const parts = new Map<number, number[]>();
  for (const position of positions) {
    for (const shard of new Set(kind.playersOf(items[position]).map((p) => shardOf(game, p, shards)))) {
      const part = parts.get(shard);
      if (part === undefined) parts.set(shard, [position]);
      else part.push(position);
    }
  }
  return [...parts].map(([shard, positions]) => ({ shard, positions }));
}

/** One answer for the batch from its parts' answers; the items they name are named by their place in the batch. */
function combine(
  answered: { part: Part; outcome: Outcome<Applied> }[],
  total: number,
  what: string,
): Outcome<Accepted> {
  const fresh = new Set<number>();
  const refusals: { part: Part; error: ApiError }[] = [];
  for (const { part, outcome } of answered) {
    if (outcome.ok) for (const f of outcome.value.fresh) fresh.add(part.positions[f]);
    else refusals.push({ part, error: inBatch(outcome.error, part) });
  }
  if (refusals.length === 0) return accepted({ accepted: fresh.size, duplicates: total - fresh.size });
  if (answered.length === 1) return refused(refusals[0].error);
  const first = refusals[0].error;
  const details = new Map<number, ReportOutcomeDetail>();
  for (const { part, error } of refusals) {
    const why = new Map((error.details as BoundsDetail[] | undefined)?.map((d) => [d.index, d]) ?? []);
    for (const index of part.positions) {
      const violation = NAMING.has(error.code) ? why.get(index) : undefined;
      const detail: ReportOutcomeDetail = { index, applied: false, code: error.code };
      details.set(
        index,
        violation === undefined ? detail : { ...detail, player: violation.player, reason: violation.reason },
      );
    }
  }
  const applied = total - details.size;
  const status = refusals.every((r) => r.error.status === first.status) ? first.status : 409;
  return refused({
    status,
    code: first.code,
    message: `${details.size} of ${total} ${what} were refused by their shards (${first.message}); the other ${applied} were applied`,
    details: [...details.values()].sort((a, b) => a.index - b.index),
    applied,
  });
}

/** Refusals whose details name items by their place in the batch, each with its player and why. */
const NAMING = new Set(["score_out_of_bounds", "not_joined", "attempts_exhausted"]);

/** A part's refusal with the items it names placed in the whole batch. */
function inBatch(error: ApiError, part: Part): ApiError {
  if (!NAMING.has(error.code) || error.details === undefined) return error;
  const details = (error.details as BoundsDetail[]).map((d) => ({ ...d, index: part.positions[d.index] }));
  return { ...error, details };
}
