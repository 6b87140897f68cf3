// How a closed season's copy to D1 is paced: batch sizes by D1's measured
// pace, the pause the object is left to requests between batches, and the
// backoff after a failure (also used by a sharded close a shard failed to answer).

/** Parts of standings (STANDINGS_PART players each) in a season's first D1 batch; later ones follow `copyParts`. */
export const COPY_PARTS = 4;
const COPY_MAX_PARTS = 8;
/**
 * What one D1 batch of a copy should take. D1's writes can run beside the
 * object's own (under wrangler dev they share its thread), and a request
 * arriving meanwhile waits the whole batch: measured at 10^6 players, the
 * worst writes during a close each overlapped a 2000-player batch of 140 ms.
 */
const COPY_TARGET_MS = 40;
export const COPY_RETRY_MS = 1000;
export const COPY_RETRY_MAX_MS = 5 * 60 * 1000;
/** Between two batches of a copy, the object is left to requests at least this long... */
export const COPY_PAUSE_MS = 20;
/**
 * ...and for this many times as long as the last batch took: D1's writes
 * slow the object's own (measured at 10^6 players: the longest write 4x
 * longer while a close copied back to back), so a slower copy yields more.
 */
export const COPY_PACE = 2;
/**
 * Parts for the next D1 batch of a copy, after one of `parts` parts took
 * `took` ms: as many as fit COPY_TARGET_MS at that pace (at least one), at
 * most twice the current number, so that one fast batch does not make the
 * next one long.
 */
export function copyParts(current: number, took: number, parts: number): number {
  if (parts === 0) return current;
  const fit = Math.floor(COPY_TARGET_MS / Math.max(took / parts, 1));
  return Math.max(1, Math.min(fit, 2 * current, COPY_MAX_PARTS));
}
