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

/**
 * Every player's stats in the object's SQLite, never in memory: a million
 * players cost the object nothing until read. A batch's rows go in one
 * statement (the rows as one JSON parameter, spread by `json_each`), not one
 * per player.
 */
export class StatsTable {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  get(player: string): StoredStats | undefined {
    return this.many([player]).get(player);
  }

  many(players: readonly string[]): Map<string, StoredStats> {
    const found = new Map<string, StoredStats>();
    if (!this.schema.exists || players.length === 0) return found;
    for (const row of this.sql.exec<Row>(
      "SELECT * FROM stats WHERE player IN (SELECT value FROM json_each(?))",
      JSON.stringify(players),
    )) {
      found.set(row.player, fromRow(row));
    }
    return found;
  }

  /** Adds a batch of reports to their players' counts; call inside the batch's transaction. */
  countReports(counts: readonly ReportCount[], higherIsBetter: boolean): void {
    if (counts.length === 0) return;
    this.sql.exec(
      `INSERT INTO stats (player, reports, best, first_seen, last_seen)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
       ON CONFLICT (player) DO UPDATE SET
         reports = reports + excluded.reports,
         best = CASE WHEN excluded.best IS NULL THEN best WHEN best IS NULL THEN excluded.best
                     WHEN ? THEN max(best, excluded.best) ELSE min(best, excluded.best) END,
         first_seen = min(first_seen, excluded.first_seen),
         last_seen = max(last_seen, excluded.last_seen)`,
      JSON.stringify(counts.map((c) => [c.player, c.reports, c.peak, c.first, c.last])),
      higherIsBetter ? 1 : 0,
    );
  }

  /** Writes whole rows (results, events); call inside the batch's transaction. */
  write(rows: ReadonlyMap<string, StoredStats>): void {
    if (rows.size === 0) return;
    const values = [...rows].map(([player, s]) => [
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
    ]);
    this.sql.exec(
      `INSERT OR REPLACE INTO stats
       (player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen, counters, mu, sigma)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
              value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
       FROM json_each(?)`,
      JSON.stringify(values),
    );
  }

  delete(player: string): void {
    if (this.schema.exists) this.sql.exec("DELETE FROM stats WHERE player = ?", player);
  }
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
