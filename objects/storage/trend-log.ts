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

  /**
   * Call inside the batch's transaction, with the gains as the engine will
   * count them. Stored as three columns (players, times, gains), which encode
   * faster than an array per report.
   */
  append(gains: readonly Gain[], now: number): void {
    if (gains.length === 0) return;
    let newest = Number.NEGATIVE_INFINITY;
    const players: string[] = new Array(gains.length);
    const times: number[] = new Array(gains.length);
    const values: number[] = new Array(gains.length);
    for (let i = 0; i < gains.length; i++) {
      const { player, ts, gain } = gains[i];
      players[i] = player;
      times[i] = Math.min(ts, now);
      values[i] = gain;
      if (times[i] > newest) newest = times[i];
    }
    this.sql.exec(
      "INSERT INTO trend_log (max_ts, gains) VALUES (?, ?)",
      newest,
      JSON.stringify([players, times, values]),
    );
  }

  /** The gains of rows with a report at or after `since`. */
  *since(since: number): Generator<Gain[]> {
    if (!this.schema.exists) return;
    for (const { gains } of this.sql.exec<{ gains: string }>(
      "SELECT gains FROM trend_log WHERE max_ts >= ? ORDER BY seq",
      since,
    )) {
      const [players, times, values] = JSON.parse(gains) as [string[], number[], number[]];
      yield players.map((player, i) => ({ player, ts: times[i], gain: values[i] }));
    }
  }

  /** Forgets every gain (a season's close); call inside its transaction. */
  clear(): void {
    this.sql.exec("DELETE FROM trend_log");
  }

  prune(before: number): void {
    this.sql.exec("DELETE FROM trend_log WHERE max_ts < ?", before);
  }
}
