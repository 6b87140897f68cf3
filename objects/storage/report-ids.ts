import { insertRows } from "./insert-rows";
import type { ObjectSchema } from "./schema";

/** How long an idempotency id is remembered. */
export const ID_RETENTION_MS = 24 * 60 * 60 * 1000;
/** SQLite in Durable Objects binds at most 100 parameters per statement. */
const IDS_PER_READ = 98;
const SWEEP_LIMIT = 5000;

/** A batch's items not seen before (see ReportIds.partition). */
export interface Fresh<T> {
  items: T[];
  /** Each fresh item's position in the batch as sent (a refusal names it). */
  positions: number[];
  newIds: string[];
}

/** Idempotency ids of accepted reports, with when each was first seen. */
export class ReportIds {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  /** The subset of `ids` already seen. */
  known(ids: readonly string[]): Set<string> {
    const known = new Set<string>();
    if (!this.schema.exists) return known;
    for (let i = 0; i < ids.length; i += IDS_PER_READ) {
      const chunk = ids.slice(i, i + IDS_PER_READ);
      const rows = this.sql.exec<{ id: string }>(
        `SELECT id FROM report_ids WHERE id IN (${new Array(chunk.length).fill("?").join(", ")})`,
        ...chunk,
      );
      for (const { id } of rows) known.add(id);
    }
    return known;
  }

  /**
   * Splits a batch by idempotency id: the items to apply (with no id, or the
   * first with an id neither stored nor earlier in the batch), each one's
   * position in `items`, and the ids to record with the batch.
   */
  partition<T>(items: readonly T[], idOf: (item: T) => string | undefined): Fresh<T> {
    const ids: string[] = [];
    for (const item of items) {
      const id = idOf(item);
      if (id !== undefined) ids.push(id);
    }
    const seen = ids.length > 0 ? this.known(ids) : new Set<string>();
    const fresh: Fresh<T> = { items: [], positions: [], newIds: [] };
    for (const [position, item] of items.entries()) {
      const id = idOf(item);
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
        fresh.newIds.push(id);
      }
      fresh.items.push(item);
      fresh.positions.push(position);
    }
    return fresh;
  }

  /** Records new ids; call inside the batch's transaction. */
  add(ids: readonly string[], at: number): void {
    insertRows(
      this.sql,
      "INSERT OR IGNORE INTO report_ids (id, at)",
      ids.map((id) => [id, at]),
    );
  }

  /** Forgets ids older than the retention, a bounded number per call; true if more remain. */
  sweep(now: number): boolean {
    const cursor = this.sql.exec(
      "DELETE FROM report_ids WHERE id IN (SELECT id FROM report_ids WHERE at < ? ORDER BY at LIMIT ?)",
      now - ID_RETENTION_MS,
      SWEEP_LIMIT,
    );
    return cursor.rowsWritten >= SWEEP_LIMIT;
  }
}
