/**
 * The GameBoard object's SQLite tables, as numbered migrations. An object
 * that already holds a game is migrated when it is constructed; a new one is
 * only created by its first write (`migrate` in that write's transaction), so
 * reads of a game that does not exist leave no storage behind.
 *
 * The version lives in `meta` under "schema" (Durable Objects refuse
 * `PRAGMA user_version`). Migrations only ever append.
 */
import { LIVE_VIEWS_TABLE } from "../live/held-views";

const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: the board's batch log and base, idempotency ids, history outbox and state, live views.
  [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, changes TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS base (generation INTEGER NOT NULL, part INTEGER NOT NULL, states TEXT NOT NULL, PRIMARY KEY (generation, part)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS report_ids (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS report_ids_by_age ON report_ids (at)",
    "CREATE TABLE IF NOT EXISTS archive_outbox (seq INTEGER PRIMARY KEY, reports TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS history_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    LIVE_VIEWS_TABLE,
  ],
  // 2: player profiles (name, country), and the reports trending counts, for rebuilds.
  [
    "CREATE TABLE IF NOT EXISTS profiles (player TEXT PRIMARY KEY, name TEXT, country TEXT) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS trend_log (seq INTEGER PRIMARY KEY, max_ts INTEGER NOT NULL, gains TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS trend_log_by_time ON trend_log (max_ts)",
  ],
  // 3: every player's stats (results, reports, counters, OpenSkill's mu and sigma).
  [
    `CREATE TABLE IF NOT EXISTS stats (
      player TEXT PRIMARY KEY, played INTEGER NOT NULL DEFAULT 0, wins INTEGER NOT NULL DEFAULT 0,
      losses INTEGER NOT NULL DEFAULT 0, draws INTEGER NOT NULL DEFAULT 0, streak INTEGER NOT NULL DEFAULT 0,
      best_streak INTEGER NOT NULL DEFAULT 0, reports INTEGER NOT NULL DEFAULT 0, best REAL,
      first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, counters TEXT NOT NULL DEFAULT '{}',
      mu REAL, sigma REAL
    ) WITHOUT ROWID`,
  ],
  // 4: stats rows logged per batch, ahead of the stats table (see StatsTable).
  ["CREATE TABLE IF NOT EXISTS stats_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"],
  // 5: seasons (the open one has no ended_at), and closed seasons' standings on their way to D1.
  [
    `CREATE TABLE IF NOT EXISTS seasons (
      season INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ends_at INTEGER, ended_at INTEGER,
      players INTEGER NOT NULL DEFAULT 0, leader TEXT, pool REAL NOT NULL DEFAULT 0, complete INTEGER NOT NULL DEFAULT 0
    )`,
    "CREATE TABLE IF NOT EXISTS season_outbox (season INTEGER NOT NULL, part INTEGER NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (season, part)) WITHOUT ROWID",
  ],
  // 6: a closed season's awards (its pool counts in micros, see objects/seasons/prizes.ts).
  ["ALTER TABLE seasons ADD COLUMN awards TEXT"],
  // 7: a closed season's webhook delivery (see objects/seasons/webhook.ts).
  ["ALTER TABLE seasons ADD COLUMN webhook TEXT"],
  // 8: the next part of a closed season's standings to write to the outbox (NULL once all are written).
  ["ALTER TABLE seasons ADD COLUMN staging INTEGER"],
  // 9: players' gain allowances as last charged (see objects/storage/gain-spent.ts). No index on `at`:
  // it would double each charge's writes, and the sweep that reads by age runs every ten minutes.
  [
    "CREATE TABLE IF NOT EXISTS gain_spent (player TEXT PRIMARY KEY, left REAL NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID",
  ],
  // 10: each player's meta, by epoch (a season close starts the next; see objects/storage/player-meta.ts).
  [
    "CREATE TABLE IF NOT EXISTS player_meta (epoch INTEGER NOT NULL, player TEXT NOT NULL, meta TEXT NOT NULL, PRIMARY KEY (epoch, player)) WITHOUT ROWID",
  ],
  // 11: meta rows logged per batch, ahead of the player_meta table (see objects/storage/write-behind.ts).
  ["CREATE TABLE IF NOT EXISTS meta_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"],
  // 12: each player's cohort, by epoch (a season close starts the next; see objects/storage/cohort-places.ts).
  [
    "CREATE TABLE IF NOT EXISTS cohort_places (epoch INTEGER NOT NULL, player TEXT NOT NULL, cohort INTEGER NOT NULL, PRIMARY KEY (epoch, player)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS cohort_places_by_cohort ON cohort_places (epoch, cohort)",
  ],
  // 13: joins and attempts per player, by epoch (a season close starts the next; see objects/storage/competitors.ts).
  [
    `CREATE TABLE IF NOT EXISTS competitors (
      epoch INTEGER NOT NULL, player TEXT NOT NULL, joined_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
      pending INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (epoch, player)
    ) WITHOUT ROWID`,
  ],
  // 14: the webhook's events in the order they are posted (see objects/hooks/hook-outbox.ts). A season.closed
  // row only holds its place (its delivery stays with the season); season posts pending from before take theirs.
  [
    "CREATE TABLE IF NOT EXISTS hook_outbox (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, season INTEGER NOT NULL, body TEXT, delivery TEXT)",
    `INSERT INTO hook_outbox (type, season) SELECT 'season.closed', season FROM seasons
      WHERE webhook IS NOT NULL AND json_extract(webhook, '$.delivered') = 0 ORDER BY season`,
  ],
  // 15: joins and attempts logged per batch, ahead of the competitors table (see objects/storage/write-behind.ts).
  ["CREATE TABLE IF NOT EXISTS competitors_log (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"],
  // 16: each player's accepted reports in a season, with its stats (what maxAttempts counts; see objects/storage/stats.ts).
  [
    "ALTER TABLE stats ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE stats ADD COLUMN attempts_epoch INTEGER NOT NULL DEFAULT 0",
  ],
  // 17: the relays of the game's spectators: sockets each holds, and the views each carries (objects/live/relay-fanout.ts).
  [
    "CREATE TABLE IF NOT EXISTS live_relays (relay INTEGER PRIMARY KEY, sockets INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS relay_views (relay INTEGER NOT NULL, view TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (relay, view)) WITHOUT ROWID",
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class ObjectSchema {
  private version: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(work: () => T) => T,
  ) {
    this.version = storedVersion(sql);
    if (this.version > 0 && this.version < SCHEMA_VERSION) this.transaction(() => this.migrate());
  }

  /** Whether the tables exist, i.e. the game was ever written. */
  get exists(): boolean {
    return this.version > 0;
  }

  /** Creates or upgrades the tables; a no-op when current. Call inside the first write's transaction. */
  migrate(): void {
    if (this.version === SCHEMA_VERSION) return;
    for (let v = this.version; v < SCHEMA_VERSION; v++) for (const statement of MIGRATIONS[v]) this.sql.exec(statement);
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", String(SCHEMA_VERSION));
    this.version = SCHEMA_VERSION;
  }
}

/** 0 for an object never written; 1 for one written before versions were kept. */
function storedVersion(sql: SqlStorage): number {
  const tables = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
  if (tables.length === 0) return 0;
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").toArray()[0];
  return row === undefined ? 1 : Number(row.value);
}
