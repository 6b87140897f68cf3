import type { ObjectSchema } from "./schema";
import { WriteBehind, type WriteBehindLimits } from "./write-behind";

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
  /** Accepted reports in the season of `attemptsEpoch` (see CompetitorsTable's epoch): what maxAttempts counts. */
  attempts: number;
  attemptsEpoch: number;
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
  attempts: number;
  attempts_epoch: number;
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
  attempts: 0,
  attemptsEpoch: 0,
});

/** Stats rows: flushed from 10,000 pending, at most 100,000 in memory, a replay of at most 200,000 logged. */
const LIMITS: WriteBehindLimits = { flushAt: 10_000, pendingLimit: 100_000, loggedLimit: 200_000, step: 2000 };

/**
 * Every player's stats in the object's SQLite, written behind (see
 * `WriteBehind`): a batch's changed rows are one `stats_log` row, flushed to
 * `stats` in the background.
 */
export class StatsTable {
  private readonly rows: WriteBehind<StoredStats>;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {
    this.rows = new WriteBehind(
      sql,
      {
        log: "stats_log",
        toTuple,
        fromTuple: (t) => [t[0] as string, fromTuple(t)],
        write: (tuples) =>
          sql.exec(
            `INSERT OR REPLACE INTO stats
             (player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen, counters, mu, sigma,
              attempts, attempts_epoch)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
                    value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13,
                    coalesce(value ->> 14, 0), coalesce(value ->> 15, 0)
             FROM json_each(?)`,
            JSON.stringify(tuples),
          ),
        remove: (players) =>
          sql.exec("DELETE FROM stats WHERE player IN (SELECT value FROM json_each(?))", JSON.stringify(players)),
      },
      LIMITS,
      schema.exists,
    );
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
      const row = this.rows.held(player);
      if (row === undefined) stored.push(player);
      else if (row !== null) found.set(player, row);
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

  /**
   * Adds a batch of reports to their players' counts, and to their attempts
   * in the season of `epoch`; call as the batch transaction's last write.
   * `current`: the players' rows when the batch already read them.
   */
  countReports(
    counts: readonly ReportCount[],
    higherIsBetter: boolean,
    epoch: number,
    current = this.many(counts.map((c) => c.player)),
  ): void {
    if (counts.length === 0) return;
    const changed = new Map<string, StoredStats>();
    for (const { player, reports, peak, first, last } of counts) {
      const row = { ...(current.get(player) ?? newStats(first)) };
      row.reports += reports;
      row.attempts = attemptsIn(row, epoch) + reports;
      row.attemptsEpoch = epoch;
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
    this.rows.write(rows);
  }

  delete(player: string): void {
    if (this.schema.exists) this.rows.write(new Map([[player, null]]));
  }

  /** Whether flush steps are waiting to run. */
  get flushDue(): boolean {
    return this.rows.flushDue;
  }

  /** One flush step in the caller's transaction (see `WriteBehind.flushStep`); true while more remains. */
  flushStep(): boolean {
    return this.rows.flushStep();
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
    s.attempts,
    s.attemptsEpoch,
  ];
}

/** A player's accepted reports in the season of `epoch`. */
export const attemptsIn = (stats: StoredStats | undefined, epoch: number): number =>
  stats !== undefined && stats.attemptsEpoch === epoch ? stats.attempts : 0;

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
    // Rows logged before attempts were kept have none.
    attempts: t[14] ?? 0,
    attempts_epoch: t[15] ?? 0,
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
    attempts: row.attempts,
    attemptsEpoch: row.attempts_epoch,
  };
}
