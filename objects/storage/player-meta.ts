import type { Meta } from "../../protocol/reports";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";

/** Where entries' meta comes from: the open board's, or a closed season's (anything alike in tests). */
export interface MetaSource {
  many(players: readonly string[]): Map<string, Meta>;
}

/** Stale rows dropped per release step: a step is one short transaction. */
const RELEASE_ROWS = 5000;

/**
 * Each player's meta (the JSON of the report that set its score) in the
 * object's SQLite, never in the ranked memory: reads fetch it for the entries
 * they show, a page in one statement (the players as one JSON parameter).
 * Rows are keyed by epoch, which a season close advances (`retire`, O(1)):
 * the closed board's standings still read the retired epoch while the new
 * season writes the next, and the retired rows go in release steps.
 */
export class PlayerMetaTable {
  private epoch: number;
  /** Whether the current epoch may hold rows: when not, reads skip the look-up. */
  private any: boolean;
  /** Whether rows of older epochs remain to be released. */
  private stale: boolean;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    private readonly meta: MetaTable,
  ) {
    this.epoch = meta.read<number>("metaEpoch") ?? 0;
    this.any = schema.exists && this.exists("epoch = ?");
    this.stale = schema.exists && this.exists("epoch < ?");
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

  /**
   * Sets (JSON) or clears (null) players' meta; call inside the batch's
   * transaction. One statement each way for the whole batch, its rows as one
   * JSON parameter, not one call into SQLite per row.
   */
  write(changes: ReadonlyMap<string, string | null>): void {
    const set: [string, string][] = [];
    const cleared: string[] = [];
    for (const [player, json] of changes) {
      if (json === null) cleared.push(player);
      else set.push([player, json]);
    }
    if (set.length > 0) {
      this.sql.exec(
        "INSERT OR REPLACE INTO player_meta (epoch, player, meta) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)",
        this.epoch,
        JSON.stringify(set),
      );
      this.any = true;
    }
    if (cleared.length > 0 && this.any) {
      this.sql.exec(
        "DELETE FROM player_meta WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
        this.epoch,
        JSON.stringify(cleared),
      );
    }
  }

  delete(player: string): void {
    if (this.any) this.sql.exec("DELETE FROM player_meta WHERE epoch = ? AND player = ?", this.epoch, player);
  }

  /** A season closed: the open board's meta becomes the retired board's. Call inside the close's transaction. */
  retire(): void {
    this.epoch++;
    this.meta.write("metaEpoch", this.epoch);
    this.stale ||= this.any;
    this.any = false;
  }

  /** Whether rows of a retired board remain (see `releaseStep`). */
  get retaining(): boolean {
    return this.stale;
  }

  /** Drops some rows of retired boards (their standings are archived); true while more remain. */
  releaseStep(): boolean {
    if (!this.stale) return false;
    const { rowsWritten } = this.sql.exec(
      `DELETE FROM player_meta WHERE epoch < ?1 AND (epoch, player) IN
         (SELECT epoch, player FROM player_meta WHERE epoch < ?1 LIMIT ?2)`,
      this.epoch,
      RELEASE_ROWS,
    );
    this.stale = rowsWritten >= RELEASE_ROWS;
    return this.stale;
  }

  private read(epoch: number, players: readonly string[]): Map<string, Meta> {
    const found = new Map<string, Meta>();
    if (players.length === 0 || !this.schema.exists) return found;
    const rows = this.sql.exec<{ player: string; meta: string }>(
      "SELECT player, meta FROM player_meta WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      epoch,
      JSON.stringify(players),
    );
    for (const { player, meta } of rows) found.set(player, JSON.parse(meta) as Meta);
    return found;
  }

  private exists(where: string): boolean {
    return this.sql.exec(`SELECT 1 FROM player_meta WHERE ${where} LIMIT 1`, this.epoch).toArray().length > 0;
  }
}
