import { Epochs } from "./epochs";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";
import { epochKey, epochOfKey, playerOfKey, WriteBehind, type WriteBehindLimits } from "./write-behind";

/** A player's part in the open season: when it joined (null: never), and its accepted reports. */
/** A player's join to the open season: when (null: never), and whether it still holds a place. */
export interface JoinRow {
  joinedAt: number | null;
  /** Joined but not on the board yet: it holds a place against maxPlayers. */
  pending: boolean;
}

/** Join rows (small): flushed from 10,000 pending, at most 50,000 in memory. */
const LIMITS: WriteBehindLimits = { flushAt: 10_000, pendingLimit: 50_000, loggedLimit: 200_000, step: 2000 };

type Row = { player: string; joined_at: number | null; pending: number };

const NOBODY: JoinRow = { joinedAt: null, pending: false };

/**
 * Joins per player for the open season, in the object's SQLite (attempts
 * are counted with the stats, which each batch writes anyway: the table's
 * `attempts` column stays 0). Rows are written behind (see `WriteBehind`): a
 * batch's changes are one `competitors_log` row, flushed to `competitors` in
 * the background. A restart flushes what the log holds before it counts the
 * places joins hold.
 * Rows are keyed by epoch, which a season close advances (`retire`, in the
 * close's transaction): the new season starts with nobody joined and no
 * attempts, and the old rows go in release steps. Only games that make
 * players join read or write here per batch.
 */
export class CompetitorsTable {
  private readonly epochs: Epochs;
  /** Players joined and not on the board, which hold places against maxPlayers. */
  private waiting: number;
  private readonly rows: WriteBehind<JoinRow>;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    meta: MetaTable,
    transaction: <T>(work: () => T) => T,
  ) {
    this.epochs = new Epochs(sql, meta, "competitors", "competitorEpoch", schema.exists);
    this.rows = new WriteBehind(
      sql,
      {
        log: "competitors_log",
        toTuple: (key, row) => [epochOfKey(key), playerOfKey(key), row.joinedAt, row.pending ? 1 : 0],
        fromTuple: ([epoch, player, joinedAt, pending]) => [
          epochKey(epoch as number, player as string),
          { joinedAt: joinedAt as number | null, pending: pending === 1 },
        ],
        // Once a closed season's rows are released, its rows still in memory are dropped, not written back.
        write: (tuples) =>
          sql.exec(
            `INSERT OR REPLACE INTO competitors (epoch, player, joined_at, pending)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(jsonb(?1)) WHERE value ->> 0 >= ?2`,
            JSON.stringify(tuples),
            this.epochs.retaining ? 0 : this.epoch,
          ),
        remove: (keys) =>
          sql.exec(
            "DELETE FROM competitors WHERE (epoch, player) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
            JSON.stringify(keys.map((key) => [epochOfKey(key), playerOfKey(key)])),
          ),
      },
      LIMITS,
      schema.exists,
    );
    if (this.rows.holdsAny((key) => epochOfKey(key) < this.epoch)) this.epochs.markStale();
    // Everything, not only the flush a restart resumes: the places joins hold are counted from the table.
    if (schema.exists) while (transaction(() => this.rows.flushStep()) || this.rows.holding);
    this.waiting = schema.exists ? this.count("epoch = ? AND pending = 1") : 0;
  }

  /** The open season's epoch: attempts counted in another are none this season. */
  get season(): number {
    return this.epoch;
  }

  /** Players joined this season who are not on the board yet. */
  get pending(): number {
    return this.waiting;
  }

  /** These players' rows this season (players without one are absent). */
  many(players: readonly string[]): Map<string, JoinRow> {
    const found = new Map<string, JoinRow>();
    if (players.length === 0 || !this.schema.exists) return found;
    const stored: string[] = [];
    for (const player of players) {
      const row = this.rows.held(epochKey(this.epoch, player));
      if (row === undefined) stored.push(player);
      else if (row !== null) found.set(player, row);
    }
    if (stored.length === 0) return found;
    const rows = this.sql.exec<Row>(
      "SELECT player, joined_at, pending FROM competitors WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      this.epoch,
      JSON.stringify(stored),
    );
    for (const row of rows) {
      found.set(row.player, { joinedAt: row.joined_at, pending: row.pending === 1 });
    }
    return found;
  }

  /** Records a join at `at` (`pending`: the player is not on the board); call inside the join's transaction. */
  join(player: string, at: number, pending: boolean): void {
    const row = this.many([player]).get(player) ?? NOBODY;
    this.rows.write(new Map([[epochKey(this.epoch, player), { ...row, joinedAt: at, pending }]]));
    if (pending) this.waiting++;
  }

  /**
   * A batch applied: every player of `onBoard` (on the board now) stops
   * holding a place. `before`: their rows as read for the batch. Call inside
   * the batch's transaction.
   */
  settle(onBoard: readonly string[], before: ReadonlyMap<string, JoinRow>): void {
    const settled = new Map<string, JoinRow>();
    for (const player of onBoard) {
      const row = before.get(player);
      if (row?.pending === true) settled.set(epochKey(this.epoch, player), { ...row, pending: false });
    }
    this.rows.write(settled);
    this.waiting -= settled.size;
  }

  /** A joined player left the board (removed): it holds a place again. Call inside the removal's transaction. */
  unsettle(player: string): void {
    const row = this.many([player]).get(player);
    if (row === undefined || row.joinedAt === null || row.pending) return;
    this.rows.write(new Map([[epochKey(this.epoch, player), { ...row, pending: true }]]));
    this.waiting++;
  }

  /** A season closed: nobody has joined the next, nor used an attempt. Call inside the close's transaction. */
  retire(): void {
    this.epochs.retire(true);
    this.waiting = 0;
  }

  get retaining(): boolean {
    return this.epochs.retaining;
  }

  /** Drops some rows of closed seasons; true while more remain. */
  releaseStep(): boolean {
    return this.epochs.releaseStep();
  }

  /** Whether flush steps are waiting to run. */
  get flushDue(): boolean {
    return this.rows.flushDue;
  }

  /** One flush step in the caller's transaction (see `WriteBehind.flushStep`); true while more remains. */
  flushStep(): boolean {
    return this.rows.flushStep();
  }

  private get epoch(): number {
    return this.epochs.epoch;
  }

  private count(where: string): number {
    const row = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM competitors WHERE ${where}`, this.epoch).one();
    return row.n;
  }
}
