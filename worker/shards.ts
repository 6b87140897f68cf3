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
import type { Accepted, ScoreReport } from "../protocol/reports";
import { groupsOf, type MatchResult, type PlayerEvent } from "../protocol/results";
import { shardName, shardOf } from "../protocol/shards";

/**
 * Sharded games this isolate has written to, with their shard counts; a game
 * absent from it is written to its own object, which answers shards_changed
 * (with the count) if the game is sharded. Counts change only while a board
 * is empty, and a shard refuses a write routed by another count, so a stale
 * entry costs one more round trip, never a misplaced player.
 */
const counts = new Map<string, number>();
const COUNTS_KEPT = 10_000;
/** Rounds of routing again after shards_changed (a count that changes twice during one write is given up on). */
const ROUTES = 3;

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
}

export const REPORTS: BatchKind<ScoreReport> = {
  what: "reports",
  playersOf: (r) => [r.player],
  board: async (env, game, items) => await env.BOARD.getByName(game).applyReports(game, items),
  shard: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).applyReports(game, placement, items),
};

export const RESULTS: BatchKind<MatchResult> = {
  what: "results",
  playersOf: (r) => groupsOf(r).flat(),
  board: async (env, game, items) => await env.BOARD.getByName(game).applyResults(game, items),
  shard: async (env, game, placement, items) =>
    await env.SHARD.getByName(shardName(game, placement.index)).applyResults(game, placement, items),
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
  let shards = counts.get(game) ?? 1;
  let pending = items.map((_, position) => position);
  const answered: { part: Part; outcome: Outcome<Applied> }[] = [];
  for (let round = 0; round < ROUTES && pending.length > 0; round++) {
    const parts = partsOf(game, items, pending, shards, kind);
    const outcomes = await Promise.all(
      parts.map(({ shard, positions }) => {
        const batch = positions.map((p) => items[p]);
        return shard === undefined
          ? kind.board(env, game, batch)
          : kind.shard(env, game, { index: shard, shards }, batch);
      }),
    );
    pending = [];
    let moved: number | undefined;
    outcomes.forEach((outcome, k) => {
      if (outcome.ok || outcome.error.shards === undefined) answered.push({ part: parts[k], outcome });
      else {
        pending.push(...parts[k].positions);
        // The game's own object knows its count; a shard may only know it is not one any more.
        if (parts[k].shard === undefined) moved = outcome.error.shards;
      }
    });
    if (pending.length === 0) break;
    shards = moved ?? (await env.BOARD.getByName(game).shards());
    remember(game, shards);
    // A result routed again goes to each of its shards again: only the ones that moved it are asked.
    pending = [...new Set(pending)];
  }
  if (pending.length > 0) {
    answered.push({ part: { shard: undefined, positions: pending }, outcome: refused(shardsChanged(shards)) });
  }
  return combine(answered, items.length, kind.what);
}

function remember(game: string, shards: number): void {
  counts.delete(game);
  if (shards === 1) return;
  if (counts.size >= COUNTS_KEPT) counts.delete(counts.keys().next().value as string);
  counts.set(game, shards);
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
      const violation = error.code === "score_out_of_bounds" ? why.get(index) : undefined;
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

/** A part's refusal with the items it names placed in the whole batch. */
function inBatch(error: ApiError, part: Part): ApiError {
  if (error.code !== "score_out_of_bounds" || error.details === undefined) return error;
  const details = (error.details as BoundsDetail[]).map((d) => ({ ...d, index: part.positions[d.index] }));
  return { ...error, details };
}
