import type { ObjectSchema } from "./schema";

export interface StoredStats {
  played: number;
  wins: number;
  losses: number;
  draws: number;
  streak: number;
  bestStreak: number;
  reports: number;
  best: number | null;
  firstSeen: number;
  lastSeen: number;
  counters: Record<string, number>;
  mu: number | null;
  sigma: number | null;
}

/** One player's share of a batch of score reports. */
export interface ReportCount {
  player: string;
  reports: number;
  /** The best score the batch gave the player, in the board's order; null when it changed nothing. */
  peak: number | null;
  first: number;
  last: number;
}

type Row = {
  player: string;
  played: number;
  wins: number;
  losses: number;
  draws: number;
  streak: number;
  best_streak: number;
  reports: number;
  best: number | null;
  first_seen: number;
  last_seen: number;
  counters: string;
  mu: number | null;
  sigma: number | null;
};

export const newStats = (at: number): StoredStats => ({
  played: 0,
  wins: 0,
  losses: 0,
  draws: 0,
  streak: 0,
  bestStreak: 0,
  reports: 0,
  best: null,
  firstSeen: at,
  lastSeen: at,
  counters: {},
  mu: null,
  sigma: null,
});

/** Pending rows that start a flush in the background. */
const FLUSH_AT = 10_000;
/**
 * Rows in memory (pending and a flush in progress) past which each write also
 * flushes about as many rows as it logs: the bound on what stats hold in memory.
 */
const PENDING_LIMIT = 100_000;
/** Logged rows (repeats included) that start a flush, bounding the log a restart replays. */
const LOGGED_LIMIT = 200_000;
/** Rows written to the table per flush step (one transaction, a few ms). */
const FLUSH_STEP = 2000;

/** A stats_log entry: whole rows in the table's column order, and removed players. */
interface LogEntry {
  rows?: unknown[][];
  removed?: string[];
}

/**
 * Every player's stats in the object's SQLite. Updating a random thousand of
 * a million rows in place dirties ~1000 pages per batch (measured: 15-30 ms),
 * so a batch's changed rows are appended as one `stats_log` row instead (one
 * sequential write, durable with the batch) and kept in memory as pending.
 * In the background, flush steps write pending rows to `stats` in key order
 * and drop the log once every row it held is in the table.
 *
 * Log entries hold whole rows, never increments, so replaying a log whose
 * rows were partly flushed before a crash writes the same rows again. Reads
 * see pending, then flushing, then the table.
 */
export class StatsTable {
  /** Rows logged since the current flush began. */
  private pending = new Map<string, StoredStats>();
  /** Rows of the flush in progress, not yet in the table; logged at or before `flushingThrough`. */
  private flushing = new Map<string, StoredStats>();
  private flushOrder: string[] = [];
  private flushingThrough = 0;
  private lastLogId = 0;
  private logged = 0;
  /** Rows written to the table since this object started: what a write past the limit pays against. */
  private flushedRows = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {
    if (!schema.exists) return;
    for (const { id, body } of sql.exec<{ id: number; body: string }>("SELECT id, body FROM stats_log ORDER BY id")) {
      const entry = JSON.parse(body) as LogEntry;
      for (const row of entry.rows ?? []) this.pending.set(row[0] as string, fromTuple(row));
      for (const player of entry.removed ?? []) this.pending.delete(player);
      this.logged += entry.rows?.length ?? 0;
      this.lastLogId = id;
    }
  }

  get(player: string): StoredStats | undefined {
    return this.many([player]).get(player);
  }

  /** The players' current rows. Shared with this table: clone one before changing it. */
  many(players: readonly string[]): Map<string, StoredStats> {
    const found = new Map<string, StoredStats>();
    if (!this.schema.exists || players.length === 0) return found;
    const stored: string[] = [];
    for (const player of players) {
      const row = this.pending.get(player) ?? this.flushing.get(player);
      if (row === undefined) stored.push(player);
      else found.set(player, row);
    }
    if (stored.length === 0) return found;
    for (const row of this.sql.exec<Row>(
      "SELECT * FROM stats WHERE player IN (SELECT value FROM json_each(?))",
      JSON.stringify(stored),
    )) {
      found.set(row.player, fromRow(row));
    }
    return found;
  }

  /** Adds a batch of reports to their players' counts; call as the batch transaction's last write. */
  countReports(counts: readonly ReportCount[], higherIsBetter: boolean): void {
    if (counts.length === 0) return;
    const current = this.many(counts.map((c) => c.player));
    const changed = new Map<string, StoredStats>();
    for (const { player, reports, peak, first, last } of counts) {
      const row = { ...(current.get(player) ?? newStats(first)) };
      row.reports += reports;
      if (peak !== null) {
        row.best = row.best === null ? peak : higherIsBetter ? Math.max(row.best, peak) : Math.min(row.best, peak);
      }
      row.firstSeen = Math.min(row.firstSeen, first);
      row.lastSeen = Math.max(row.lastSeen, last);
      changed.set(player, row);
    }
    this.write(changed);
  }

  /**
   * Logs whole rows (results, events, reports); call inside the batch's
   * transaction, as its last write: memory follows once the log row is written.
   */
  write(rows: ReadonlyMap<string, StoredStats>): void {
    if (rows.size === 0) return;
    const tuples = [...rows].map(([player, row]) => toTuple(player, row));
    this.append({ rows: tuples });
    for (const [player, row] of rows) this.pending.set(player, row);
    this.logged += rows.size;
    // Past the limit a write pays for its own rows, a step or two, never for the whole flush (0.5-1 s at 10^5 rows).
    if (this.pending.size + this.flushing.size > PENDING_LIMIT) {
      const owed = this.flushedRows + rows.size;
      while (this.flushedRows < owed && this.flushStep());
    }
  }

  delete(player: string): void {
    if (!this.schema.exists) return;
    this.sql.exec("DELETE FROM stats WHERE player = ?", player);
    this.pending.delete(player);
    this.flushing.delete(player);
    this.append({ removed: [player] });
  }

  /** Whether flush steps are waiting to run. */
  get flushDue(): boolean {
    return this.flushing.size > 0 || this.pending.size >= FLUSH_AT || this.logged >= LOGGED_LIMIT;
  }

  /**
   * Writes up to FLUSH_STEP rows of the flush in progress (starting one from
   * the pending rows if none is), in the caller's transaction; when the flush's
   * last row is written, drops the log it covered. True while more remains.
   */
  flushStep(): boolean {
    if (this.flushing.size === 0) {
      if (this.pending.size === 0 && this.logged === 0) return false;
      this.flushing = this.pending;
      this.pending = new Map();
      this.flushOrder = [...this.flushing.keys()].sort();
      this.flushingThrough = this.lastLogId;
      this.logged = 0;
    }
    const chunk: unknown[][] = [];
    const written: string[] = [];
    while (chunk.length < FLUSH_STEP && this.flushOrder.length > 0) {
      const player = this.flushOrder.pop() as string;
      const row = this.flushing.get(player);
      if (row === undefined) continue; // removed since the flush began
      chunk.push(toTuple(player, row));
      written.push(player);
    }
    if (chunk.length > 0) {
      this.sql.exec(
        `INSERT OR REPLACE INTO stats
         (player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen, counters, mu, sigma)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
                value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
         FROM json_each(?)`,
        JSON.stringify(chunk),
      );
    }
    // Only once the rows are in the table: a failed step leaves them to be read from memory.
    for (const player of written) this.flushing.delete(player);
    this.flushedRows += written.length;
    if (this.flushing.size > 0) return true;
    this.flushOrder = [];
    this.sql.exec("DELETE FROM stats_log WHERE id <= ?", this.flushingThrough);
    return this.pending.size >= FLUSH_AT;
  }

  private append(entry: LogEntry): void {
    this.lastLogId++;
    this.sql.exec("INSERT INTO stats_log (id, body) VALUES (?, ?)", this.lastLogId, JSON.stringify(entry));
  }
}

function toTuple(player: string, s: StoredStats): unknown[] {
  return [
    player,
    s.played,
    s.wins,
    s.losses,
    s.draws,
    s.streak,
    s.bestStreak,
    s.reports,
    s.best,
    s.firstSeen,
    s.lastSeen,
    JSON.stringify(s.counters),
    s.mu,
    s.sigma,
  ];
}

function fromTuple(t: unknown[]): StoredStats {
  const [player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen] = t;
  return fromRow({
    player,
    played,
    wins,
    losses,
    draws,
    streak,
    best_streak,
    reports,
    best,
    first_seen,
    last_seen,
    counters: t[11],
    mu: t[12],
    sigma: t[13],
  } as Row);
}

function fromRow(row: Row): StoredStats {
  return {
    played: row.played,
    wins: row.wins,
    losses: row.losses,
    draws: row.draws,
    streak: row.streak,
    bestStreak: row.best_streak,
    reports: row.reports,
    best: row.best,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    counters: JSON.parse(row.counters) as Record<string, number>,
    mu: row.mu,
    sigma: row.sigma,
  };
}
