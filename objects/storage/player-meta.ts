import type { Meta } from "../../protocol/reports";
import { Epochs } from "./epochs";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";
import { epochKey, epochOfKey, playerOfKey, WriteBehind, type WriteBehindLimits } from "./write-behind";

/** Where entries' meta comes from: the open board's, or a closed season's (anything alike in tests). */
export interface MetaSource {
  many(players: readonly string[]): Map<string, Meta>;
}

/**
 * Meta rows weigh their JSON plus what a row costs in memory besides (bytes,
 * roughly): flushed from 4 MB pending (20,000 rows of 100 B meta, 3,600 of
 * 1 KB), at most 8 MB in memory, a replay of at most 100,000 logged. A step
 * writes at most 900 KB of it: the step's parameter escapes each meta's JSON
 * again, at worst doubling it, and must stay under the platform's 2 MB.
 */
const LIMITS: WriteBehindLimits = {
  flushAt: 4_000_000,
  pendingLimit: 8_000_000,
  loggedLimit: 100_000,
  step: 2000,
  stepWeight: 900_000,
};
const ROW_BYTES = 100;

/**
 * Each player's meta (the JSON of the report that set its score) in the
 * object's SQLite, never in the ranked memory: reads fetch it for the entries
 * they show, a page in one statement (the players as one JSON parameter).
 * Rows are written behind (see `WriteBehind`): a batch's meta is one
 * `meta_log` row, flushed to `player_meta` in the background, as a thousand
 * rows updated in place would dirty a page each.
 * Rows are keyed by epoch, which a season close advances (`retire`, O(1)):
 * the closed board's standings still read the retired epoch while the new
 * season writes the next, and the retired rows go in release steps.
 */
export class PlayerMetaTable {
  private readonly epochs: Epochs;
  /** Whether the current epoch may hold rows: when not, reads skip the look-up. */
  private any: boolean;
  private readonly rows: WriteBehind<string>;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    meta: MetaTable,
  ) {
    this.epochs = new Epochs(sql, meta, "player_meta", "metaEpoch", schema.exists);
    this.rows = new WriteBehind(
      sql,
      {
        log: "meta_log",
        weigh: (json) => ROW_BYTES + json.length,
        toTuple: (key, json) => [epochOfKey(key), playerOfKey(key), json],
        fromTuple: ([epoch, player, json]) => [epochKey(epoch as number, player as string), json as string],
        // Once a retired board is released, its rows still in memory are dropped, not written back.
        write: (tuples) =>
          sql.exec(
            `INSERT OR REPLACE INTO player_meta (epoch, player, meta)
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM jsonb_each(jsonb(?1)) WHERE value ->> 0 >= ?2`,
            JSON.stringify(tuples),
            this.epochs.retaining ? 0 : this.epoch,
          ),
        remove: (keys) =>
          sql.exec(
            "DELETE FROM player_meta WHERE (epoch, player) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
            JSON.stringify(keys.map((key) => [epochOfKey(key), playerOfKey(key)])),
          ),
      },
      LIMITS,
      schema.exists,
    );
    const { epoch } = this;
    this.any = schema.exists && (this.epochs.holdsRowsOf(epoch) || this.rows.holdsAny((k) => epochOfKey(k) === epoch));
    if (this.rows.holdsAny((key) => epochOfKey(key) < epoch)) this.epochs.markStale();
  }

  /** Whether the open board's players may have meta (a batch without any then clears none). */
  get holdsAny(): boolean {
    return this.any;
  }

  /** The open board's meta. */
  many(players: readonly string[]): Map<string, Meta> {
    return this.any ? this.read(this.epoch, players) : new Map();
  }

  /** The meta of the board retired by the last close, while its standings are archived. */
  readonly retired: MetaSource = { many: (players) => this.read(this.epoch - 1, players) };

  /** Sets (JSON) or clears (null) players' meta: one log row; call inside the batch's transaction. */
  write(changes: ReadonlyMap<string, string | null>): void {
    const rows = new Map<string, string | null>();
    for (const [player, json] of changes) {
      if (json !== null || this.any) rows.set(epochKey(this.epoch, player), json);
      if (json !== null) this.any = true;
    }
    this.rows.write(rows);
  }

  delete(player: string): void {
    if (this.any) this.rows.write(new Map([[epochKey(this.epoch, player), null]]));
  }

  /** A season closed: the open board's meta becomes the retired board's. Call inside the close's transaction. */
  retire(): void {
    this.epochs.retire(this.any);
    this.any = false;
  }

  /** Whether rows of a retired board remain (see `releaseStep`). */
  get retaining(): boolean {
    return this.epochs.retaining;
  }

  /** Drops some rows of retired boards (their standings are archived); true while more remain. */
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

  private read(epoch: number, players: readonly string[]): Map<string, Meta> {
    const found = new Map<string, Meta>();
    if (players.length === 0 || !this.schema.exists) return found;
    const stored: string[] = [];
    for (const player of players) {
      const json = this.rows.held(epochKey(epoch, player));
      if (json === undefined) stored.push(player);
      else if (json !== null) found.set(player, JSON.parse(json) as Meta);
    }
    if (stored.length === 0) return found;
    const rows = this.sql.exec<{ player: string; meta: string }>(
      "SELECT player, meta FROM player_meta WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      epoch,
      JSON.stringify(stored),
    );
    for (const { player, meta } of rows) found.set(player, JSON.parse(meta) as Meta);
    return found;
  }

  private get epoch(): number {
    return this.epochs.epoch;
  }
}
