import { sortStrings } from "../../engine/string-sort";

/** How a write-behind table keeps its rows: its log table, its rows as JSON tuples, and the table they end in. */
export interface WriteBehindStore<V> {
  /** The log table: `(id INTEGER PRIMARY KEY, body TEXT NOT NULL)`. */
  readonly log: string;
  /** A row as the log holds it, its key and value in a JSON tuple. */
  toTuple(key: string, value: V): unknown[];
  fromTuple(tuple: unknown[]): [key: string, value: V];
  /** What a row held in memory weighs against the limits (rows of one size: 1, the default). */
  weigh?(value: V): number;
  /** Writes rows to the table (replacing any with the same key), in the caller's transaction. */
  write(tuples: unknown[][]): void;
  /** Deletes rows from the table by key, in the caller's transaction. */
  remove(keys: string[]): void;
  /**
   * For a table whose writes may be increments: `value` folded into what is
   * held before it (null: removed), over `under`: what is held flushing
   * beneath a pending row (undefined: the table's row alone). Without it a
   * value replaces what was held. A value with nothing held before it is
   * held as it is: reads lay it over what lies beneath. `write` then
   * receives folded values.
   */
  fold?(key: string, before: V | null, value: V, under: V | null | undefined): V;
}

/** A row's key in memory for tables keyed by epoch and player (epochs are digits: the first colon ends one). */
export const epochKey = (epoch: number, player: string): string => `${epoch}:${player}`;
export const epochOfKey = (key: string): number => Number(key.slice(0, key.indexOf(":")));
export const playerOfKey = (key: string): string => key.slice(key.indexOf(":") + 1);

/** When a write-behind table flushes: in rows, or in what its rows weigh (`WriteBehindStore.weigh`). */
export interface WriteBehindLimits {
  /** What pending rows weigh when they start a flush in the background. */
  flushAt: number;
  /** What rows in memory (pending and flushing) weigh past which each write also flushes about as many rows as it logs. */
  pendingLimit: number;
  /** Logged rows (repeats included) that start a flush, bounding the log a restart replays. */
  loggedLimit: number;
  /** Rows written to the table per flush step (one transaction, a few ms). */
  step: number;
  /**
   * What a step's rows may weigh at most: they go to SQLite as one JSON
   * parameter, and the platform refuses a value over 2 MB.
   */
  stepWeight?: number;
}

/** A log entry: rows as tuples, and removed keys. */
interface LogEntry {
  rows?: unknown[][];
  removed?: string[];
}

/**
 * How far a flush cut short got: of the log through `through`, every key up
 * to `to` (in sort order) is in the table. Marks written before flushes ran
 * in ascending order hold `from` instead: every key from it up is in the table.
 */
type FlushMark = { through: number; to: string } | { through: number; from: string };

/** The log row that holds the flush's mark: ids of entries start at 1. */
const MARK_ID = 0;

/**
 * Rows keyed by a string, written behind: updating a random thousand of a
 * million rows in place dirties ~1000 pages per batch (measured: 15-30 ms),
 * so a batch's changed rows are appended as one log row instead (one
 * sequential write, durable with the batch) and kept in memory as pending.
 * In the background, flush steps write pending rows to the table in key
 * order and drop the log once every row it held is in the table.
 *
 * Each flush step also records how far the flush got (the log's row 0), so
 * a replay after a crash skips the rows already in the table: log entries
 * may hold increments (see `WriteBehindStore.fold`), and each is applied to
 * the table exactly once. A removal is held as null until its flush. Reads
 * see pending, then flushing, then the table.
 */
export class WriteBehind<V> {
  /** Rows logged since the current flush began; null: removed. */
  private pending = new Map<string, V | null>();
  /**
   * Rows of the flush in progress, logged at or before `flushingThrough`.
   * Those already written stay until the flush ends (see `flushedTo`):
   * deleting each from the map, and the map shrinking, cost 3% of workerd's
   * CPU in a 10^6 fill.
   */
  private flushing = new Map<string, V | null>();
  /** The last key the flush in progress wrote: rows of `flushing` up to it, in the flush's order, are in the table. */
  private flushedTo: string | undefined;
  /** What pending rows, and rows flushing, weigh (see `WriteBehindStore.weigh`). */
  private pendingWeight = 0;
  private flushingWeight = 0;
  /** Keys of the flush in progress still to write, the next one last. */
  private flushOrder: string[] = [];
  /** Whether the flush in progress runs down from the highest key (one resumed from an old mark). */
  private flushingDown = false;
  private flushingThrough = 0;
  private lastLogId = 0;
  private logged = 0;
  /** Rows written to the table since this object started: what a write past the limit pays against. */
  private flushedRows = 0;

  /**
   * Replays the log; `exists`: whether the object's tables were ever created.
   * A flush cut short resumes where it stopped: the rows it had yet to write
   * go back to flushing, under the same mark, so a new flush never marks
   * over log rows the old one half wrote.
   */
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: WriteBehindStore<V>,
    private limits: WriteBehindLimits,
    exists: boolean,
  ) {
    if (!exists) return;
    let mark: FlushMark | undefined;
    for (const { id, body } of sql.exec<{ id: number; body: string }>(
      `SELECT id, body FROM ${store.log} ORDER BY id`,
    )) {
      if (id === MARK_ID) {
        mark = JSON.parse(body) as FlushMark;
        continue;
      }
      const entry = JSON.parse(body) as LogEntry;
      // Ids ascend: every row of the flush cut short replays before any logged after it.
      const cutShort = mark !== undefined && id <= mark.through;
      const flushed = (key: string) => cutShort && inTable(mark as FlushMark, key);
      for (const tuple of entry.rows ?? []) {
        const [key, value] = store.fromTuple(tuple);
        if (!flushed(key)) this.hold(key, value, cutShort);
      }
      for (const key of entry.removed ?? []) if (!flushed(key)) this.hold(key, null, cutShort);
      if (!cutShort) this.logged += entry.rows?.length ?? 0;
      this.lastLogId = id;
    }
    if (mark !== undefined) {
      this.flushingThrough = mark.through;
      this.flushingDown = "from" in mark;
      this.flushOrder = this.order(this.flushing.keys());
    }
  }

  /** The row held in memory for `key`: a value, null when removed, undefined when the table has the answer. */
  held(key: string): V | null | undefined {
    const row = this.pending.get(key);
    return row !== undefined ? row : this.flushingRow(key);
  }

  /** The row pending for `key`, and the one flushing under it (see `held`). */
  layers(key: string): [pending: V | null | undefined, flushing: V | null | undefined] {
    return [this.pending.get(key), this.flushingRow(key)];
  }

  /** The row of the flush in progress for `key` not yet in the table. */
  private flushingRow(key: string): V | null | undefined {
    const row = this.flushing.get(key);
    return row === undefined || this.written(key) ? undefined : row;
  }

  /** Whether the flush in progress has written `key`'s row to the table. */
  private written(key: string): boolean {
    const to = this.flushedTo;
    return to !== undefined && (this.flushingDown ? key >= to : key <= to);
  }

  /** Every row held in memory, pending and flushing (a key can come twice), removals left out. */
  *heldRows(): IterableIterator<[key: string, value: V]> {
    for (const [key, value] of this.pending) if (value !== null) yield [key, value];
    for (const [key, value] of this.flushing) if (value !== null && !this.written(key)) yield [key, value];
  }

  /** Whether any row held in memory (not removed) passes `test`. */
  holdsAny(test: (key: string) => boolean): boolean {
    for (const [key] of this.heldRows()) if (test(key)) return true;
    return false;
  }

  /**
   * Logs whole rows and removals (null), at most one per key (a map, or
   * entries of distinct keys); call inside the batch's transaction, as its
   * last write: memory follows once the log row is written.
   */
  write(rows: ReadonlyMap<string, V | null> | readonly (readonly [string, V | null])[]): void {
    const count = "size" in rows ? rows.size : rows.length;
    if (count === 0) return;
    const tuples: unknown[][] = [];
    const removed: string[] = [];
    for (const [key, value] of rows) {
      if (value === null) removed.push(key);
      else tuples.push(this.store.toTuple(key, value));
    }
    const entry: LogEntry = {};
    if (tuples.length > 0) entry.rows = tuples;
    if (removed.length > 0) entry.removed = removed;
    this.lastLogId++;
    this.sql.exec(`INSERT INTO ${this.store.log} (id, body) VALUES (?, ?)`, this.lastLogId, JSON.stringify(entry));
    for (const [key, value] of rows) this.hold(key, value);
    this.logged += count;
    // Past the limit a write pays for its own rows, a step or two, never for the whole flush (0.5-1 s at 10^5 rows).
    if (this.pendingWeight + this.flushingWeight > this.limits.pendingLimit) {
      const owed = this.flushedRows + count;
      while (this.flushedRows < owed && this.flushStep());
    }
  }

  /** Goes by `limits` from the next write or step on; rows already held stay held. */
  resize(limits: WriteBehindLimits): void {
    this.limits = limits;
  }

  /** Whether any row is held in memory or logged ahead of the table (a flush would write or drop something). */
  get holding(): boolean {
    return this.pending.size > 0 || this.flushOrder.length > 0 || this.logged > 0;
  }

  /** Whether flush steps are waiting to run. */
  get flushDue(): boolean {
    return (
      this.flushOrder.length > 0 || this.pendingWeight >= this.limits.flushAt || this.logged >= this.limits.loggedLimit
    );
  }

  /**
   * Writes up to a step of rows of the flush in progress (starting one from
   * the pending rows if none is), in the caller's transaction; when the flush's
   * last row is written, drops the log it covered. True while more remains.
   */
  flushStep(): boolean {
    if (this.flushOrder.length === 0) {
      if (this.pending.size === 0 && this.logged === 0) return false;
      this.flushing = this.pending;
      this.flushingWeight = this.pendingWeight;
      this.pending = new Map();
      this.pendingWeight = 0;
      this.flushingDown = false;
      this.flushedTo = undefined;
      this.flushOrder = this.order(this.flushing.keys());
      this.flushingThrough = this.lastLogId;
      this.logged = 0;
    }
    const tuples: unknown[][] = [];
    const removed: string[] = [];
    const written: string[] = [];
    const { step, stepWeight = Number.POSITIVE_INFINITY } = this.limits;
    let weight = 0;
    while (written.length < step && weight < stepWeight && this.flushOrder.length > 0) {
      const key = this.flushOrder.pop() as string;
      const value = this.flushing.get(key);
      if (value === undefined) continue;
      if (value === null) removed.push(key);
      else tuples.push(this.store.toTuple(key, value));
      weight += this.weight(value);
      written.push(key);
    }
    if (tuples.length > 0) this.store.write(tuples);
    if (removed.length > 0) this.store.remove(removed);
    // Only once the rows are in the table: a failed step leaves them to be read from memory.
    if (written.length > 0) this.flushedTo = written[written.length - 1];
    this.flushingWeight -= weight;
    this.flushedRows += written.length;
    if (this.flushOrder.length > 0) {
      const last = written[written.length - 1] ?? "";
      const through = this.flushingThrough;
      const mark: FlushMark = this.flushingDown ? { through, from: last } : { through, to: last };
      if (written.length > 0)
        this.sql.exec(
          `INSERT OR REPLACE INTO ${this.store.log} (id, body) VALUES (?, ?)`,
          MARK_ID,
          JSON.stringify(mark),
        );
      return true;
    }
    this.sql.exec(`DELETE FROM ${this.store.log} WHERE id <= ?`, this.flushingThrough);
    this.flushing = new Map();
    this.flushedTo = undefined;
    return this.pendingWeight >= this.limits.flushAt;
  }

  /** Holds a row as pending (or, replaying a flush cut short, as flushing), its weight in place of the one it replaces. */
  private hold(key: string, value: V | null, flushing = false): void {
    const rows = flushing ? this.flushing : this.pending;
    const before = rows.get(key);
    const held =
      value === null || before === undefined || this.store.fold === undefined
        ? value
        : this.store.fold(key, before, value, flushing ? undefined : this.flushingRow(key));
    rows.set(key, held);
    const weight = this.weight(held) - (before === undefined ? 0 : this.weight(before));
    if (flushing) this.flushingWeight += weight;
    else this.pendingWeight += weight;
  }

  /**
   * Keys in the order a flush pops them: ascending, so rows new to the table
   * land where B-tree pages fill whole (the other way round they split half
   * full: a third more pages, measured at 10^6 rows); descending to resume an old mark.
   */
  private order(keys: Iterable<string>): string[] {
    const sorted = sortStrings([...keys]);
    return this.flushingDown ? sorted : sorted.reverse();
  }

  private weight(value: V | null): number {
    return value === null || this.store.weigh === undefined ? 1 : this.store.weigh(value);
  }
}

/** Whether a flush cut short at `mark` had written `key`'s row. */
function inTable(mark: FlushMark, key: string): boolean {
  return "to" in mark ? key <= mark.to : key >= mark.from;
}
