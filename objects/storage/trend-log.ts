import type { Gain } from "../../engine/trending";
import type { ObjectSchema } from "./schema";

/**
 * The reports trending counts (player, ts, gain), one row per batch, so a
 * rebuild restores the hot streakers as they were. Each ts is stored as
 * counted: clamped to when the batch was applied. Rows older than twice the
 * long window are pruned.
 */
export class TrendLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  /** Call inside the batch's transaction, with the gains as the engine will count them. */
  append(gains: readonly Gain[], now: number): void {
    if (gains.length === 0) return;
    let newest = Number.NEGATIVE_INFINITY;
    const rows = gains.map(({ player, ts, gain }) => {
      const counted = Math.min(ts, now);
      newest = Math.max(newest, counted);
      return [player, counted, gain];
    });
    this.sql.exec("INSERT INTO trend_log (max_ts, gains) VALUES (?, ?)", newest, JSON.stringify(rows));
  }

  /** The gains of rows with a report at or after `since`. */
  *since(since: number): Generator<Gain[]> {
    if (!this.schema.exists) return;
    for (const { gains } of this.sql.exec<{ gains: string }>(
      "SELECT gains FROM trend_log WHERE max_ts >= ? ORDER BY seq",
      since,
    )) {
      yield (JSON.parse(gains) as [string, number, number][]).map(([player, ts, gain]) => ({ player, ts, gain }));
    }
  }

  prune(before: number): void {
    this.sql.exec("DELETE FROM trend_log WHERE max_ts < ?", before);
  }
}
