import { accepted, counterOverflow, type Outcome, refused, tooManyCounters } from "../protocol/errors";
import { MAX_COUNTERS, type PlayerEvent } from "../protocol/results";
import { newStats, type StoredStats } from "./storage/stats";

/**
 * Custom counters, in order: each grows by its increment, and each player
 * keeps at most MAX_COUNTERS. The new stats rows of the players `events`
 * change, or the refusal of the whole batch (a counter past the safe range,
 * or too many counters). Pure: nothing is written until the caller persists.
 */
export function planEvents(
  events: readonly PlayerEvent[],
  stored: ReadonlyMap<string, StoredStats>,
  now: number,
): Outcome<Map<string, StoredStats>> {
  const changed = new Map<string, StoredStats>();
  for (const event of events) {
    const stats = changed.get(event.player) ?? structuredClone(stored.get(event.player) ?? newStats(now));
    for (const [name, increment] of Object.entries(event.counters)) {
      const value = (stats.counters[name] ?? 0) + increment;
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return refused(counterOverflow(event.player, name));
      stats.counters[name] = value;
    }
    if (Object.keys(stats.counters).length > MAX_COUNTERS) return refused(tooManyCounters(event.player, MAX_COUNTERS));
    stats.lastSeen = Math.max(stats.lastSeen, now);
    changed.set(event.player, stats);
  }
  return accepted(changed);
}
