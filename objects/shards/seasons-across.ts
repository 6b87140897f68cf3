import { rankConsecutive } from "../../engine/board-order";
import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { seasonClosedUrl } from "../../protocol/hooks";
import { type AwardEntry, nextBoundary } from "../../protocol/seasons";
import { lastPaidPosition, MICROS, splitPool } from "../seasons/prizes";
import { type SeasonBook, STANDINGS_PART } from "../seasons/season-book";
import type { GameTables } from "../storage/tables";
import { type ShardSet, sum } from "./shard-set";

/** Parts of standings staged per alarm firing (each a fetch from every shard, then a transaction). */
const STAGE_PARTS = 4;

/** A close begun: the season and when it ends, recorded before any shard is told. */
interface Closing {
  season: number;
  at: number;
}

/** A closed season's standings on their way to the outbox: where each shard's part of them has got to. */
interface Staging {
  season: number;
  total: number;
  part: number;
  /** Each shard's closed board entries already staged. */
  cursors: number[];
  /** The last staged entry's score, subscore and rank (a shared rank goes on across parts). */
  score: number | null;
  subscore?: number;
  rank: number;
}

/**
 * A sharded game's seasons, run by the game's object: the close at one
 * boundary for every shard, and the closed season's standings merged across
 * the shards with their global ranks.
 *
 * A close is first recorded (`closingAcross`), then every shard closes the
 * season (idempotent by number: each keeps its closed board's rows and its
 * share of the pool), then, in one transaction, the object records the
 * season (players, leader, pool and awards from the merged top) and starts
 * staging. Staging takes the next entries of every shard's closed board,
 * merges them and writes a part of the outbox with each shard's cursor in the
 * same transaction, so a restart goes on where it stopped; with the last part
 * the shards let their closed boards go, and the season is copied to D1 as
 * any other (SeasonWorkflow). A report a shard applied before it was told
 * counts in the old season, one after in the new: each in exactly one.
 */
export class SeasonsAcross {
  /** The close and the staging await the shards between reads and writes of their records: one runs at a time. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly tables: Pick<GameTables, "meta" | "transaction">,
    private readonly book: SeasonBook,
    private readonly shards: () => ShardSet | undefined,
    private readonly config: () => GameConfig,
  ) {}

  /** Whether this game's seasons are its shards'. */
  get active(): boolean {
    return this.shards() !== undefined;
  }

  /** The season whose close or staging is under way (the alarm goes on with it): its shards still hold its closed boards. */
  get gathering(): number | undefined {
    return (this.closing ?? this.staging)?.season;
  }

  /** Whether the alarm has work here: a close or staging under way, or a release to ask again. */
  get busy(): boolean {
    return this.gathering !== undefined || this.releasing !== undefined;
  }

  /**
   * Closes `season`, the open season when asked, on every shard at `at`;
   * answers the season closed. A close cut short (a shard failed to answer,
   * or the object died) is the close asked for again, by the alarm's retry or
   * an admin: it is finished, and no other begins, since the season it closes
   * is still the open one. A close that waited its turn behind another of the
   * same season (the boundary's and an admin's) finds it closed: nothing more.
   */
  close(at: number, season: number): Promise<number> {
    return this.inTurn(async () => {
      if (this.closing !== undefined) return this.finishClose();
      if (this.book.current().number !== season) return season;
      while (await this.stageParts());
      this.tables.transaction(() => this.tables.meta.write("closingAcross", { season, at }));
      return this.finishClose();
    });
  }

  /**
   * Stages up to STAGE_PARTS parts of the closed season's merged standings,
   * finishing a close first if one was cut short. True while more remains.
   */
  stage(): Promise<boolean> {
    return this.inTurn(() => this.stageParts());
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => {});
    return run;
  }

  private async stageParts(): Promise<boolean> {
    if (this.closing !== undefined) await this.finishClose();
    const shards = this.shards();
    const releasing = this.releasing;
    if (releasing !== undefined && shards !== undefined) await this.release(shards, releasing);
    let staging = this.staging;
    for (let i = 0; i < STAGE_PARTS && staging !== undefined && shards !== undefined; i++) {
      const { entries, next } = await this.merged(shards, staging, STANDINGS_PART);
      const done = sum(next.cursors) >= staging.total;
      const { season, part } = staging;
      this.tables.transaction(() => {
        this.book.stage(season, part, entries, done);
        this.tables.meta.write("stagingAcross", done ? null : next);
        if (done) this.tables.meta.write("releasingAcross", season);
      });
      if (done) await this.release(shards, season);
      staging = done ? undefined : next;
    }
    return staging !== undefined;
  }

  /** The shards let the staged season's closed boards go; recorded first, so a failed release is asked again. */
  private async release(shards: ShardSet, season: number): Promise<void> {
    await shards.ask(shards.count, (stub) => stub.releaseSeason(season));
    this.tables.transaction(() => this.tables.meta.write("releasingAcross", null));
  }

  /** The open season's pool, in micros: the object's (seed, carry) and every shard's share of the gains. */
  async pool(): Promise<number> {
    const shards = this.shards();
    const parts = shards === undefined ? [] : await shards.ask(shards.count, (stub) => stub.pool());
    return this.book.pool + sum(parts);
  }

  /** What the open season would pay if it closed now, from the board across the shards. */
  async projection(): Promise<{ awards: AwardEntry[]; carryMicros: number }> {
    const shards = this.shards();
    const pool = await this.pool();
    const prizes = this.config().prizes;
    if (prizes === null || shards === undefined) return { awards: [], carryMicros: pool };
    const ranges = prizes.split.map((r) => ({ from: r.from, to: r.to, sharePpm: Math.round(r.share * 1e6) }));
    const top = (await shards.page(0, lastPaidPosition(ranges))).entries;
    for (let more = await shards.page(top.length, 1); more.entries[0]?.rank === top.at(-1)?.rank; ) {
      if (more.entries.length === 0) break;
      top.push(more.entries[0]);
      more = await shards.page(top.length, 1);
    }
    return splitPool(pool, ranges, top);
  }

  private get closing(): Closing | undefined {
    return this.tables.meta.read<Closing | null>("closingAcross") ?? undefined;
  }

  /** A staged season whose closed boards the shards have not all let go of yet. */
  private get releasing(): number | undefined {
    return this.tables.meta.read<number | null>("releasingAcross") ?? undefined;
  }

  private get staging(): Staging | undefined {
    return this.tables.meta.read<Staging | null>("stagingAcross") ?? undefined;
  }

  /** Tells every shard to close the recorded season (again: each answers how it closed), then records it. */
  private async finishClose(): Promise<number> {
    const closing = this.closing as Closing;
    const shards = this.shards() as ShardSet;
    const { season, at } = closing;
    const closes = await shards.ask(shards.count, (stub) => stub.closeSeason(season, at));
    const total = sum(closes.map((c) => c.players));
    const shardPool = sum(closes.map((c) => c.poolMicros));
    const { season: schedule, prizes, webhook } = this.config();
    const start: Staging = { season, total, part: 0, cursors: closes.map(() => 0), score: null, rank: 0 };
    const { awards, carryMicros, leader } = await this.awards(shards, start, this.book.pool + shardPool);
    const next = {
      endsAt: schedule === null ? null : nextBoundary(schedule, at),
      poolMicros: prizes === null ? 0 : Math.floor(prizes.poolSeed * MICROS) + carryMicros,
      awards,
      webhook: seasonClosedUrl(webhook),
    };
    this.tables.transaction(() => {
      this.book.feed(shardPool);
      this.book.close(at, { players: total, leader }, next);
      this.tables.meta.write("stagingAcross", start);
      this.tables.meta.write("closingAcross", null);
    });
    return season;
  }

  /** The closed season's leader and awards: the pool split over its merged top, a tie at the last paid rank whole. */
  private async awards(
    shards: ShardSet,
    start: Staging,
    pool: number,
  ): Promise<{ awards: AwardEntry[]; carryMicros: number; leader: string | null }> {
    const prizes = this.config().prizes;
    const ranges = (prizes?.split ?? []).map((r) => ({ from: r.from, to: r.to, sharePpm: Math.round(r.share * 1e6) }));
    let { entries: top, next } = await this.merged(shards, start, Math.max(1, lastPaidPosition(ranges)));
    for (let more = await this.merged(shards, next, 1); more.entries[0]?.rank === top.at(-1)?.rank; ) {
      if (more.entries.length === 0) break;
      top = [...top, ...more.entries];
      next = more.next;
      more = await this.merged(shards, next, 1);
    }
    const leader = top[0]?.player ?? null;
    if (prizes === null) return { awards: [], carryMicros: pool, leader };
    return { ...splitPool(pool, ranges, top), leader };
  }

  /**
   * The next `count` entries of the closed season's standings from `from`:
   * each shard's next entries merged in board order, ranked on the whole
   * board, with where each shard's part has got to after them.
   */
  private async merged(
    shards: ShardSet,
    from: Staging,
    count: number,
  ): Promise<{ entries: LeaderboardEntry[]; next: Staging }> {
    const parts = await shards.ask(shards.count, (stub, i) =>
      stub.seasonStandings(from.season, from.cursors[i], from.cursors[i] + count),
    );
    const tagged = parts.flatMap((entries, shard) => entries.map((entry) => ({ entry, shard })));
    tagged.sort((a, b) => shards.order(a.entry, b.entry));
    const taken = tagged.slice(0, count);
    const cursors = [...from.cursors];
    for (const { shard } of taken) cursors[shard]++;
    const position = sum(from.cursors);
    const shared = this.config().ties === "shared";
    // The first entry's rank follows the last one staged when they share a value (shared ties): score and subscore.
    const first = taken[0]?.entry;
    const tied = first !== undefined && first.score === from.score && first.subscore === from.subscore;
    const firstRank = shared && tied ? from.rank : position + 1;
    const entries = rankConsecutive(
      taken.map((t) => t.entry),
      position,
      firstRank,
      shared,
    );
    const last = entries.at(-1);
    const next = {
      ...from,
      part: from.part + 1,
      cursors,
      ...(last === undefined ? {} : { score: last.score, subscore: last.subscore, rank: last.rank }),
    };
    return { entries, next };
  }
}
