import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The games directory behind `GET /v1/games`, kept current by each game's object. */
export const games = sqliteTable(
  "games",
  {
    game: text("game").primaryKey(),
    players: integer("players").notNull(),
    updatedAt: integer("updated_at").notNull(),
    createdAt: integer("created_at").notNull(),
    // What the home page shows of each game, written with the row (see DirectoryPublisher).
    kind: text("kind"),
    leader: text("leader"),
    leaderName: text("leader_name"),
    leaderCountry: text("leader_country"),
    leaderScore: real("leader_score"),
    season: integer("season"),
    spectators: integer("spectators").notNull().default(0),
  },
  // The home page lists the most recently active games first.
  (t) => [index("games_by_update").on(t.updatedAt, t.game)],
);

/**
 * One row per sample of a game's board (every `snapshotEvery` seconds while it
 * changes). The key on (game, ts) makes a retried alarm's write a no-op.
 */
export const snapshots = sqliteTable(
  "snapshots",
  {
    game: text("game").notNull(),
    ts: integer("ts").notNull(),
    leader: text("leader").notNull(),
    topFirst: real("top_first").notNull(),
    topLast: real("top_last").notNull(),
    gap: real("gap").notNull(),
    total: integer("total").notNull(),
  },
  (t) => [primaryKey({ columns: [t.game, t.ts] })],
);

/** The sampled top entries of each snapshot, in board order (`position` 0 is the leader). */
export const snapshotEntries = sqliteTable(
  "snapshot_entries",
  {
    game: text("game").notNull(),
    ts: integer("ts").notNull(),
    position: integer("position").notNull(),
    rank: integer("rank").notNull(),
    player: text("player").notNull(),
    score: real("score").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.game, t.ts, t.position] }),
    index("snapshot_entries_by_player").on(t.game, t.player, t.ts),
  ],
);

/** Every accepted report of games with `archive: true`, as reported. */
export const archivedReports = sqliteTable(
  "archived_reports",
  {
    game: text("game").notNull(),
    ts: integer("ts").notNull(),
    player: text("player").notNull(),
    score: real("score").notNull(),
    team: text("team"),
    reportId: text("report_id"),
  },
  (t) => [
    index("archived_reports_by_time").on(t.game, t.ts),
    index("archived_reports_by_player").on(t.game, t.player, t.ts),
  ],
);

/** One row per closed season of a game, written when its standings have all reached D1. */
export const seasonArchive = sqliteTable(
  "season_archive",
  {
    game: text("game").notNull(),
    season: integer("season").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at").notNull(),
    players: integer("players").notNull(),
    leader: text("leader"),
    pool: real("pool").notNull(),
  },
  (t) => [primaryKey({ columns: [t.game, t.season] })],
);

/**
 * A closed season's final standings, every player in board order
 * (`position` 0 is the leader; ranks repeat under shared and dense ties). Keyed by
 * position, so a copy retried after a crash rewrites the same rows.
 */
export const seasonStandings = sqliteTable(
  "season_standings",
  {
    game: text("game").notNull(),
    season: integer("season").notNull(),
    position: integer("position").notNull(),
    rank: integer("rank").notNull(),
    player: text("player").notNull(),
    score: real("score").notNull(),
    /** The entry's subscore; null on a game without a tiebreak. */
    subscore: real("subscore"),
    ts: integer("ts").notNull(),
    team: text("team"),
    name: text("name"),
    country: text("country"),
    /** The entry's meta as JSON (see protocol/reports.ts Meta). */
    meta: text("meta"),
    /** The player's cohort and its rank within it; null on a game without cohorts. */
    cohort: integer("cohort"),
    cohortRank: integer("cohort_rank"),
  },
  (t) => [
    primaryKey({ columns: [t.game, t.season, t.position] }),
    index("season_standings_by_player").on(t.game, t.season, t.player),
  ],
);

/** What each closed season's prizes paid, per player (whole units). */
export const seasonAwards = sqliteTable(
  "season_awards",
  {
    game: text("game").notNull(),
    season: integer("season").notNull(),
    player: text("player").notNull(),
    rank: integer("rank").notNull(),
    amount: integer("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.game, t.season, t.player] })],
);

/**
 * What admins (and minters of player tokens) did: config changes, removals,
 * season closes, one row per action; token mints are counted, one row per
 * game, key and hour. `key` is a fingerprint, never the key.
 */
export const audit = sqliteTable(
  "audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ts: integer("ts").notNull(),
    game: text("game").notNull(),
    action: text("action").notNull(),
    key: text("key").notNull(),
    details: text("details").notNull(),
  },
  (t) => [
    index("audit_by_time").on(t.ts),
    index("audit_by_game").on(t.game, t.ts),
    uniqueIndex("audit_mints_by_hour").on(t.game, t.key, t.ts).where(sql`action = 'tokens.minted'`),
  ],
);
