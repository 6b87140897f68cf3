import type { Aggregate, PlayerState, Report } from "../../engine/rules";

/**
 * What a batch does to its players' meta: each changed player keeps the meta
 * of the report that set its new state, the one whose ts the state shows
 * (and, but under `sum`, whose score). Among equal reports, under `last` and
 * `sum` the later in the batch wins (it applied after the other); under `max`
 * and `min` the earlier (an equal score does not replace the best). Read from
 * the plan's states, so the engine's rules decide alone. A report that sets
 * the state without meta clears it (null); players whose state no report of
 * the batch set (a team change alone) keep theirs.
 */
export function metaChanges(
  aggregate: Aggregate,
  states: readonly PlayerState[],
  reports: readonly Report[],
  /** Each report's meta as JSON, by position. */
  metas: readonly (string | undefined)[],
): Map<string, string | null> {
  const changed = new Map<string, PlayerState>();
  for (const state of states) changed.set(state.player, state);
  const laterWins = aggregate === "last" || aggregate === "sum";
  const changes = new Map<string, string | null>();
  for (const [index, { player, score, ts }] of reports.entries()) {
    const state = changed.get(player);
    if (state === undefined || state.ts !== ts || (aggregate !== "sum" && state.score !== score)) continue;
    if (!laterWins && changes.has(player)) continue;
    changes.set(player, metas[index] ?? null);
  }
  return changes;
}
