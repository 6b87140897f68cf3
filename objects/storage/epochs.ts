import type { MetaTable } from "./meta";

/** Stale rows dropped per release step: a step is one short transaction. */
const RELEASE_ROWS = 5000;

/**
 * The epoch of a table whose rows are keyed by (epoch, player), one epoch a
 * season: a close advances it (`retire`, O(1), in the close's transaction),
 * so the closed season's rows stay readable while its standings are archived,
 * then go in release steps.
 */
export class Epochs {
  private current: number;
  /** Whether rows of older epochs remain to be released. */
  private stale: boolean;

  /** `table`: the table keyed by epoch; `key`: where the meta table keeps the epoch. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: MetaTable,
    private readonly table: string,
    private readonly key: string,
    exists: boolean,
  ) {
    this.current = meta.read<number>(key) ?? 0;
    this.stale = exists && this.holds("epoch < ?", this.current);
  }

  /** The open season's epoch. */
  get epoch(): number {
    return this.current;
  }

  /** Whether the table holds a row of `epoch`. */
  holdsRowsOf(epoch: number): boolean {
    return this.holds("epoch = ?", epoch);
  }

  /** Rows of older epochs remain elsewhere too (in memory, written behind): they are to be released. */
  markStale(): void {
    this.stale = true;
  }

  /** A season closed: the next epoch opens; `left`: whether the closed one left rows to release. */
  retire(left: boolean): void {
    this.current++;
    this.meta.write(this.key, this.current);
    this.stale ||= left;
  }

  /** Whether rows of closed seasons remain (see `releaseStep`). */
  get retaining(): boolean {
    return this.stale;
  }

  /** Drops some rows of closed seasons (their standings are archived); true while more remain. */
  releaseStep(): boolean {
    if (!this.stale) return false;
    const { rowsWritten } = this.sql.exec(
      `DELETE FROM ${this.table} WHERE epoch < ?1 AND (epoch, player) IN
         (SELECT epoch, player FROM ${this.table} WHERE epoch < ?1 LIMIT ?2)`,
      this.current,
      RELEASE_ROWS,
    );
    this.stale = rowsWritten >= RELEASE_ROWS;
    return this.stale;
  }

  private holds(where: string, epoch: number): boolean {
    return this.sql.exec(`SELECT 1 FROM ${this.table} WHERE ${where} LIMIT 1`, epoch).toArray().length > 0;
  }
}
