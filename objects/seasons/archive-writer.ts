import type { LeaderboardEntry } from "../../protocol/boards";
import { type PendingCopy, STANDINGS_PART } from "./season-book";

/**
 * Copies closed seasons to D1. Standings go in one statement per part, the
 * part's entries as one JSON parameter spread by `json_each`: D1 binds at
 * most 100 parameters a statement, which would mean 10 rows each.
 * Every row is keyed (game, season, position), so a retried copy rewrites
 * the same rows; the awards and the summary row go in with the last part.
 */
export class ArchiveWriter {
  constructor(private readonly db: D1Database) {}

  async copy(game: string, copy: PendingCopy): Promise<void> {
    // A game deleted without its history and started afresh numbers its seasons from 1 again: the first part
    // clears what an earlier game of the name archived under this season, in the same batch.
    const clear =
      copy.parts[0]?.part === 0
        ? ["season_standings", "season_awards"].map((table) =>
            this.db.prepare(`DELETE FROM ${table} WHERE game = ? AND season = ?`).bind(game, copy.season),
          )
        : [];
    const parts = copy.parts.map(({ part, entries }) =>
      this.db
        .prepare(
          `INSERT OR REPLACE INTO season_standings (game, season, position, rank, player, score, ts, team, name, country, meta, subscore,
             cohort, cohort_rank)
           SELECT ?1, ?2, ?3 + key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
             value ->> 7, value ->> 8, value ->> 9, value ->> 10
           FROM json_each(?4)`,
        )
        // Every part but the last holds STANDINGS_PART entries, so its first position follows from its number.
        .bind(game, copy.season, part * STANDINGS_PART, JSON.stringify(entries.map(toRow))),
    );
    const statements = [...clear, ...parts];
    if (copy.last) {
      statements.push(
        this.db
          .prepare(
            `INSERT OR REPLACE INTO season_awards (game, season, player, rank, amount)
             SELECT ?1, ?2, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?3)`,
          )
          .bind(game, copy.season, JSON.stringify(copy.awards.map((a) => [a.player, a.rank, a.amount]))),
      );
      statements.push(
        this.db
          .prepare(
            "INSERT OR REPLACE INTO season_archive (game, season, started_at, ended_at, players, leader, pool) VALUES (?, ?, ?, ?, ?, ?, ?)",
          )
          .bind(game, copy.season, copy.startedAt, copy.endedAt, copy.players, copy.leader, copy.pool),
      );
    }
    if (statements.length > 0) await this.db.batch(statements);
  }

  /** Deletes a game's archived seasons (the game is being deleted with its history). */
  async deleteGame(game: string): Promise<void> {
    await this.db.batch([
      this.db.prepare("DELETE FROM season_standings WHERE game = ?").bind(game),
      this.db.prepare("DELETE FROM season_archive WHERE game = ?").bind(game),
      this.db.prepare("DELETE FROM season_awards WHERE game = ?").bind(game),
    ]);
  }
}

const toRow = (e: LeaderboardEntry) => [
  e.rank,
  e.player,
  e.score,
  e.ts,
  e.team ?? null,
  e.name ?? null,
  e.country ?? null,
  // As JSON text, which `->>` stores as it is (a string's content).
  e.meta === undefined ? null : JSON.stringify(e.meta),
  e.subscore ?? null,
  e.cohort ?? null,
  e.cohortRank ?? null,
];
