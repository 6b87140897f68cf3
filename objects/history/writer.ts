import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { RankedEntry } from "../../engine/rules";
import { archivedReports, snapshotEntries, snapshots } from "../../protocol/d1-schema";

/** A sample of a board's top, copied before any await. */
export interface Sample {
  game: string;
  ts: number;
  total: number;
  entries: RankedEntry[];
}

export interface ArchivedReport {
  ts: number;
  player: string;
  score: number;
  team?: string;
  id?: string;
}

/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;
const PRUNE_LIMIT = 1000;
const DELETE_CHUNK = 5000;

/** Writes a game's history to D1: snapshots, archived reports, retention. */
export class HistoryWriter {
  private readonly db: DrizzleD1Database;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  /**
   * Stores a sample in one D1 batch (one transaction). A second write with the
   * same (game, ts), from a retried alarm, replaces the first whole: one
   * snapshot per ts, never two, never a mix.
   */
  async writeSnapshot({ game, ts, total, entries }: Sample): Promise<void> {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (first === undefined || last === undefined) return;
    const rows = entries.map((e, position) => ({ game, ts, position, rank: e.rank, player: e.player, score: e.score }));
    await this.db.batch([
      this.db.delete(snapshotEntries).where(and(eq(snapshotEntries.game, game), eq(snapshotEntries.ts, ts))),
      this.db
        .insert(snapshots)
        .values({
          game,
          ts,
          leader: first.player,
          topFirst: first.score,
          topLast: last.score,
          gap: Math.abs(first.score - last.score),
          total,
        })
        .onConflictDoUpdate({
          target: [snapshots.game, snapshots.ts],
          set: {
            leader: first.player,
            topFirst: first.score,
            topLast: last.score,
            gap: Math.abs(first.score - last.score),
            total,
          },
        }),
      ...chunks(rows, 6).map((chunk) => this.db.insert(snapshotEntries).values(chunk)),
    ]);
  }

  async archive(game: string, reports: readonly ArchivedReport[]): Promise<void> {
    const rows = reports.map((r) => ({
      game,
      ts: r.ts,
      player: r.player,
      score: r.score,
      team: r.team ?? null,
      reportId: r.id ?? null,
    }));
    const [head, ...rest] = chunks(rows, 6).map((chunk) => this.db.insert(archivedReports).values(chunk));
    if (head !== undefined) await this.db.batch([head, ...rest]);
  }

  /** Deletes up to PRUNE_LIMIT rows of each history table older than `before`; true if more may remain. */
  async prune(game: string, before: number): Promise<boolean> {
    const oldest = (table: typeof snapshots | typeof snapshotEntries | typeof archivedReports) =>
      this.db
        .select({ rowid: sql<number>`rowid` })
        .from(table)
        .where(and(eq(table.game, game), lt(table.ts, before)))
        .limit(PRUNE_LIMIT);
    const results = await this.db.batch([
      this.db.delete(snapshots).where(inArray(sql`rowid`, oldest(snapshots))),
      this.db.delete(snapshotEntries).where(inArray(sql`rowid`, oldest(snapshotEntries))),
      this.db.delete(archivedReports).where(inArray(sql`rowid`, oldest(archivedReports))),
    ]);
    return results.some((r) => r.meta.changes >= PRUNE_LIMIT);
  }

  /** Deletes every history row of `game`, in chunks so no statement runs unbounded; true if there was any. */
  async deleteGame(game: string): Promise<boolean> {
    let deleted = 0;
    for (const table of [snapshotEntries, snapshots, archivedReports]) {
      for (;;) {
        const chunk = this.db
          .select({ rowid: sql<number>`rowid` })
          .from(table)
          .where(eq(table.game, game))
          .limit(DELETE_CHUNK);
        const { meta } = await this.db.delete(table).where(inArray(sql`rowid`, chunk));
        deleted += meta.changes;
        if (meta.changes < DELETE_CHUNK) break;
      }
    }
    return deleted > 0;
  }
}

/** Rows split so each insert binds at most MAX_PARAMS parameters. */
function chunks<T>(rows: T[], columns: number): T[][] {
  const size = Math.floor(MAX_PARAMS / columns);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
