import { GAIN_BANK_SECONDS, type Spent, type SpentStore } from "../../engine/gain-allowance";
import type { ObjectSchema } from "./schema";

/** SQLite in Durable Objects binds at most 100 parameters per statement. */
const ROWS_PER_STATEMENT = 33;
const SWEEP_LIMIT = 5000;

/**
 * Each player's gain allowance as last charged (bounds.maxGainPerSecond),
 * written with the batch that charged it, so neither an eviction nor a kill
 * gives a player back gain it has spent. A row older than the bank is full
 * again whatever it held, so the sweep drops it.
 */
export class GainSpentTable implements SpentStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  read(player: string): Spent | undefined {
    if (!this.schema.exists) return undefined;
    return this.sql
      .exec<{ left: number; at: number }>("SELECT left, at FROM gain_spent WHERE player = ?", player)
      .toArray()[0];
  }

  /** Records the charges; call inside the batch's transaction. */
  write(charged: ReadonlyMap<string, Spent>): void {
    const rows = [...charged];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      this.sql.exec(
        `INSERT OR REPLACE INTO gain_spent (player, left, at) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
        ...chunk.flatMap(([player, { left, at }]) => [player, left, at]),
      );
    }
  }

  /** Drops rows whose allowance is full again, a bounded number per call; true if more remain. */
  sweep(now: number): boolean {
    const cursor = this.sql.exec(
      "DELETE FROM gain_spent WHERE player IN (SELECT player FROM gain_spent WHERE at < ? ORDER BY at LIMIT ?)",
      now - GAIN_BANK_SECONDS * 1000,
      SWEEP_LIMIT,
    );
    return cursor.rowsWritten >= SWEEP_LIMIT;
  }
}
