import { and, asc, between, desc, eq, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { archivedReports, snapshotEntries, snapshots } from "../../protocol/d1-schema";
import type { LeaderList, PlayerHistory, ReportList, SnapshotList } from "../../protocol/history";

/** A span of ms timestamps, both ends inclusive. */
interface Span {
  from: number;
  to: number;
}

/** A page of a span, newest first: at most `limit` rows. */
export interface SpanPage extends Span {
  limit: number;
}

/** A page of a game's snapshots; without `withEntries`, only their ts, total and gap. */
export async function snapshotPage(
  d1: D1Database,
  game: string,
  { from, to, limit, withEntries }: SpanPage & { withEntries: boolean },
): Promise<SnapshotList> {
  const db = drizzle(d1);
  // One row past the page says whether there is a next one.
  const page = await db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.game, game), between(snapshots.ts, from, to)))
    .orderBy(desc(snapshots.ts))
    .limit(limit + 1);
  const shown = page.slice(0, limit);
  const oldest = shown[shown.length - 1];
  const newest = shown[0];
  const entries =
    oldest === undefined || newest === undefined || !withEntries
      ? []
      : await db
          .select()
          .from(snapshotEntries)
          .where(and(eq(snapshotEntries.game, game), between(snapshotEntries.ts, oldest.ts, newest.ts)))
          .orderBy(asc(snapshotEntries.ts), asc(snapshotEntries.position));
  const byTs = new Map<number, typeof entries>();
  for (const entry of entries) byTs.set(entry.ts, [...(byTs.get(entry.ts) ?? []), entry]);
  return {
    snapshots: shown.map((s) => ({
      ts: s.ts,
      total: s.total,
      entries: (byTs.get(s.ts) ?? []).map(({ rank, player, score }) => ({ rank, player, score })),
      gap: { topFirst: s.topFirst, topLast: s.topLast, gap: s.gap },
    })),
    ...(page.length > limit && oldest !== undefined ? { next: oldest.ts - 1 } : {}),
  };
}

/** Who led within the span, for how long and in how many spells: longest total first. */
export async function leaders(d1: D1Database, game: string, { from, to }: Span): Promise<LeaderList> {
  // Spells are runs of equal leaders in ts order; each ends where the next begins.
  const rows = await drizzle(d1).all<{ player: string; ms: number; spells: number }>(sql`
    WITH sampled AS (
      SELECT ts, leader, LAG(leader) OVER (ORDER BY ts) AS previous
      FROM ${snapshots} WHERE ${snapshots.game} = ${game} AND ${snapshots.ts} BETWEEN ${from} AND ${to}
    ),
    starts AS (SELECT ts, leader FROM sampled WHERE previous IS NULL OR previous <> leader),
    spells AS (
      SELECT leader, ts AS start,
             COALESCE(LEAD(ts) OVER (ORDER BY ts), (SELECT MAX(ts) FROM sampled)) AS finish
      FROM starts
    )
    SELECT leader AS player, SUM(finish - start) AS ms, COUNT(*) AS spells
    FROM spells GROUP BY leader ORDER BY ms DESC, spells DESC, player`);
  return { leaders: rows.map((r) => ({ player: r.player, seconds: r.ms / 1000, spells: r.spells })) };
}

/** A page of a player's rank and score at the snapshots that sampled it. */
export async function playerSnapshots(
  d1: D1Database,
  game: string,
  player: string,
  { from, to, limit }: SpanPage,
): Promise<PlayerHistory> {
  const rows = await drizzle(d1)
    .select({ ts: snapshotEntries.ts, rank: snapshotEntries.rank, score: snapshotEntries.score })
    .from(snapshotEntries)
    .where(
      and(eq(snapshotEntries.game, game), eq(snapshotEntries.player, player), between(snapshotEntries.ts, from, to)),
    )
    .orderBy(desc(snapshotEntries.ts))
    .limit(limit + 1);
  const shown = rows.slice(0, limit);
  const oldest = shown[shown.length - 1];
  return { player, snapshots: shown, ...(rows.length > limit && oldest ? { next: oldest.ts - 1 } : {}) };
}

/**
 * A page of a game's archived reports, optionally one player's. Reports can
 * share a ts, so the cursor is `ts.rowid`: the page goes on strictly before it.
 */
export async function reportPage(
  d1: D1Database,
  game: string,
  { from, to, limit, player, cursor }: SpanPage & { player?: string; cursor?: string },
): Promise<ReportList> {
  const rowid = sql<number>`rowid`;
  const [cursorTs, cursorRow] = cursor === undefined ? [] : cursor.split(".").map(Number);
  const rows = await drizzle(d1)
    .select({
      rowid,
      ts: archivedReports.ts,
      player: archivedReports.player,
      score: archivedReports.score,
      team: archivedReports.team,
      id: archivedReports.reportId,
    })
    .from(archivedReports)
    .where(
      and(
        eq(archivedReports.game, game),
        between(archivedReports.ts, from, to),
        player === undefined ? undefined : eq(archivedReports.player, player),
        cursorTs === undefined || cursorRow === undefined
          ? undefined
          : or(lt(archivedReports.ts, cursorTs), and(eq(archivedReports.ts, cursorTs), lt(rowid, cursorRow))),
      ),
    )
    .orderBy(desc(archivedReports.ts), desc(rowid))
    .limit(limit + 1);
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    reports: shown.map(({ ts, player, score, team, id }) => ({
      ts,
      player,
      score,
      ...(team === null ? {} : { team }),
      ...(id === null ? {} : { id }),
    })),
    ...(rows.length > limit && last ? { next: `${last.ts}.${last.rowid}` } : {}),
  };
}
