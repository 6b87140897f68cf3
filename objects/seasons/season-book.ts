import type { LeaderboardEntry } from "../../protocol/boards";
import type { AwardEntry, CurrentSeason, SeasonSummary } from "../../protocol/seasons";
import type { ObjectSchema } from "../storage/schema";
import { MICROS } from "./prizes";
import { type Delivery, WEBHOOK_RETRY_FOR_MS } from "./webhook";

/** Standings per outbox row, and per D1 statement when they are copied. */
export const STANDINGS_PART = 500;

type SeasonRow = {
  season: number;
  started_at: number;
  ends_at: number | null;
  ended_at: number | null;
  players: number;
  leader: string | null;
  pool: number;
  complete: number;
  awards: string | null;
  webhook: string | null;
  staging: number | null;
};

/** A closed season whose archive has not reached D1 yet, with its next parts of standings. */
export interface PendingCopy {
  season: number;
  startedAt: number;
  endedAt: number;
  players: number;
  leader: string | null;
  /** In units. */
  pool: number;
  awards: AwardEntry[];
  parts: { part: number; entries: LeaderboardEntry[] }[];
  /** Whether these parts are the last. */
  last: boolean;
}

/**
 * A game's seasons in the object's SQLite: one row each, the open one without
 * `ended_at`. A close records the season and opens the next in one
 * transaction; the closed board stays in storage (BatchLog's retained board)
 * while its standings are written to `season_outbox` part by part (`staging`
 * counts the parts), then the alarm copies the outbox to D1 and marks the
 * season complete when the last part is there.
 */
export class SeasonBook {
  private open: CurrentSeason | undefined;
  /** The open season's prize pool, in micros (see prizes.ts). */
  private poolMicros = 0;

  /** `createdAt`: when the game was created (0 for a game not created yet), when its first season opened. */
  constructor(
    private readonly sql: SqlStorage,
    schema: ObjectSchema,
    private createdAt: number,
  ) {
    if (!schema.exists) return;
    const row = sql
      .exec<SeasonRow>("SELECT * FROM seasons WHERE ended_at IS NULL ORDER BY season DESC LIMIT 1")
      .toArray()[0];
    if (row !== undefined) {
      this.open = { number: row.season, startedAt: row.started_at, endsAt: row.ends_at };
      this.poolMicros = row.pool;
    }
  }

  /** The open season's pool, in micros. */
  get pool(): number {
    return this.poolMicros;
  }

  /** Opens the first season of a game created at `now`; call inside the creating write's transaction. */
  start(now: number): void {
    this.createdAt = now;
    this.schedule(null);
  }

  /** Adds to the open season's pool; call inside the transaction of the batch that earned it. */
  feed(micros: number): void {
    if (micros <= 0) return;
    const open = this.current();
    this.sql.exec(
      `INSERT INTO seasons (season, started_at, ends_at, pool) VALUES (?, ?, ?, ?)
       ON CONFLICT (season) DO UPDATE SET pool = pool + excluded.pool`,
      open.number,
      open.startedAt,
      open.endsAt,
      micros,
    );
    this.poolMicros += micros;
  }

  /** The open season; a game from before seasons is in season 1, open since it was created. */
  current(): CurrentSeason {
    return this.open ?? { number: 1, startedAt: this.createdAt, endsAt: null };
  }

  /** Records the open season's end (null: none scheduled); call inside a transaction. */
  schedule(endsAt: number | null): void {
    const open = this.current();
    this.sql.exec(
      "INSERT INTO seasons (season, started_at, ends_at) VALUES (?, ?, ?) ON CONFLICT (season) DO UPDATE SET ends_at = excluded.ends_at",
      open.number,
      open.startedAt,
      endsAt,
    );
    this.open = { ...open, endsAt };
  }

  /**
   * Closes the open season at `now` with its final standings (every player,
   * in board order, a part at a time) and opens the next; call inside the
   * transaction that empties the board.
   */
  close(
    now: number,
    final: { players: number; leader: string | null },
    next: { endsAt: number | null; poolMicros: number; awards: AwardEntry[]; webhook: string | null },
  ): number {
    const open = this.current();
    const { players, leader } = final;
    this.sql.exec(
      `INSERT INTO seasons (season, started_at, ends_at, ended_at, players, leader, pool, awards, webhook, staging)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT (season) DO UPDATE SET ended_at = excluded.ended_at, players = excluded.players,
         leader = excluded.leader, pool = excluded.pool, awards = excluded.awards, webhook = excluded.webhook,
         staging = 0`,
      open.number,
      open.startedAt,
      open.endsAt,
      now,
      players,
      leader,
      this.poolMicros,
      JSON.stringify(next.awards),
      next.webhook === null
        ? null
        : JSON.stringify({
            url: next.webhook,
            delivered: false,
            attempts: 0,
            nextAt: 0,
            until: now + WEBHOOK_RETRY_FOR_MS,
          }),
    );
    // Its post takes its place among the game's webhook events (objects/hooks/hook-outbox.ts).
    if (next.webhook !== null)
      this.sql.exec("INSERT INTO hook_outbox (type, season) VALUES ('season.closed', ?)", open.number);
    const opened = { number: open.number + 1, startedAt: now, endsAt: next.endsAt };
    this.sql.exec(
      "INSERT INTO seasons (season, started_at, ends_at, pool) VALUES (?, ?, ?, ?)",
      opened.number,
      opened.startedAt,
      opened.endsAt,
      next.poolMicros,
    );
    this.open = opened;
    this.poolMicros = next.poolMicros;
    return open.number;
  }

  /** The closed season whose standings are still being written to the outbox, and its next part. */
  staging(): { season: number; part: number } | undefined {
    const row = this.sql
      .exec<{ season: number; staging: number }>("SELECT season, staging FROM seasons WHERE staging IS NOT NULL")
      .toArray()[0];
    return row === undefined ? undefined : { season: row.season, part: row.staging };
  }

  /** Writes one part of a closed season's standings to the outbox; `last` ends the staging. Call inside a transaction. */
  stage(season: number, part: number, entries: LeaderboardEntry[], last: boolean): void {
    if (entries.length > 0) {
      this.sql.exec(
        "INSERT OR REPLACE INTO season_outbox (season, part, entries) VALUES (?, ?, ?)",
        season,
        part,
        JSON.stringify(entries),
      );
    }
    this.sql.exec("UPDATE seasons SET staging = ? WHERE season = ?", last ? null : part + 1, season);
  }

  /** Every season, newest first, the open one first. */
  list(openPlayers: number, openLeader: string | null): SeasonSummary[] {
    const open = this.current();
    const closed = this.sql
      .exec<SeasonRow>("SELECT * FROM seasons WHERE ended_at IS NOT NULL ORDER BY season DESC")
      .toArray()
      .map((row) => ({
        season: row.season,
        startedAt: row.started_at,
        endedAt: row.ended_at,
        players: row.players,
        leader: row.leader,
        pool: row.pool / MICROS,
        complete: row.complete === 1,
        ...webhookStatus(row.webhook),
      }));
    const current = {
      season: open.number,
      startedAt: open.startedAt,
      endedAt: null,
      players: openPlayers,
      leader: openLeader,
      pool: this.poolMicros / MICROS,
      complete: true,
    };
    return [current, ...closed];
  }

  /** A closed season, or undefined (the open season and unknown numbers alike). */
  closed(season: number): SeasonSummary | undefined {
    return this.list(0, null).find((s) => s.season === season && s.endedAt !== null);
  }

  /** A closed season's awards; undefined for the open season and unknown numbers. */
  awards(season: number): AwardEntry[] | undefined {
    const row = this.sql
      .exec<{ awards: string | null }>("SELECT awards FROM seasons WHERE season = ? AND ended_at IS NOT NULL", season)
      .toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.awards ?? "[]") as AwardEntry[]);
  }

  /** The oldest season still to be copied, with up to `maxParts` of its standings. */
  pendingCopy(maxParts: number): PendingCopy | undefined {
    const row = this.sql
      .exec<SeasonRow>(
        "SELECT * FROM seasons WHERE ended_at IS NOT NULL AND complete = 0 AND staging IS NULL ORDER BY season LIMIT 1",
      )
      .toArray()[0];
    if (row === undefined) return undefined;
    const parts = this.sql
      .exec<{ part: number; entries: string }>(
        "SELECT part, entries FROM season_outbox WHERE season = ? ORDER BY part LIMIT ?",
        row.season,
        maxParts + 1,
      )
      .toArray()
      .map(({ part, entries }) => ({ part, entries: JSON.parse(entries) as LeaderboardEntry[] }));
    return {
      season: row.season,
      startedAt: row.started_at,
      endedAt: row.ended_at as number,
      players: row.players,
      leader: row.leader,
      pool: row.pool / MICROS,
      awards: JSON.parse(row.awards ?? "[]") as AwardEntry[],
      parts: parts.slice(0, maxParts),
      last: parts.length <= maxParts,
    };
  }

  /** The copied parts are in D1: drop them, and with the last mark the season complete. */
  copied(copy: PendingCopy): void {
    const through = copy.parts.at(-1)?.part;
    if (through !== undefined) {
      this.sql.exec("DELETE FROM season_outbox WHERE season = ? AND part <= ?", copy.season, through);
    }
    if (copy.last) this.sql.exec("UPDATE seasons SET complete = 1 WHERE season = ?", copy.season);
  }

  /** Webhook deliveries due by `now`: of seasons whose archive is complete, not delivered, not past 24 h. */
  dueDeliveries(now: number): { season: number; delivery: Delivery; awards: AwardEntry[] }[] {
    return this.pendingDeliveries()
      .filter(({ delivery }) => delivery.nextAt <= now)
      .map(({ season, delivery, awards }) => ({ season, delivery, awards }));
  }

  /** Records an attempt's outcome; call after it. */
  delivered(season: number, delivery: Delivery): void {
    this.sql.exec("UPDATE seasons SET webhook = ? WHERE season = ?", JSON.stringify(delivery), season);
  }

  private pendingDeliveries() {
    return this.sql
      .exec<{ season: number; webhook: string; awards: string | null }>(
        "SELECT season, webhook, awards FROM seasons WHERE webhook IS NOT NULL AND complete = 1",
      )
      .toArray()
      .map((row) => ({
        season: row.season,
        delivery: JSON.parse(row.webhook) as Delivery,
        awards: JSON.parse(row.awards ?? "[]") as AwardEntry[],
      }))
      .filter(({ delivery }) => !delivery.delivered && delivery.nextAt <= delivery.until);
  }

  /** Whether some closed season has not reached D1 yet. */
  get copyPending(): boolean {
    return (
      this.sql
        .exec("SELECT 1 FROM seasons WHERE ended_at IS NOT NULL AND complete = 0 AND staging IS NULL LIMIT 1")
        .toArray().length > 0
    );
  }
}

function webhookStatus(webhook: string | null): { webhook?: { delivered: boolean; attempts: number } } {
  if (webhook === null) return {};
  const { delivered, attempts } = JSON.parse(webhook) as Delivery;
  return { webhook: { delivered, attempts } };
}
