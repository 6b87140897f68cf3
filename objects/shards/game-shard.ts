import { DurableObject } from "cloudflare:workers";
import type { Placed } from "../../engine/board-order";
import { GainAllowance } from "../../engine/gain-allowance";
import type { GroupPart } from "../../engine/group-parts";
import type { LeaderboardEntry, TrendingEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import {
  type ApiError,
  accepted,
  found,
  notEmpty,
  type Outcome,
  refused,
  shardsChanged,
  statsNotFound,
} from "../../protocol/errors";
import { type PackedReports, unpackReports } from "../../protocol/packed-reports";
import type { Profile, ProfileBody, ScoreReport } from "../../protocol/reports";
import { groupsOf, type MatchResult, type PlayerEvent, type PlayerStats } from "../../protocol/results";
import { shardOf } from "../../protocol/shards";
import { AlarmClock } from "../alarm/alarm-clock";
import { BoardLoader } from "../board-loader";
import type { Competitor } from "../competition/gates";
import { gated } from "../competition/gates";
import { HistorySampler } from "../history/sampler";
import { HistoryWriter } from "../history/writer";
import { Maintenance } from "../maintenance";
import { type Applied, PlayerBoard } from "../players/player-board";
import { TRENDING_KEPT } from "../reads";
import { statsOf } from "../results";
import { GameRecord } from "../storage/game-record";
import { GameTables, resetOnRollback } from "../storage/tables";
import { type ShardClose, ShardSeasons } from "./shard-seasons";
import { SummaryNotice } from "./summary";

/** Where a shard sits in its game. */
export interface Placement {
  index: number;
  shards: number;
  /** The Worker checked the batch's gates on every shard it spans first (or it spans one); see worker/shards.ts. */
  checked?: boolean;
}

/** Where an entry falls on a shard (see GameShard.near). */
export interface ShardNear extends ShardCounts {
  entries: LeaderboardEntry[];
  /** Within the entry's country: the shard's players of it ahead of the entry. */
  inCountry?: { ahead: number; better: number };
}

/** How many of a shard's players go ahead of each of some entries (in board order, and by a better score alone). */
export interface ShardCounts {
  /** The shard's players on the board. */
  ranked: number;
  counts: { ahead: number; better: number }[];
}

/**
 * One shard of a sharded game: the players `shardOf` puts here, in a
 * PlayerBoard over this object's own SQLite, with their stats and profiles.
 * The game's own object holds the config and pushes it here with the shard's
 * placement (`place`); the Worker writes here directly, each batch's part
 * atomic and durable here; the game's object reads here to answer across the
 * shards (pages, the players ahead of an entry, a player's entry). A write
 * for players this shard does not hold under its placement is refused with
 * shards_changed: its Worker routed by an older count, and routes again.
 */
export class GameShard extends DurableObject<Env> {
  private record!: GameRecord;
  private tables!: GameTables;
  private players!: PlayerBoard;
  private maintenance!: Maintenance;
  private placement: Placement | undefined;
  private seasons!: ShardSeasons;
  private clock!: AlarmClock;
  /** Drains this shard's report archive (`archive: true`) to D1; samples come from the game's object. */
  private archive!: HistorySampler;
  private readonly notice = new SummaryNotice(() => this.tellGame());

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.restore());
  }

  /**
   * Takes the game's config (with this shard's share of maxPlayers) and this
   * shard's placement. A new shard count needs an empty shard (not_empty).
   */
  async place(game: string, placement: Placement, config: GameConfig): Promise<Outcome<null>> {
    const known = this.players.board.knownPlayers;
    if (this.placement !== undefined && this.placement.shards !== placement.shards && known > 0) {
      return refused(notEmpty(known, "shards"));
    }
    const now = Date.now();
    this.tables.transaction(() => {
      this.players.create(game, now);
      this.record.recordConfig(config, now);
      this.tables.meta.write("placement", placement);
    });
    this.record.config = config;
    this.placement = placement;
    this.players.reconfigure(config, now);
    return accepted(null);
  }

  async applyReports(game: string, placement: Placement, packed: PackedReports): Promise<Outcome<Applied>> {
    const reports = unpackReports(packed);
    const misplaced = this.misplaced(game, placement, reports, (r) => [r.player]) ?? this.unchecked(placement);
    return misplaced ?? this.players.applyReports(game, reports);
  }

  /** Results with a player here: this shard's players' stats and (rating: wins) scores. */
  async applyResults(game: string, placement: Placement, results: MatchResult[]): Promise<Outcome<Applied>> {
    const misplaced = this.misplaced(game, placement, results, (r) => groupsOf(r).flat()) ?? this.unchecked(placement);
    const holds = (player: string) => shardOf(game, player, placement.shards) === placement.index;
    return misplaced ?? this.players.applyResults(game, results, holds);
  }

  /** The gates' refusal of this shard's part of a batch of reports, applying nothing. */
  async checkReports(game: string, placement: Placement, reports: ScoreReport[]): Promise<ApiError | undefined> {
    const misplaced = this.misplaced(game, placement, reports, (r) => [r.player]);
    return misplaced?.error ?? this.players.checkReports(reports);
  }

  /** The gates' refusal of this shard's players in a batch of results, applying nothing. */
  async checkResults(game: string, placement: Placement, results: MatchResult[]): Promise<ApiError | undefined> {
    const misplaced = this.misplaced(game, placement, results, (r) => groupsOf(r).flat());
    const holds = (player: string) => shardOf(game, player, placement.shards) === placement.index;
    return misplaced?.error ?? this.players.checkResults(results, holds);
  }

  /** Joins a player of this shard to the open season (see PlayerBoard.join). */
  async join(game: string, player: string): Promise<Outcome<Competitor>> {
    return this.players.join(game, player);
  }

  /** A player's joins and attempts this season, when it has any. */
  async competitor(player: string): Promise<Competitor | undefined> {
    return this.players.gates.competitor(player);
  }

  async applyEvents(game: string, placement: Placement, events: PlayerEvent[]): Promise<Outcome<Applied>> {
    const misplaced = this.misplaced(game, placement, events, (e) => [e.player]);
    return misplaced ?? this.players.applyEvents(game, events);
  }

  async setProfile(game: string, player: string, change: ProfileBody): Promise<Profile> {
    return this.players.setProfile(game, player, change);
  }

  async removePlayer(player: string): Promise<Outcome<null>> {
    return this.players.removePlayer(player);
  }

  async playerStats(player: string): Promise<Outcome<PlayerStats>> {
    const stats = this.tables.stats.get(player);
    return found(stats && statsOf(player, stats, this.record.config.rating), () => statsNotFound(player));
  }

  /** Players held here: all known, and those on the board (inside the window). */
  async size(): Promise<{ known: number; ranked: number }> {
    const board = this.players.at(Date.now());
    return { known: board.knownPlayers, ranked: board.rankedPlayers };
  }

  /** This shard's entries at its positions [from, to), with names and countries (ranks are this shard's). */
  async entries(from: number, to: number): Promise<LeaderboardEntry[]> {
    this.players.at(Date.now());
    return to > from ? this.players.reads.page(from, to - from) : [];
  }

  /** This shard's entries at these positions (score, ts and player only), for choosing pivots. */
  async placedAt(positions: number[]): Promise<Placed[]> {
    const board = this.players.at(Date.now());
    return positions.flatMap((position) => {
      const [entry] = board.page(position, 1);
      return entry === undefined ? [] : [{ score: entry.score, ts: entry.ts, player: entry.player }];
    });
  }

  /** This shard's players ahead of each of these entries, of any shard, and its players on the board. */
  async countsAhead(entries: Placed[]): Promise<ShardCounts> {
    const board = this.players.at(Date.now());
    const counts = entries.map((entry) => ({ ahead: board.countAhead(entry), better: board.countAhead(entry, true) }));
    return { ranked: board.rankedPlayers, counts };
  }

  /**
   * Where an entry of any shard falls here: this shard's players ahead of it
   * (in board order and by score), its players on the board, and its
   * entries from `radius` before that place to `radius` after it, which
   * hold every neighbour of the entry this shard has.
   */
  async near(entry: Placed, radius: number, country?: string): Promise<ShardNear> {
    const board = this.players.at(Date.now());
    const ahead = board.countAhead(entry);
    const from = Math.max(0, ahead - radius);
    const entries = radius > 0 ? this.players.reads.page(from, ahead + radius + 1 - from) : [];
    const counts = [{ ahead, better: board.countAhead(entry, true) }];
    const near: ShardNear = { ranked: board.rankedPlayers, counts, entries };
    if (country !== undefined) {
      const { derived } = board;
      near.inCountry = {
        ahead: derived.countAheadIn(country, entry, false),
        better: derived.countAheadIn(country, entry, true),
      };
    }
    return near;
  }

  /** This shard's part of each team or country with players here. */
  async groupParts(kind: "teams" | "countries"): Promise<GroupPart[]> {
    const parts = this.players.at(Date.now()).derived.groupParts(kind);
    // A team's best member is its MVP candidate, shown with its name and country.
    for (const part of parts) if (part.best !== undefined) part.best = this.players.reads.named([part.best])[0];
    return parts;
  }

  /** A team's first `limit` members here, in board order. */
  async teamMembers(team: string, limit: number): Promise<(Placed & { name?: string; country?: string })[]> {
    return this.players.reads.named(this.players.at(Date.now()).derived.teamMembers(team, limit));
  }

  /** A country's players here at its positions [from, to) (ranks are this shard's). */
  async countryEntries(country: string, from: number, to: number): Promise<LeaderboardEntry[]> {
    this.players.at(Date.now());
    return to > from ? this.players.reads.countryPage(country, from, to - from) : [];
  }

  /** A country's players here at these positions within it (score, ts and player only). */
  async countryPlacedAt(country: string, positions: number[]): Promise<Placed[]> {
    const { derived } = this.players.at(Date.now());
    return positions.flatMap((p) =>
      derived.countryPage(country, p, 1).map(({ score, subscore, ts, player }) => ({ score, subscore, ts, player })),
    );
  }

  /** A country's players here ahead of each entry (within the country), and how many are here. */
  async countryCountsAhead(country: string, entries: Placed[]): Promise<ShardCounts> {
    const { derived } = this.players.at(Date.now());
    const counts = entries.map((e) => ({
      ahead: derived.countAheadIn(country, e, false),
      better: derived.countAheadIn(country, e, true),
    }));
    return { ranked: derived.rankedPlayersIn(country), counts };
  }

  /** This shard's hottest players (as its game's object would keep them), each with where it stands. */
  async trending(): Promise<(TrendingEntry & { score: number; ts: number })[]> {
    const now = Date.now();
    const board = this.players.at(now);
    return this.players.reads.trending(now, TRENDING_KEPT).flatMap((entry) => {
      const state = board.state(entry.player);
      return state === undefined ? [] : [{ ...entry, score: state.score, ts: state.ts }];
    });
  }

  /** This shard's top `limit` entries and its players on the board. */
  async top(limit: number): Promise<{ ranked: number; entries: LeaderboardEntry[] }> {
    const board = this.players.at(Date.now());
    return { ranked: board.rankedPlayers, entries: this.players.reads.page(0, limit) };
  }

  /** A player's entry here (its rank this shard's), or undefined when not on the board. */
  async entry(player: string): Promise<LeaderboardEntry | undefined> {
    const entry = this.players.at(Date.now()).entry(player);
    return entry === undefined ? undefined : this.players.reads.named([entry])[0];
  }

  /** These players' entries here (ranks this shard's); players not on the board are left out. */
  async entriesOf(players: string[]): Promise<LeaderboardEntry[]> {
    this.players.at(Date.now());
    return this.players.reads.entriesOf(players);
  }

  /** Closes `season` here at `endedAt` (again: how it closed); see ShardSeasons. */
  async closeSeason(season: number, endedAt: number): Promise<ShardClose> {
    return this.seasons.close(season, endedAt, () => this.maintenance.dropCompaction());
  }

  /** A closed season's standings here at [from, to), in board order. */
  async seasonStandings(season: number, from: number, to: number): Promise<LeaderboardEntry[]> {
    return this.seasons.standings(season, from, to);
  }

  /** The game's object has a closed season's standings: its rows here can go. */
  async releaseSeason(season: number): Promise<void> {
    this.seasons.release(season);
  }

  /** This shard's part of the open season's prize pool, in micros. */
  async pool(): Promise<number> {
    return this.seasons.pool;
  }

  /** This shard's archived reports, on their way to D1 (the game's own object samples its history). */
  override async alarm(): Promise<void> {
    // A deletion while D1 answers restores new parts: each is read after the await.
    const firedFor = this.clock.fired();
    await this.archive.alarm(firedFor);
    this.clock.settle();
  }

  /** Deletes this shard's players and storage (its game is being deleted, or has fewer shards). */
  async deleteShard(): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      this.maintenance.stop();
      this.notice.stop();
      await this.clock.clear();
      await this.ctx.storage.deleteAll();
      await this.restore();
    });
  }

  /**
   * shards_changed unless this shard holds, under `placement` (the Worker's),
   * a player of every item: its Worker routed by another count.
   */
  private misplaced<T>(
    game: string,
    placement: Placement,
    items: readonly T[],
    playersOf: (item: T) => string[],
  ): { ok: false; error: ApiError } | undefined {
    const here = this.placement;
    if (here === undefined || here.shards !== placement.shards || here.index !== placement.index) {
      return refused(shardsChanged(here?.shards ?? 1));
    }
    const mine = (player: string) => shardOf(game, player, here.shards) === here.index;
    return items.every((item) => playersOf(item).some(mine)) ? undefined : refused(shardsChanged(here.shards));
  }

  /**
   * shards_changed (gated) for a batch of a gated game not checked on every
   * shard it spans first: its Worker did not know the game is gated, and
   * routes again with the check, so a refusal applies nothing anywhere.
   */
  private unchecked(placement: Placement): { ok: false; error: ApiError } | undefined {
    if (placement.checked === true || !gated(this.record.config)) return undefined;
    return refused(shardsChanged(placement.shards, true));
  }

  /** Tells the game's object how this shard stands now (see SummaryNotice). */
  private async tellGame(): Promise<void> {
    const { game, updatedAt } = this.record;
    const placement = this.placement;
    if (game === undefined || placement === undefined) return;
    const ranked = this.players.at(Date.now()).rankedPlayers;
    const leader = this.players.reads.page(0, 1)[0];
    await this.env.BOARD.getByName(game).shardChanged({ index: placement.index, ranked, updatedAt, leader });
  }

  private async restore(): Promise<void> {
    const now = Date.now();
    this.tables = new GameTables(this.ctx.storage, resetOnRollback(this.ctx));
    const { meta, schema, gainSpent } = this.tables;
    this.record = new GameRecord(meta, schema);
    this.placement = meta.read<Placement>("placement");
    this.clock = new AlarmClock(this.ctx, schema.exists);
    this.archive = new HistorySampler(
      this.ctx,
      new HistoryWriter(this.env.DB),
      {
        game: () => this.record.game,
        settings: () => this.record.config,
        top: (limit) => {
          const board = this.players.at(Date.now());
          return { total: board.rankedPlayers, entries: board.page(0, limit) };
        },
      },
      this.clock,
      schema,
    );
    this.maintenance = new Maintenance(this.tables, {
      seasonStep: () => this.seasons.step(),
      states: () => this.players.board.states(),
      trend: () => this.record.config.trend,
    });
    const loader = new BoardLoader(this.tables, new GainAllowance(gainSpent.recent(now)));
    this.players = new PlayerBoard(
      this.tables,
      this.record,
      loader,
      this.maintenance,
      {
        created: () => {},
        feed: (rise) => this.seasons.feed(rise, this.record.config.prizes),
        keepForArchive: (reports) => this.archive.keepForArchive(reports),
        archiveQueued: (at) => this.archive.archiveQueued(at),
        changed: (at) => {
          this.record.updatedAt = at;
          this.maintenance.scheduleIfDue();
          this.notice.changed(this.record.config.liveEvery);
        },
      },
      now,
    );
    this.seasons = new ShardSeasons(this.tables, this.record, this.players, loader, () => this.maintenance.schedule());
    const { log, stats } = this.tables;
    if (log.compactionDue || stats.flushDue || this.tables.retaining) this.maintenance.schedule();
    await this.clock.resume();
  }
}
