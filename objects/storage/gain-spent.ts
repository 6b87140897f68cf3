import { GAIN_BANK_SECONDS, type Spent } from "../../engine/gain-allowance";
import { insertRows } from "./insert-rows";
import type { ObjectSchema } from "./schema";

const SWEEP_LIMIT = 5000;

/**
 * Players' gain allowances as last charged (bounds.maxGainPerSecond), for
 * charges that left a player short of a full bank by more than the slack
 * (see GainAllowance): written with the batch that charged them, so neither
 * an eviction nor a kill gives a player back more than the slack. A row older
 * than the bank is full again whatever it held, so the sweep drops it.
 */
export class GainSpentTable {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  /** The charges recorded within the last bank (older ones are full again), to hand back after a restart. */
  recent(now: number): Map<string, Spent> {
    const found = new Map<string, Spent>();
    if (!this.schema.exists) return found;
    const rows = this.sql.exec<{ player: string; left: number; at: number }>(
      "SELECT player, left, at FROM gain_spent WHERE at >= ?",
      now - GAIN_BANK_SECONDS * 1000,
    );
    for (const { player, left, at } of rows) found.set(player, { left, at });
    return found;
  }

  /** Records the charges; call inside the batch's transaction. */
  write(charged: ReadonlyMap<string, Spent>): void {
    insertRows(
      this.sql,
      "INSERT OR REPLACE INTO gain_spent (player, left, at)",
      [...charged].map(([player, { left, at }]) => [player, left, at]),
    );
  }

  /** Drops rows whose allowance is full again, a bounded number per call; true if more remain. */
  sweep(now: number): boolean {
    const cursor = this.sql.exec(
      "DELETE FROM gain_spent WHERE player IN (SELECT player FROM gain_spent WHERE at < ? LIMIT ?)",
      now - GAIN_BANK_SECONDS * 1000,
      SWEEP_LIMIT,
    );
    return cursor.rowsWritten >= SWEEP_LIMIT;
  }
}
