import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, between, desc, eq, lt, or, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { archivedReports, games, snapshotEntries, snapshots } from "../../protocol/d1-schema";
import { gameNotFound } from "../../protocol/errors";
import { LeaderList, PlayerHistory, ReportList, SnapshotList } from "../../protocol/history";
import { GamePath, PlayerName, PlayerPath } from "../../protocol/names";
import { inOrder, ordered, rangeFields } from "../../protocol/query";
import { createRouter, errorResponses as errors, fail } from "../http";

const rangeQuery = (defaultLimit: number) => z.object(rangeFields(defaultLimit)).refine(inOrder, ordered);

const SnapshotsQuery = z
  .object({
    ...rangeFields(100),
    entries: z
      .enum(["true", "false"])
      .default("true")
      .openapi({ description: "false: only ts, total and gap (lighter, for charts over long ranges)" }),
  })
  .refine(inOrder, ordered);

const LeadersQuery = z.object({ from: rangeFields(1).from, to: rangeFields(1).to }).refine(inOrder, ordered);

const ReportsQuery = z
  .object({
    ...rangeFields(100),
    player: PlayerName.optional(),
    cursor: z
      .string()
      .regex(/^\d+\.\d+$/, "a cursor is the `next` of a previous page")
      .optional(),
  })
  .refine(inOrder, ordered);

const listSnapshots = createRoute({
  method: "get",
  path: "/v1/games/{game}/history",
  summary: "Snapshots of the top, newest first",
  description: "Sampled every `snapshotEvery` s while the board changes, with the gap between first and last.",
  request: { params: GamePath, query: SnapshotsQuery },
  responses: {
    200: { description: "Snapshots", content: { "application/json": { schema: SnapshotList } } },
    ...errors(400, 404),
  },
});

const listLeaders = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/leaders",
  summary: "Who led, for how long",
  description:
    "A spell at rank 1 runs from the snapshot where a player first appears there to the next snapshot with " +
    "another leader (the last spell, to the last snapshot in the range). Longest total first.",
  request: { params: GamePath, query: LeadersQuery },
  responses: {
    200: { description: "Leaders", content: { "application/json": { schema: LeaderList } } },
    ...errors(400, 404),
  },
});

const playerHistory = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/players/{player}",
  summary: "A player's rank and score at each snapshot where it was in the sampled top",
  request: { params: PlayerPath, query: rangeQuery(1000) },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: PlayerHistory } } },
    ...errors(400, 404),
  },
});

const listReports = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/reports",
  summary: "Archived reports (games with `archive: true`), newest first",
  request: { params: GamePath, query: ReportsQuery },
  responses: {
    200: { description: "Reports as accepted", content: { "application/json": { schema: ReportList } } },
    ...errors(400, 404),
  },
});

/** Whether the game is in the directory. */
async function known(db: DrizzleD1Database, game: string): Promise<boolean> {
  const rows = await db.select({ game: games.game }).from(games).where(eq(games.game, game)).limit(1);
  return rows.length > 0;
}

const notFound = (c: Context) => fail(c, gameNotFound());

export const historyRoutes = createRouter()
  .openapi(listSnapshots, async (c) => {
    const { game } = c.req.valid("param");
    const { from, to, limit, entries: withEntries } = c.req.valid("query");
    const db = drizzle(c.env.DB);
    if (!(await known(db, game))) return notFound(c);
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
      oldest === undefined || newest === undefined || withEntries === "false"
        ? []
        : await db
            .select()
            .from(snapshotEntries)
            .where(and(eq(snapshotEntries.game, game), between(snapshotEntries.ts, oldest.ts, newest.ts)))
            .orderBy(asc(snapshotEntries.ts), asc(snapshotEntries.position));
    const byTs = new Map<number, typeof entries>();
    for (const entry of entries) byTs.set(entry.ts, [...(byTs.get(entry.ts) ?? []), entry]);
    const body = {
      snapshots: shown.map((s) => ({
        ts: s.ts,
        total: s.total,
        entries: (byTs.get(s.ts) ?? []).map(({ rank, player, score }) => ({ rank, player, score })),
        gap: { topFirst: s.topFirst, topLast: s.topLast, gap: s.gap },
      })),
      ...(page.length > limit && oldest !== undefined ? { next: oldest.ts - 1 } : {}),
    };
    return c.json(body, 200);
  })
  .openapi(listLeaders, async (c) => {
    const { game } = c.req.valid("param");
    const { from, to } = c.req.valid("query");
    const db = drizzle(c.env.DB);
    if (!(await known(db, game))) return notFound(c);
    // Spells are runs of equal leaders in ts order; each ends where the next begins.
    const rows = await db.all<{ player: string; ms: number; spells: number }>(sql`
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
    return c.json({ leaders: rows.map((r) => ({ player: r.player, seconds: r.ms / 1000, spells: r.spells })) }, 200);
  })
  .openapi(playerHistory, async (c) => {
    const { game, player } = c.req.valid("param");
    const { from, to, limit } = c.req.valid("query");
    const db = drizzle(c.env.DB);
    if (!(await known(db, game))) return notFound(c);
    const rows = await db
      .select({ ts: snapshotEntries.ts, rank: snapshotEntries.rank, score: snapshotEntries.score })
      .from(snapshotEntries)
      .where(
        and(eq(snapshotEntries.game, game), eq(snapshotEntries.player, player), between(snapshotEntries.ts, from, to)),
      )
      .orderBy(desc(snapshotEntries.ts))
      .limit(limit + 1);
    const shown = rows.slice(0, limit);
    const oldest = shown[shown.length - 1];
    return c.json({ player, snapshots: shown, ...(rows.length > limit && oldest ? { next: oldest.ts - 1 } : {}) }, 200);
  })
  .openapi(listReports, async (c) => {
    const { game } = c.req.valid("param");
    const { from, to, limit, player, cursor } = c.req.valid("query");
    const db = drizzle(c.env.DB);
    if (!(await known(db, game))) return notFound(c);
    const rowid = sql<number>`rowid`;
    const [cursorTs, cursorRow] = cursor === undefined ? [] : cursor.split(".").map(Number);
    const rows = await db
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
    return c.json(
      {
        reports: shown.map(({ ts, player, score, team, id }) => ({
          ts,
          player,
          score,
          ...(team === null ? {} : { team }),
          ...(id === null ? {} : { id }),
        })),
        ...(rows.length > limit && last ? { next: `${last.ts}.${last.rowid}` } : {}),
      },
      200,
    );
  });
