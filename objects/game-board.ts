import { DurableObject } from "cloudflare:workers";
import { GainAllowance } from "../engine/gain-allowance";
import type {
  CountryBoard,
  FriendsBoard,
  GameInfo,
  Leaderboard,
  MvpBoard,
  PlayerStanding,
  TeamBoard,
  TeamDetail,
  TrendingBoard,
} from "../protocol/boards";
import type { Joined } from "../protocol/competition";
import type { GameConfig, GameConfigPatch } from "../protocol/config";
import {
  accepted,
  errorResponse,
  found,
  gameNotFound,
  type Outcome,
  refused,
  seasonNotFound,
  shardsChanged,
  statsNotFound,
  teamNotFound,
} from "../protocol/errors";
import { type PackedReports, unpackReports } from "../protocol/packed-reports";
import type { Profile, ProfileBody } from "../protocol/reports";
import type { MatchResult, PlayerEvent, PlayerStats } from "../protocol/results";
import type { AwardEntry, PrizeProjection, SeasonSummary } from "../protocol/seasons";
import { AlarmClock } from "./alarm/alarm-clock";
import { BoardLoader } from "./board-loader";
import { cohortBoard } from "./cohorts/cohort-board";
import { Entrants } from "./competition/entrants";
import { gated } from "./competition/gates";
import { changeConfig } from "./config-change";
import { type GameBoards, LocalBoards } from "./game-boards";
import { DirectoryPublisher, directoryRow, SPECTATORS_INTERVAL_MS } from "./history/directory";
import { HistorySampler } from "./history/sampler";
import { HistoryWriter } from "./history/writer";
import { EventHooks } from "./hooks/event-hooks";
import { Spectators } from "./live/spectators";
import { Maintenance } from "./maintenance";
import { type Applied, PlayerBoard } from "./players/player-board";
import type { BoardReads } from "./reads";
import { statsOf } from "./results";
import { ArchiveWriter } from "./seasons/archive-writer";
import { type GameSeasonsHost, gameSeasons } from "./seasons/game-seasons";
import type { SeasonWorkflow } from "./seasons/season-workflow";
import { ShardLink } from "./shards/shard-link";
import type { ShardSet } from "./shards/shard-set";
import type { ShardSummary } from "./shards/summary";
import { GameRecord } from "./storage/game-record";
import { GameTables, resetOnRollback } from "./storage/tables";
import { TieredBoards, TieredSource } from "./tiered";

/** What the object rebuilds from its storage at each start (and after a deletion). */
interface Restored {
  tables: GameTables;
  clock: AlarmClock;
  seasons: SeasonWorkflow;
  hooks: EventHooks;
  history: HistorySampler;
  maintenance: Maintenance;
  players: PlayerBoard;
  /** A sharded game's shards, as this object reaches them. */
  link: ShardLink;
}

/**
 * One game's board: the wiring between the Worker's calls and the object's
 * parts. Every call from the Worker names the game (the object cannot learn
 * its name from its id); the object remembers it once created. A write is
 * planned against the engine, persisted in one SQLite transaction, applied to
 * the engine, then announced (live views, history, directory, maintenance),
 * so an answer always describes durable state (responses wait on the output
 * gate).
 */
export class GameBoard extends DurableObject<Env> {
  private restored!: Restored;
  private record!: GameRecord;
  private readonly directory: DirectoryPublisher;
  private readonly spectators: Spectators;
  private readonly historyWriter: HistoryWriter;
  private readonly archiveWriter: ArchiveWriter;

  /** What the season workflow reaches of this object. */
  private readonly seasonsHost: GameSeasonsHost = {
    record: () => this.record,
    players: () => this.players,
    boards: () => this.boards(),
    maintenance: () => this.restored.maintenance,
    shards: () => this.shardSet(),
    changed: (now) => this.changed(now),
    archive: () => this.archiveWriter,
  };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.historyWriter = new HistoryWriter(env.DB);
    this.archiveWriter = new ArchiveWriter(env.DB);
    this.directory = new DirectoryPublisher(env.DB, () => this.directoryEntry());
    this.spectators = new Spectators(ctx, env, {
      game: () => this.record.game as string,
      ranking: () => this.players.board,
      source: () =>
        new TieredSource(this.shardSet() === undefined ? this.reads : this.restored.link.views, this.record.config),
      gather: (specs) => this.restored.link.gather(this.shardSet(), specs),
      settings: () => this.record.config,
      counted: () => this.directory.changed(SPECTATORS_INTERVAL_MS),
    });
    ctx.blockConcurrencyWhile(async () => this.restore());
  }

  /** Live spectators: the Worker forwards validated websocket upgrades here. */
  override async fetch(request: Request): Promise<Response> {
    if (this.record.game === undefined) return errorResponse(gameNotFound());
    return await this.spectators.admit(request);
  }

  /** A relay of this game's spectators tells how many sockets it holds. */
  async relayCounted(game: string, relay: number, sockets: number): Promise<void> {
    if (this.record.game === game) this.spectators.relayCounted(relay, sockets);
  }

  /** The duties due: season boundaries and their archive, history snapshots, archive and retention. */
  override async alarm(): Promise<void> {
    // A deletion while D1 answers restores new parts: each is read after the awaits.
    const firedFor = this.restored.clock.fired();
    await this.restored.seasons.alarm(firedFor);
    await this.restored.history.alarm(firedFor);
    await this.restored.hooks.alarm(firedFor);
    this.restored.clock.settle();
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    this.spectators.message(socket, message);
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    this.spectators.closed(socket, code, reason);
  }

  override webSocketError(socket: WebSocket): void {
    this.spectators.closed(socket);
  }

  /** Reports for this object's board; a sharded game's go to its shards (the Worker routes them again). */
  async applyReports(game: string, packed: PackedReports): Promise<Outcome<Applied>> {
    return this.unsharded(() => this.players.applyReports(game, unpackReports(packed)));
  }

  /** A shard's board changed (each tells at most once per liveEvery): directory row, history and live views follow. */
  async shardChanged(summary: ShardSummary): Promise<void> {
    if (this.record.game === undefined || this.record.config.shards <= summary.index) return;
    this.restored.link.heard(summary);
    this.changed(Math.max(this.record.updatedAt, summary.updatedAt));
  }

  /** The count the Worker routes this game's reports by. */
  async shards(): Promise<number> {
    return this.record.config.shards;
  }

  /** Match results: stats for every player, and on a rated game the board's scores (see PlayerBoard). */
  async applyResults(game: string, results: MatchResult[]): Promise<Outcome<Applied>> {
    return this.unsharded(() => this.players.applyResults(game, results));
  }

  /** Custom counters: each grows by its increment; at most MAX_COUNTERS per player. Refused whole. */
  async applyEvents(game: string, events: PlayerEvent[]): Promise<Outcome<Applied>> {
    return this.unsharded(() => this.players.applyEvents(game, events));
  }

  async configure(game: string, patch: GameConfigPatch): Promise<Outcome<GameConfig>> {
    const now = Date.now();
    const { tables, seasons } = this.restored;
    const changed = changeConfig(this.record.config, patch, this.players.board.knownPlayers, seasons.gathering);
    if (!changed.ok) return changed;
    const config = changed.value;
    const placed = await this.restored.link.place(game, this.record.config, config);
    if (!placed.ok) return placed;
    const rescheduled = tables.transaction(() => {
      this.players.create(game, now);
      this.record.recordConfig(config, now);
      return seasons.reconfigure(this.record.config, config, now);
    });
    if (rescheduled) seasons.arm(now);
    this.record.config = config;
    this.players.reconfigure(config, now);
    this.spectators.reconfigured();
    this.changed(now);
    return accepted(config);
  }

  /** Sets a player's display name and/or country (creating the game if needed); the player need not have scored. */
  async setProfile(game: string, player: string, change: ProfileBody): Promise<Outcome<Profile>> {
    const shards = this.shardSet();
    if (shards !== undefined) return accepted(await shards.of(player).setProfile(game, player, change));
    return accepted(this.players.setProfile(game, player, change));
  }

  /** Joins a player to the open season (config join); answers its standing-to-be. */
  async join(game: string, player: string): Promise<Outcome<Joined>> {
    return this.entrants().join(game, player);
  }

  async removePlayer(player: string): Promise<Outcome<null>> {
    const shards = this.shardSet();
    if (shards === undefined) return this.existing(() => this.players.removePlayer(player));
    return await shards.of(player).removePlayer(player);
  }

  async info(): Promise<Outcome<GameInfo>> {
    const { config } = this.record;
    const season = this.restored.seasons.current();
    const shards = this.shardSet();
    const local = () => ({ players: this.players.board.rankedPlayers, ...this.players.cohorts.info() });
    return this.board(async () => ({ config, season, ...(shards === undefined ? local() : await shards.spread()) }));
  }

  /** A page of the board, or of a `country`'s players or a `cohort` (ranked within it, with `globalRank`). */
  async leaderboard(offset: number, limit: number, country?: string, cohort?: number): Promise<Outcome<Leaderboard>> {
    if (cohort !== undefined) return this.existing(() => cohortBoard(this.players, this.record, cohort, offset, limit));
    const boards = this.boards();
    return this.board(() =>
      country === undefined ? boards.page(offset, limit) : boards.countryPage(country, offset, limit),
    );
  }

  async standing(player: string, around: number): Promise<Outcome<PlayerStanding>> {
    return this.existing(() => this.entrants().standing(player, around));
  }

  /** Some players (friends) in board order with their ranks on it, and the names not on it. */
  async friends(players: string[]): Promise<Outcome<FriendsBoard>> {
    return this.board(() => this.boards().players(players));
  }

  async teams(offset: number, limit: number): Promise<Outcome<TeamBoard>> {
    return this.board(() => this.boards().teams(offset, limit));
  }

  async team(team: string, limit: number): Promise<Outcome<TeamDetail>> {
    return this.existing(async () => found(await this.boards().team(team, limit), () => teamNotFound(team)));
  }

  async mvps(offset: number, limit: number): Promise<Outcome<MvpBoard>> {
    return this.board(async () => ({ entries: (await this.boards().mvps(offset, limit)).entries }));
  }

  async trending(limit: number): Promise<Outcome<TrendingBoard>> {
    return this.board(async () => ({ entries: await this.boards().trending(limit) }));
  }

  async countries(offset: number, limit: number): Promise<Outcome<CountryBoard>> {
    return this.board(() => this.boards().countries(offset, limit));
  }

  /** A player's stats: results, reports, counters (and OpenSkill's mu and sigma). */
  async playerStats(player: string): Promise<Outcome<PlayerStats>> {
    const shards = this.shardSet();
    if (shards !== undefined) return await shards.of(player).playerStats(player);
    return this.existing(() => {
      const stats = this.restored.tables.stats.get(player);
      return found(stats && statsOf(player, stats, this.record.config.rating), () => statsNotFound(player));
    });
  }

  /** Closes the open season now (admin), as its boundary would; answers the closed season. */
  async closeSeason(): Promise<Outcome<SeasonSummary>> {
    return this.existing(async () => accepted(await this.restored.seasons.closeNow()));
  }

  /** The open season's pool, the split, and what a close would pay now. */
  async prizes(): Promise<Outcome<PrizeProjection>> {
    return this.existing(async () => accepted(await this.restored.seasons.projection()));
  }

  /** A closed season's awards. */
  async seasonAwards(season: number): Promise<Outcome<{ awards: AwardEntry[] }>> {
    return this.existing(() => {
      const awards = this.restored.seasons.awards(season);
      return found(awards && { awards }, () => seasonNotFound(season));
    });
  }

  /** Every season, newest first, the open one first with its live player count and leader. */
  async seasonList(): Promise<Outcome<{ seasons: SeasonSummary[] }>> {
    return this.existing(async () => accepted({ seasons: await this.restored.seasons.list() }));
  }

  /** One season's summary: a closed one, or the open one (live). */
  async season(season: number): Promise<Outcome<SeasonSummary>> {
    return this.existing(async () => found(await this.restored.seasons.summary(season), () => seasonNotFound(season)));
  }

  /**
   * Deletes the game: its storage, alarm, spectators' sockets and directory
   * row, and with `withHistory` its history in D1. Nothing else runs on the
   * object meanwhile, so no report lands in between and no directory write
   * in flight brings the row back. A later report starts a fresh game.
   */
  async deleteGame(game: string, withHistory: boolean): Promise<Outcome<null>> {
    if (this.record.game === undefined && !withHistory) return refused(gameNotFound());
    let existed = this.record.game !== undefined;
    const shards = this.shardSet();
    await this.directory.pausedFor(() =>
      this.ctx.blockConcurrencyWhile(async () => {
        if (existed) await this.spectators.closeAll("the game was deleted");
        await shards?.delete();
        this.restored.maintenance.stop();
        await this.ctx.storage.deleteAlarm();
        await this.ctx.storage.deleteAll();
        await this.restore();
        await this.directory.remove(game);
        if (withHistory) {
          existed = (await this.historyWriter.deleteGame(game)) || existed;
          await this.archiveWriter.deleteGame(game);
        }
      }),
    );
    return existed ? accepted(null) : refused(gameNotFound());
  }

  /** Answers `read` for a game that exists, its board's window applied as of now; 404 otherwise. */
  private async existing<T>(
    read: (game: string, now: number) => Outcome<T> | Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    if (this.record.game === undefined) return refused(gameNotFound());
    const now = Date.now();
    this.players.at(now);
    return read(this.record.game, now);
  }

  /** One of the game's boards: what `read` finds, headed by the game's name and last change. */
  private async board<T extends object>(
    read: (now: number) => T | Promise<T>,
  ): Promise<Outcome<{ game: string; updatedAt: number } & T>> {
    return this.existing(async (game, now) => {
      const found = await read(now);
      return accepted({ game, updatedAt: this.record.updatedAt, ...found });
    });
  }

  /** A write for this object's players; a sharded game's go to its shards, where the Worker routes them again. */
  private unsharded<T>(write: () => Outcome<T>): Outcome<T> {
    const { config } = this.record;
    return config.shards > 1 ? refused(shardsChanged(config.shards, gated(config))) : write();
  }

  /** The game's boards: this object's own, or its shards', entries in their tiers. */
  private boards(): GameBoards {
    const boards = this.shardSet()?.boards() ?? new LocalBoards(this.reads, (now) => this.players.at(now));
    return new TieredBoards(boards, this.record.config);
  }

  private entrants(): Entrants {
    const season = this.restored.seasons.current().number;
    return new Entrants(this.players, this.shardSet(), this.boards(), this.record.config, season);
  }

  /** The game's shards, when its players are spread over several objects. */
  private shardSet(): ShardSet | undefined {
    return this.restored.link.shards(this.record.game, this.record.config);
  }

  /** Builds the in-memory state from storage: at construction, and after a deletion. */
  private async restore(): Promise<void> {
    const now = Date.now();
    const tables = new GameTables(this.ctx.storage, resetOnRollback(this.ctx));
    const { meta, log, stats, gainSpent, schema } = tables;
    this.record = new GameRecord(meta, schema);
    const clock = new AlarmClock(this.ctx, tables.schema.exists);
    const loader = new BoardLoader(tables, new GainAllowance(gainSpent.recent(now)));
    const history = new HistorySampler(
      this.ctx,
      this.historyWriter,
      {
        game: () => this.record.game,
        settings: () => this.record.config,
        top: (limit) => this.boards().page(0, limit),
      },
      clock,
      tables.schema,
    );
    const seasons = gameSeasons(this.seasonsHost, tables, clock, loader);
    const maintenance = new Maintenance(tables, {
      seasonStep: () => this.restored.seasons.step(),
      states: () => this.players.board.states(),
      trend: () => this.record.config.trend,
    });
    const players = new PlayerBoard(
      tables,
      this.record,
      loader,
      maintenance,
      {
        created: (at) => seasons.start(at),
        feed: (rise) => seasons.feed(rise),
        keepForArchive: (reports) => history.keepForArchive(reports),
        archiveQueued: (at) => history.archiveQueued(at),
        changed: (at) => this.changed(at),
      },
      now,
    );
    const hooks = EventHooks.over(tables, clock, seasons, this.env.WEBHOOK_SECRET, {
      game: () => this.record.game,
      config: () => this.record.config,
      top: async (limit) => (await this.boards().page(0, limit)).entries,
    });
    const link = new ShardLink(this.env.SHARD);
    this.restored = { tables, clock, seasons, hooks, history, maintenance, players, link };
    seasons.resume(now);
    await clock.resume();
    if (this.record.game !== undefined) this.directory.changed();
    if (log.compactionDue || stats.flushDue) maintenance.schedule();
  }

  private get players(): PlayerBoard {
    return this.restored.players;
  }

  private get reads(): BoardReads {
    return this.restored.players.reads;
  }

  private changed(now: number): void {
    this.record.updatedAt = now;
    this.directory.changed();
    const shards = this.shardSet();
    if (shards === undefined) this.spectators.changed();
    else void this.restored.link.refreshViews(shards, this.spectators);
    this.restored.history.changed(now);
    this.restored.hooks.changed(now);
    this.restored.maintenance.scheduleIfDue();
  }

  private directoryEntry() {
    const sharded = this.record.config.shards > 1;
    return directoryRow(this.record, {
      players: sharded ? this.restored.link.players : this.players.board.rankedPlayers,
      leader: sharded ? this.restored.link.leader(this.record.config.order) : this.reads.page(0, 1)[0],
      season: this.restored.seasons.current().number,
      spectators: this.spectators.connected,
    });
  }
}
