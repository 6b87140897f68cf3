import type { Ranking } from "../../engine/ranking";
import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { seasonClosedUrl } from "../../protocol/hooks";
import {
  type AwardEntry,
  type CurrentSeason,
  nextBoundary,
  type PrizeProjection,
  type SeasonSummary,
} from "../../protocol/seasons";
import { backoffMs } from "../alarm/backoff";
import type { BoardLoader } from "../board-loader";
import { CohortArchive } from "../cohorts/archive-ranks";
import { BoardReads } from "../reads";
import { SeasonsAcross } from "../shards/seasons-across";
import type { ShardSet } from "../shards/shard-set";
import type { GameTables } from "../storage/tables";
import type { ArchiveWriter } from "./archive-writer";
import { COPY_PACE, COPY_PARTS, COPY_PAUSE_MS, COPY_RETRY_MAX_MS, COPY_RETRY_MS, copyParts } from "./copy-pace";
import { lastPaidPosition, MICROS, poolGrowth, splitPool } from "./prizes";
import { SeasonBook, STANDINGS_PART } from "./season-book";
import type { Delivery } from "./webhook";

/** Parts of standings written to the outbox per background step. */
const STAGE_PARTS = 4;

export type SeasonSettings = Pick<GameConfig, "season" | "prizes" | "webhook">;

/** How the season workflow reaches the rest of the object. */
export interface SeasonHost {
  /** The game's name; undefined before its first write and after its deletion. */
  game(): string | undefined;
  config(): GameConfig;
  /** The open board, with the players whose ts left the window by `now` taken off. */
  board(now: number): Ranking;
  /** The game's players on its open board and its leader now (across its shards, for a sharded game). */
  standing(): Promise<{ players: number; leader: string | null }>;
  /** The close's storage side, inside its transaction: the open board's own records start over. */
  retireBoard(now: number): void;
  /** The close's memory side, after its transaction: an empty board. */
  openBoard(now: number): void;
  /** Asks for background steps soon (see `step`). */
  background(): void;
}

/** What the workflow keeps and sends through, each replaceable in tests. */
export interface SeasonParts {
  book: SeasonBook;
  tables: Pick<
    GameTables,
    "log" | "profiles" | "playerMeta" | "cohorts" | "transaction" | "retireBoard" | "retaining" | "releaseStep"
  >;
  /** Rebuilds a closed board from the rows its log keeps until its standings are in the outbox. */
  loader: Pick<BoardLoader, "closed">;
  clock: { arm(at: number): void };
  archive: Pick<ArchiveWriter, "copy">;
  /** A sharded game's close and staging, across its shards. */
  across: SeasonsAcross;
}

/** A closed season's post, as the game's hook outbox sees it when the season's turn comes. */
export type SeasonClose =
  | { state: "archiving" }
  | { state: "done" }
  | { state: "due"; delivery: Delivery; body: string };

/** A closed season's board while its standings are written to the outbox. */
interface ClosedBoard {
  season: number;
  page: (offset: number, limit: number) => LeaderboardEntry[];
  total: number;
  /** The next part to write. */
  part: number;
}

/**
 * A game's seasons: the close (at a boundary or on request), the archive of
 * the closed board, the prize pool and its awards, and the webhook.
 *
 * A close is one transaction: the season's summary and awards are recorded,
 * the next season opens, and the board's rows are retained (BatchLog) while
 * the board starts empty. The closed board stays in memory while its
 * standings go to the SQLite outbox in background steps; then its rows are
 * released and the alarm copies the outbox to D1 part by part, each copy a
 * D1 batch keyed so a retry rewrites the same rows. Once a season is in D1
 * its webhook may be posted: the game's hook outbox (objects/hooks/) posts it
 * in its place among the game's events, retried with backoff for a day.
 *
 * Nothing is lost to a crash: a close cut short while staging is resumed from
 * its next part (the board rebuilt from its retained rows), a copy cut short
 * starts again from the outbox, and the alarm never throws (the platform
 * stops retrying an alarm that keeps failing): a failed copy keeps the
 * outbox and tries again after a backoff.
 */
export class SeasonWorkflow {
  private closing: ClosedBoard | undefined;
  /** While D1 refuses a season's copy: when to try again (kept in memory; a restart tries at once). */
  private copyRetryAt = 0;
  private copyFailures = 0;
  /** Parts per D1 batch, sized by how long the last batch took a part (see `copyParts`). */
  private copyPartsNext = COPY_PARTS;
  /** While a shard fails to answer a sharded close or its staging: when to try again (in memory, as copyRetryAt). */
  private acrossRetryAt = 0;
  private acrossFailures = 0;

  constructor(
    private readonly host: SeasonHost,
    private readonly parts: SeasonParts,
  ) {}

  /** A game object's workflow: its book in `tables` (a game created at `createdAt`), its seasons across `shards`. */
  static over(
    host: SeasonHost,
    parts: Omit<SeasonParts, "book" | "across" | "tables"> & { tables: GameTables; createdAt: number },
    shards: () => ShardSet | undefined,
  ): SeasonWorkflow {
    const { tables, createdAt, ...rest } = parts;
    const book = new SeasonBook(tables.sql, tables.schema, createdAt);
    const across = new SeasonsAcross(tables, book, shards, () => host.config());
    return new SeasonWorkflow(host, { ...rest, tables, book, across });
  }

  /** Opens the first season of a game created at `now`; call inside the creating write's transaction. */
  start(now: number): void {
    this.parts.book.start(now);
  }

  /** At a start: goes on with a close cut short, and asks the alarm for what is due. */
  resume(now: number): void {
    if (this.host.game() === undefined) return;
    const { book, tables, across } = this.parts;
    if (across.active) {
      // A sharded close goes on where its records say, on the alarm.
      if (across.busy) this.parts.clock.arm(now + 1);
      this.arm(now);
      return;
    }
    const { log } = tables;
    const staging = book.staging();
    const retained = log.retainedBoard;
    const closed = staging === undefined ? undefined : book.closed(staging.season);
    if (staging === undefined) {
      if (tables.retaining) this.host.background();
    } else if (retained === undefined || closed === undefined || closed.endedAt === null) {
      this.parts.tables.transaction(() => book.stage(staging.season, staging.part, [], true));
    } else {
      const board = this.parts.loader.closed(this.host.config(), closed.endedAt, retained.players);
      this.stageFrom(staging.season, board, closed.players, staging.part);
    }
    this.arm(now);
  }

  /** Asks the alarm for the open season's end and for any archive still to copy. */
  arm(now: number): void {
    const { book, clock } = this.parts;
    const { endsAt } = book.current();
    if (endsAt !== null) clock.arm(Math.max(endsAt, this.acrossRetryAt));
    // A sharded close or staging a shard failed to answer: every firing forgets the time, so each asks again.
    if (this.acrossRetryAt > 0) clock.arm(Math.max(now + 1, this.acrossRetryAt));
    if (book.copyPending) clock.arm(Math.max(now + 1, this.copyRetryAt));
  }

  /**
   * The duties due by `firedFor`: the boundary, then the archive's copy to
   * D1, one batch per firing (a firing holds the object from one await to the
   * next, and requests wait meanwhile). Never throws.
   */
  async alarm(firedFor: number): Promise<void> {
    const game = this.host.game();
    if (game === undefined) return;
    const { book, archive, across } = this.parts;
    if (across.active) await this.alarmAcross(game, firedFor);
    else {
      const { endsAt } = book.current();
      if (endsAt !== null && endsAt <= firedFor) this.close(Math.max(Date.now(), endsAt));
    }
    const copy = book.pendingCopy(this.copyPartsNext);
    if (copy !== undefined) {
      const started = Date.now();
      try {
        await archive.copy(game, copy);
      } catch (error) {
        this.copyFailures++;
        this.copyRetryAt = Date.now() + backoffMs(this.copyFailures, COPY_RETRY_MS, COPY_RETRY_MAX_MS);
        console.error(`seasons of ${game}: copying season ${copy.season} to D1 failed, retrying`, error);
        this.arm(Date.now());
        return;
      }
      if (this.host.game() !== game) return; // deleted meanwhile
      this.copyFailures = 0;
      const took = Date.now() - started;
      this.copyRetryAt = Date.now() + Math.max(COPY_PAUSE_MS, COPY_PACE * took);
      this.copyPartsNext = copyParts(this.copyPartsNext, took, copy.parts.length);
      book.copied(copy);
    }
    this.arm(Date.now());
  }

  /**
   * A sharded game's part of a firing: the close at the boundary, then a few
   * parts of its staging. A shard that fails to answer leaves the records
   * where they were, and both are tried again after a backoff, not at the
   * boundary already past (which would fire the alarm again at once).
   */
  private async alarmAcross(game: string, firedFor: number): Promise<void> {
    const { book, across, clock } = this.parts;
    if (firedFor < this.acrossRetryAt) return;
    try {
      const { endsAt, number } = book.current();
      if (endsAt !== null && endsAt <= firedFor) await across.close(Math.max(Date.now(), endsAt), number);
      // Its merged standings are staged a few parts a firing, before they are copied.
      if (await across.stage()) clock.arm(Date.now() + COPY_PAUSE_MS);
      this.acrossFailures = 0;
      this.acrossRetryAt = 0;
    } catch (error) {
      this.acrossFailures++;
      this.acrossRetryAt = Date.now() + backoffMs(this.acrossFailures, COPY_RETRY_MS, COPY_RETRY_MAX_MS);
      console.error(`seasons of ${game}: closing across the shards failed, retrying`, error);
      clock.arm(this.acrossRetryAt);
    }
  }

  /**
   * Closes the open season at `now`, in one transaction: its summary and
   * awards are recorded, the next season opens, and the board starts empty
   * (stats and profiles stay). A report applied before this counts in the old
   * season, one applied after in the new. Answers the closed season's number.
   */
  close(now: number): number {
    const { book, tables } = this.parts;
    // A close right after another finishes with the first one's board now (rare: its steps take seconds).
    while (this.stage(STAGE_PARTS));
    while (tables.transaction(() => tables.releaseStep()));
    const board = this.host.board(now);
    const total = board.rankedPlayers;
    const leader = board.page(0, 1)[0]?.player ?? null;
    const { season: schedule, prizes, webhook } = this.host.config();
    const { awards, carryMicros } = this.projectAwards();
    const next = {
      endsAt: schedule === null ? null : nextBoundary(schedule, now),
      poolMicros: prizes === null ? 0 : Math.floor(prizes.poolSeed * MICROS) + carryMicros,
      awards,
      webhook: seasonClosedUrl(webhook),
    };
    const season = this.parts.tables.transaction(() => {
      const closed = book.close(now, { players: total, leader }, next);
      tables.retireBoard(total);
      this.host.retireBoard(now);
      return closed;
    });
    this.stageFrom(season, board, total, 0);
    this.host.openBoard(now);
    return season;
  }

  /** One background step of a closed season: its standings into the outbox, then its rows released. True while more remains. */
  step(): boolean {
    if (this.closing !== undefined) return this.stage(STAGE_PARTS) || this.step();
    const { tables } = this.parts;
    return tables.retaining && tables.transaction(() => tables.releaseStep());
  }

  /** A batch's share of its gains to the prize pool; call inside its transaction. */
  feed(rise: number): void {
    const prizes = this.host.config().prizes;
    if (prizes !== null) this.parts.book.feed(poolGrowth(prizes.poolShare, rise));
  }

  /**
   * A config change, inside its transaction: a new schedule ends the open
   * season at its next boundary from now, and prizes set on a game without a
   * pool start it at the seed. True when the schedule changed (`arm` after).
   */
  reconfigure(before: SeasonSettings, after: SeasonSettings, now: number): boolean {
    const { book } = this.parts;
    const rescheduled = JSON.stringify(after.season) !== JSON.stringify(before.season);
    if (rescheduled) book.schedule(after.season === null ? null : nextBoundary(after.season, now));
    if (after.prizes !== null && before.prizes === null && book.pool === 0) {
      book.feed(Math.floor(after.prizes.poolSeed * MICROS));
    }
    return rescheduled;
  }

  current(): CurrentSeason {
    return this.parts.book.current();
  }

  /**
   * A closed season whose standings are still being gathered: from the
   * shards, which hold its board until then, or from this object's retained
   * rows (staged, then released). Undefined when none is.
   */
  get gathering(): number | undefined {
    const { across, book, tables } = this.parts;
    if (this.host.game() === undefined) return undefined;
    if (across.active) return across.gathering;
    return book.staging()?.season ?? (tables.retaining ? book.current().number - 1 : undefined);
  }

  /** Every season, newest first, the open one first with its live player count and leader. */
  async list(): Promise<SeasonSummary[]> {
    const { players, leader } = await this.host.standing();
    return this.parts.book.list(players, leader);
  }

  /** One season's summary: a closed one, or the open one (live). */
  async summary(season: number): Promise<SeasonSummary | undefined> {
    return (await this.list()).find((s) => s.season === season);
  }

  /** Closes the open season now, as its boundary would; answers the closed season. */
  async closeNow(): Promise<SeasonSummary> {
    const { across, book, clock } = this.parts;
    if (!across.active) return book.closed(this.close(Date.now())) as SeasonSummary;
    try {
      const season = await across.close(Date.now(), book.current().number);
      this.acrossFailures = 0;
      this.acrossRetryAt = 0;
      return book.closed(season) as SeasonSummary;
    } finally {
      // The alarm stages the standings, or goes on with a close a shard failed to answer.
      clock.arm(Date.now() + 1);
    }
  }

  /**
   * A closed season's season.closed post: waiting for its archive to reach
   * D1, due (at `delivery.nextAt`), or done (delivered, given up after its
   * day, or never asked for).
   */
  seasonClosed(season: number): SeasonClose {
    const { book } = this.parts;
    const closed = book.closed(season);
    if (closed !== undefined && !closed.complete) return { state: "archiving" };
    const due = book.dueDeliveries(Number.POSITIVE_INFINITY).find((d) => d.season === season);
    if (due === undefined) return { state: "done" };
    const body = JSON.stringify({ type: "season.closed", game: this.host.game(), season, awards: due.awards });
    return { state: "due", delivery: due.delivery, body };
  }

  /** Records an attempt of a season's post. */
  seasonPosted(season: number, delivery: Delivery): void {
    this.parts.book.delivered(season, delivery);
  }

  /** A closed season's awards; undefined for the open season and unknown numbers. */
  awards(season: number): AwardEntry[] | undefined {
    return this.parts.book.awards(season);
  }

  /** The open season's pool, the split, and what a close would pay now. */
  async projection(): Promise<PrizeProjection> {
    const { across, book } = this.parts;
    const split = this.host.config().prizes?.split ?? [];
    if (!across.active) return { pool: book.pool / MICROS, split, projected: this.projectAwards().awards };
    const [pool, { awards }] = await Promise.all([across.pool(), across.projection()]);
    return { pool: pool / MICROS, split, projected: awards };
  }

  /** Keeps a closed board in memory while its standings are written to the outbox from `part` on. */
  private stageFrom(season: number, board: Ranking, total: number, part: number): void {
    const { tables } = this.parts;
    const reads = new BoardReads(
      () => board,
      () => tables.profiles,
      () => tables.playerMeta.retired,
    );
    // Each entry with its cohort and rank within it, counted as the parts go by in board order.
    const cohorts = new CohortArchive(
      (offset, limit) => reads.page(offset, limit),
      tables.cohorts.retired,
      this.host.config().ties,
    );
    this.closing = { season, page: (offset, limit) => cohorts.read(offset, limit), total, part };
    this.host.background();
  }

  /**
   * Writes up to `parts` parts of the closed season's standings to the
   * outbox, in one transaction. With the last it lets the closed board go
   * (its rows are released in later steps) and asks the alarm to copy the
   * season to D1. True while more remains.
   */
  private stage(parts: number): boolean {
    const closing = this.closing;
    if (closing === undefined) return false;
    let done = false;
    this.parts.tables.transaction(() => {
      for (let i = 0; i < parts && !done; i++) {
        const offset = closing.part * STANDINGS_PART;
        const entries = offset < closing.total ? closing.page(offset, STANDINGS_PART) : [];
        done = offset + STANDINGS_PART >= closing.total;
        this.parts.book.stage(closing.season, closing.part, entries, done);
        if (!done) closing.part++;
      }
    });
    if (!done) return true;
    this.closing = undefined;
    this.arm(Date.now());
    return false;
  }

  /**
   * What closing now would pay: the pool split by the prize ranges over the
   * top of the board, a tie straddling the last paid rank taken whole.
   */
  private projectAwards(): { awards: AwardEntry[]; carryMicros: number } {
    const prizes = this.host.config().prizes;
    const pool = this.parts.book.pool;
    if (prizes === null) return { awards: [], carryMicros: pool };
    const ranges = prizes.split.map((r) => ({ from: r.from, to: r.to, sharePpm: Math.round(r.share * 1e6) }));
    const board = this.host.board(Date.now());
    const top = board.page(0, lastPaidPosition(ranges));
    for (let more = board.page(top.length, 1); more.length > 0 && more[0].rank === top.at(-1)?.rank; ) {
      top.push(more[0]);
      more = board.page(top.length, 1);
    }
    return splitPool(pool, ranges, top);
  }
}
