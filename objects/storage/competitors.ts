import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";

/** A player's part in the open season: when it joined (null: never), and its accepted reports. */
export interface Competitor {
  joinedAt: number | null;
  attempts: number;
  /** Joined but not on the board yet: it holds a place against maxPlayers. */
  pending: boolean;
}

/** Stale rows dropped per release step: a step is one short transaction. */
const RELEASE_ROWS = 5000;

type Row = { player: string; joined_at: number | null; attempts: number; pending: number };

/**
 * Joins and attempts per player for the open season, in the object's SQLite.
 * Rows are keyed by epoch, which a season close advances (`retire`, in the
 * close's transaction): the new season starts with nobody joined and no
 * attempts, and the old rows go in release steps. Only games that gate
 * reports (join, maxAttempts) read or write here per batch: one statement
 * each way, the players as one JSON parameter.
 */
export class CompetitorsTable {
  private epoch: number;
  /** Players joined and not on the board, which hold places against maxPlayers. */
  private waiting: number;
  private stale: boolean;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    private readonly meta: MetaTable,
  ) {
    this.epoch = meta.read<number>("competitorEpoch") ?? 0;
    this.waiting = schema.exists ? this.count("epoch = ? AND pending = 1") : 0;
    this.stale = schema.exists && this.count("epoch < ?") > 0;
  }

  /** Players joined this season who are not on the board yet. */
  get pending(): number {
    return this.waiting;
  }

  /** These players' rows this season (players without one are absent). */
  many(players: readonly string[]): Map<string, Competitor> {
    const found = new Map<string, Competitor>();
    if (players.length === 0 || !this.schema.exists) return found;
    const rows = this.sql.exec<Row>(
      "SELECT player, joined_at, attempts, pending FROM competitors WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      this.epoch,
      JSON.stringify(players),
    );
    for (const row of rows) {
      found.set(row.player, { joinedAt: row.joined_at, attempts: row.attempts, pending: row.pending === 1 });
    }
    return found;
  }

  /** Records a join at `at` (`pending`: the player is not on the board); call inside the join's transaction. */
  join(player: string, at: number, pending: boolean): void {
    this.sql.exec(
      `INSERT INTO competitors (epoch, player, joined_at, pending) VALUES (?, ?, ?, ?)
       ON CONFLICT (epoch, player) DO UPDATE SET joined_at = excluded.joined_at, pending = excluded.pending`,
      this.epoch,
      player,
      at,
      pending ? 1 : 0,
    );
    if (pending) this.waiting++;
  }

  /**
   * A batch applied: each player's accepted reports add to its attempts, and
   * every player of `onBoard` (on the board now) stops waiting. `before`:
   * their rows as read for the batch. Call inside the batch's transaction.
   */
  record(
    attempts: ReadonlyMap<string, number>,
    onBoard: readonly string[],
    before: ReadonlyMap<string, Competitor>,
  ): void {
    if (attempts.size > 0) {
      this.sql.exec(
        `INSERT INTO competitors (epoch, player, attempts) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?) WHERE true
         ON CONFLICT (epoch, player) DO UPDATE SET attempts = attempts + excluded.attempts`,
        this.epoch,
        JSON.stringify([...attempts]),
      );
    }
    const settled = onBoard.filter((player) => before.get(player)?.pending === true);
    if (settled.length === 0) return;
    this.sql.exec(
      "UPDATE competitors SET pending = 0 WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      this.epoch,
      JSON.stringify(settled),
    );
    this.waiting -= settled.length;
  }

  /** A joined player left the board (removed): it holds a place again. Call inside the removal's transaction. */
  unsettle(player: string): void {
    const { rowsWritten } = this.sql.exec(
      "UPDATE competitors SET pending = 1 WHERE epoch = ? AND player = ? AND joined_at IS NOT NULL AND pending = 0",
      this.epoch,
      player,
    );
    this.waiting += rowsWritten;
  }

  /** A season closed: nobody has joined the next, nor used an attempt. Call inside the close's transaction. */
  retire(): void {
    this.epoch++;
    this.meta.write("competitorEpoch", this.epoch);
    this.stale = true;
    this.waiting = 0;
  }

  get retaining(): boolean {
    return this.stale;
  }

  /** Drops some rows of closed seasons; true while more remain. */
  releaseStep(): boolean {
    if (!this.stale) return false;
    const { rowsWritten } = this.sql.exec(
      `DELETE FROM competitors WHERE epoch < ?1 AND (epoch, player) IN
         (SELECT epoch, player FROM competitors WHERE epoch < ?1 LIMIT ?2)`,
      this.epoch,
      RELEASE_ROWS,
    );
    this.stale = rowsWritten >= RELEASE_ROWS;
    return this.stale;
  }

  private count(where: string): number {
    const row = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM competitors WHERE ${where}`, this.epoch).one();
    return row.n;
  }
}
