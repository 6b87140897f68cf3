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

/** Reports of one batch sent to one object, by their positions in the batch. */
interface Part {
  /** The shard, or undefined for the game's own object. */
  shard: number | undefined;
  positions: number[];
}

/**
 * Applies a game's batch where its players are: on the game's own object,
 * or each shard's part on that shard, all at once (nothing serializes a
 * sharded game's writes). Each part is atomic and durable when answered.
 * When some parts are refused, the answer is the refusal naming every report
 * of theirs (`{index, applied: false, code}`) and how many the others applied
 * (`applied`), so the batch resent with ids applies exactly once.
 */
export async function applyReports(env: Env, game: string, reports: ScoreReport[]): Promise<Outcome<Accepted>> {
  let shards = counts.get(game) ?? 1;
  let pending = reports.map((_, position) => position);
  const answered: { part: Part; outcome: Outcome<Accepted> }[] = [];
  for (let round = 0; round < ROUTES && pending.length > 0; round++) {
    const parts = partsOf(game, reports, pending, shards);
    const outcomes = await Promise.all(parts.map((part) => send(env, game, shards, part, reports)));
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
  }
  if (pending.length > 0)
    answered.push({ part: { shard: undefined, positions: pending }, outcome: refused(shardsChanged(shards)) });
  return combine(answered, reports.length);
}

function remember(game: string, shards: number): void {
  counts.delete(game);
  if (shards === 1) return;
  if (counts.size >= COUNTS_KEPT) counts.delete(counts.keys().next().value as string);
  counts.set(game, shards);
}

function partsOf(game: string, reports: ScoreReport[], positions: number[], shards: number): Part[] {
  if (shards === 1) return [{ shard: undefined, positions }];
  const parts = new Map<number, number[]>();
  for (const position of positions) {
    const shard = shardOf(game, reports[position].player, shards);
    const part = parts.get(shard);
    if (part === undefined) parts.set(shard, [position]);
    else part.push(position);
  }
  return [...parts].map(([shard, positions]) => ({ shard, positions }));
}

async function send(
  env: Env,
  game: string,
  shards: number,
  { shard, positions }: Part,
  reports: ScoreReport[],
): Promise<Outcome<Accepted>> {
  const batch = positions.map((p) => reports[p]);
  if (shard === undefined) return await env.BOARD.getByName(game).applyReports(game, batch);
  return await env.SHARD.getByName(shardName(game, shard)).applyReports(game, { index: shard, shards }, batch);
}

/** One answer for the batch from its parts' answers; the reports they name are named by their place in the batch. */
function combine(answered: { part: Part; outcome: Outcome<Accepted> }[], total: number): Outcome<Accepted> {
  const refusals = answered.flatMap(({ part, outcome }) =>
    outcome.ok ? [] : [{ part, error: inBatch(outcome.error, part) }],
  );
  if (refusals.length === 0) {
    const sum = (key: keyof Accepted) =>
      answered.reduce((n, { outcome }) => n + (outcome.ok ? outcome.value[key] : 0), 0);
    return accepted({ accepted: sum("accepted"), duplicates: sum("duplicates") });
  }
  if (answered.length === 1) return refused(refusals[0].error);
  const first = refusals[0].error;
  const details: ReportOutcomeDetail[] = refusals
    .flatMap(({ part, error }) => {
      const why = new Map((error.details as BoundsDetail[] | undefined)?.map((d) => [d.index, d]) ?? []);
      return part.positions.map((index): ReportOutcomeDetail => {
        const violation = error.code === "score_out_of_bounds" ? why.get(index) : undefined;
        const detail: ReportOutcomeDetail = { index, applied: false, code: error.code };
        return violation === undefined ? detail : { ...detail, player: violation.player, reason: violation.reason };
      });
    })
    .sort((a, b) => a.index - b.index);
  const applied = total - details.length;
  const status = refusals.every((r) => r.error.status === first.status) ? first.status : 409;
  return refused({
    status,
    code: first.code,
    message: `${details.length} of ${total} reports were refused by their shards (${first.message}); the other ${applied} were applied`,
    details,
    applied,
  });
}

/** A part's refusal with the reports it names placed in the whole batch. */
function inBatch(error: ApiError, part: Part): ApiError {
  if (error.code !== "score_out_of_bounds" || error.details === undefined) return error;
  const details = (error.details as BoundsDetail[]).map((d) => ({ ...d, index: part.positions[d.index] }));
  return { ...error, details };
}
