import { DurableObject } from "cloudflare:workers";
import { GainAllowance } from "../engine/gain-allowance";
import type { Plan, Ranking } from "../engine/ranking";
import type {
  CountryBoard,
  GameInfo,
  Leaderboard,
  MvpBoard,
  PlayerStanding,
  TeamBoard,
  TeamDetail,
  TrendingBoard,
} from "../protocol/boards";
import type { GameConfig, GameConfigPatch } from "../protocol/config";
import {
  accepted,
  errorResponse,
  found,
  gameNotFound,
  type Outcome,
  playerNotFound,
  ratedGame,
  refused,
  seasonNotFound,
  statsNotFound,
  teamNotFound,
} from "../protocol/errors";
import type { Accepted, Profile, ProfileBody, ScoreReport } from "../protocol/reports";
import { groupsOf, type MatchResult, type PlayerEvent, type PlayerStats } from "../protocol/results";
import type { AwardEntry, PrizeProjection, SeasonSummary } from "../protocol/seasons";
import { AlarmClock } from "./alarm/alarm-clock";
import { BoardLoader, rulesOf } from "./board-loader";
import { changeConfig } from "./config-change";
import { planEvents } from "./events";
import { DirectoryPublisher } from "./history/directory";
import { HistorySampler } from "./history/sampler";
import { HistoryWriter } from "./history/writer";
import { Spectators } from "./live/spectators";
import { viewSpecOf } from "./live/views";
import { Maintenance } from "./maintenance";
import { BoardReads } from "./reads";
import { joinCountries, overLimits, planReports, readReports, reportCounts } from "./reports";
import { planResults, statsOf } from "./results";
import { ArchiveWriter } from "./seasons/archive-writer";
import { SeasonBook } from "./seasons/season-book";
import { type SeasonHost, SeasonWorkflow } from "./seasons/season-workflow";
import { attempt, type Delivery } from "./seasons/webhook";
import { GameRecord } from "./storage/game-record";
import { GameTables } from "./storage/tables";

/** What the object rebuilds from its storage at each start (and after a deletion). */
interface Restored {
  tables: GameTables;
  clock: AlarmClock;
  seasons: SeasonWorkflow;
  history: HistorySampler;
  maintenance: Maintenance;
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
  private ranking!: Ranking;
  private readonly reads: BoardReads;
  private readonly directory: DirectoryPublisher;
  private readonly spectators: Spectators;
  private readonly historyWriter: HistoryWriter;
  private readonly archiveWriter: ArchiveWriter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.historyWriter = new HistoryWriter(env.DB);
    this.archiveWriter = new ArchiveWriter(env.DB);
    this.directory = new DirectoryPublisher(env.DB, () => this.directoryEntry());
    this.reads = new BoardReads(
      () => this.ranking,
      () => this.restored.tables.profiles,
    );
    this.spectators = new Spectators(
      ctx,
      () => this.ranking,
      () => this.reads,
      () => this.record.config,
    );
    ctx.blockConcurrencyWhile(async () => this.restore());
  }

  /** Live spectators: the Worker forwards validated websocket upgrades here. */
  override async fetch(request: Request): Promise<Response> {
    if (this.record.game === undefined) return errorResponse(gameNotFound());
    return this.spectators.accept(viewSpecOf(new URL(request.url).searchParams));
  }

  /** The duties due: season boundaries and their archive, history snapshots, archive and retention. */
  override async alarm(): Promise<void> {
    // A deletion while D1 answers restores new parts: each is read after the awaits.
    const firedFor = this.restored.clock.fired();
    await this.restored.seasons.alarm(firedFor);
    await this.restored.history.alarm(firedFor);
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

  async applyReports(game: string, reports: ScoreReport[]): Promise<Outcome<Accepted>> {
    const now = Date.now();
    if (this.record.config.rating !== "none") return refused(ratedGame(this.record.config.rating));
    const { tables, history } = this.restored;
    const { items, positions, newIds } = tables.ids.partition(reports, (r) => r.id);
    const batch = readReports(items, now);
    const planned = planReports(this.ranking, batch.reports, positions, this.record.config, now);
    if (!planned.ok) return planned;
    const plan = planned.value;
    const { states } = plan;
    // Players new to the board may have a profile already (set before their first score).
    const newcomers = tables.profiles.count > 0 ? states.filter((s) => !this.ranking.knows(s.player)) : [];
    this.commit(game, plan, newIds, now, () => {
      if (plan.charged !== undefined) tables.gainSpent.write(plan.charged.record);
      if (this.record.config.archive) history.keepForArchive(batch.reports);
      for (const [player, change] of batch.profiles) tables.profiles.set(player, change);
      tables.stats.countReports(reportCounts(batch.reports, plan.peaks), this.record.config.order === "desc");
    });
    joinCountries(this.ranking, tables.profiles, newcomers, batch.profiles);
    if (states.length > 0 || batch.profiles.size > 0) this.changed(now);
    if (this.record.config.archive && items.length > 0) history.archiveQueued(now);
    return accepted({ accepted: items.length, duplicates: reports.length - items.length });
  }

  /**
   * Match results, in order: stats for every player (played, wins, losses,
   * draws, streaks), and on a rated game the board's scores (wins, ELO or
   * OpenSkill). Planned whole, persisted in one transaction, then applied.
   */
  async applyResults(game: string, results: MatchResult[]): Promise<Outcome<Accepted>> {
    const now = Date.now();
    const { tables } = this.restored;
    const { items, newIds } = tables.ids.partition(results, (r) => (r.id === undefined ? undefined : `result:${r.id}`));
    const fresh = items.map((result) => ({ groups: groupsOf(result), ts: result.ts ?? now }));
    const plan = planResults(fresh, {
      config: this.record.config,
      stats: tables.stats.many([...new Set(fresh.flatMap((r) => r.groups.flat()))]),
      scoreOf: (player) => this.ranking.state(player),
      trending: this.record.config.trend !== null,
    });
    const over = overLimits(this.ranking, plan, this.record.config);
    if (over !== undefined) return refused(over);
    this.commit(game, plan, newIds, now, () => tables.stats.write(plan.stats));
    if (plan.states.length > 0) this.changed(now);
    return accepted({ accepted: items.length, duplicates: results.length - items.length });
  }

  /** Custom counters: each grows by its increment; at most MAX_COUNTERS per player. Refused whole. */
  async applyEvents(game: string, events: PlayerEvent[]): Promise<Outcome<Accepted>> {
    const now = Date.now();
    const { tables, maintenance } = this.restored;
    const { items, newIds } = tables.ids.partition(events, (e) => (e.id === undefined ? undefined : `event:${e.id}`));
    const planned = planEvents(items, tables.stats.many([...new Set(items.map((e) => e.player))]), now);
    if (!planned.ok) return planned;
    tables.transaction(() => {
      this.create(game, now);
      tables.ids.add(newIds, now);
      tables.stats.write(planned.value);
    });
    maintenance.scheduleIfDue();
    maintenance.written(now, { ids: newIds.length > 0, trended: false });
    return accepted({ accepted: items.length, duplicates: events.length - items.length });
  }

  async configure(game: string, patch: GameConfigPatch): Promise<Outcome<GameConfig>> {
    const now = Date.now();
    const changed = changeConfig(this.record.config, patch, this.ranking.knownPlayers);
    if (!changed.ok) return changed;
    const config = changed.value;
    const { tables, seasons } = this.restored;
    const rescheduled = tables.transaction(() => {
      this.create(game, now);
      this.record.recordConfig(config, now);
      return seasons.reconfigure(this.record.config, config, now);
    });
    if (rescheduled) seasons.arm(now);
    this.record.config = config;
    this.ranking.reconfigure(rulesOf(config), now);
    this.ranking.setTrend(config.trend ?? undefined);
    this.reads.reset();
    this.changed(now);
    return accepted(config);
  }

  /** Sets a player's display name and/or country (creating the game if needed); the player need not have scored. */
  async setProfile(game: string, player: string, change: ProfileBody): Promise<Outcome<Profile>> {
    const now = Date.now();
    const { tables } = this.restored;
    const profile = tables.transaction(() => {
      this.create(game, now);
      this.record.recordUpdate(now);
      return tables.profiles.set(player, change);
    });
    if (change.country !== undefined) this.ranking.setCountry(player, change.country);
    this.changed(now);
    return accepted({ player, ...profile });
  }

  async removePlayer(player: string): Promise<Outcome<null>> {
    return this.existing(() => {
      if (this.ranking.state(player) === undefined) return refused(playerNotFound(player));
      const now = Date.now();
      const { tables } = this.restored;
      tables.transaction(() => {
        tables.removePlayer(player);
        this.record.recordUpdate(now);
      });
      this.ranking.remove(player);
      this.changed(now);
      return accepted(null);
    });
  }

  async info(): Promise<Outcome<GameInfo>> {
    const { config } = this.record;
    return this.board(() => ({ config, players: this.ranking.rankedPlayers, season: this.restored.seasons.current() }));
  }

  /** A page of the board, or with `country` of that country's players (ranked within it, with `globalRank`). */
  async leaderboard(offset: number, limit: number, country?: string): Promise<Outcome<Leaderboard>> {
    return this.board(() => ({
      total: this.reads.total("players", country),
      entries: country === undefined ? this.reads.page(offset, limit) : this.reads.countryPage(country, offset, limit),
    }));
  }

  async standing(player: string, around: number): Promise<Outcome<PlayerStanding>> {
    return this.existing(() => found(this.reads.standing(player, around), () => playerNotFound(player)));
  }

  async teams(offset: number, limit: number): Promise<Outcome<TeamBoard>> {
    return this.board(() => ({ total: this.reads.total("teams"), entries: this.reads.teams(offset, limit) }));
  }

  async team(team: string, limit: number): Promise<Outcome<TeamDetail>> {
    return this.existing(() => found(this.reads.team(team, limit), () => teamNotFound(team)));
  }

  async mvps(offset: number, limit: number): Promise<Outcome<MvpBoard>> {
    return this.board(() => ({ entries: this.reads.mvps(offset, limit) }));
  }

  async trending(limit: number): Promise<Outcome<TrendingBoard>> {
    return this.board((now) => ({ entries: this.reads.trending(now, limit) }));
  }

  async countries(offset: number, limit: number): Promise<Outcome<CountryBoard>> {
    return this.board(() => ({ total: this.reads.total("countries"), entries: this.reads.countries(offset, limit) }));
  }

  /** A player's stats: results, reports, counters (and OpenSkill's mu and sigma). */
  async playerStats(player: string): Promise<Outcome<PlayerStats>> {
    return this.existing(() => {
      const stats = this.restored.tables.stats.get(player);
      return found(stats && statsOf(player, stats, this.record.config.rating), () => statsNotFound(player));
    });
  }

  /** Closes the open season now (admin), as its boundary would; answers the closed season. */
  async closeSeason(): Promise<Outcome<SeasonSummary>> {
    return this.existing(() => accepted(this.restored.seasons.closeNow()));
  }

  /** The open season's pool, the split, and what a close would pay now. */
  async prizes(): Promise<Outcome<PrizeProjection>> {
    return this.existing(() => accepted(this.restored.seasons.projection()));
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
    return this.existing(() => accepted({ seasons: this.restored.seasons.list() }));
  }

  /** One season's summary: a closed one, or the open one (live). */
  async season(season: number): Promise<Outcome<SeasonSummary>> {
    return this.existing(() => found(this.restored.seasons.summary(season), () => seasonNotFound(season)));
  }

  /**
   * Deletes the game: its storage, alarm, spectators' sockets and directory
   * row, and with `withHistory` its history in D1. Nothing else runs on the
   * object meanwhile, so no report lands in between and no directory write
   * in flight brings the row back. A later report starts a fresh game.
   */
  async deleteGame(game: string, withHistory: boolean): Promise<Outcome<null>> {
    if (this.record.game === undefined && !withHistory) return refused(gameNotFound());
    let found = this.record.game !== undefined;
    await this.directory.pausedFor(() =>
      this.ctx.blockConcurrencyWhile(async () => {
        this.spectators.closeAll("the game was deleted");
        this.restored.maintenance.stop();
        await this.ctx.storage.deleteAlarm();
        await this.ctx.storage.deleteAll();
        await this.restore();
        await this.directory.remove(game);
        if (withHistory) {
          found = (await this.historyWriter.deleteGame(game)) || found;
          await this.archiveWriter.deleteGame(game);
        }
      }),
    );
    return found ? accepted(null) : refused(gameNotFound());
  }

  /** Answers `read` for a game that exists, its board's window applied as of now; 404 otherwise. */
  private existing<T>(read: (game: string, now: number) => Outcome<T>): Outcome<T> {
    if (this.record.game === undefined) return refused(gameNotFound());
    const now = Date.now();
    this.boardAt(now);
    return read(this.record.game, now);
  }

  /** One of the game's boards: what `read` finds, headed by the game's name and last change. */
  private board<T extends object>(read: (now: number) => T): Outcome<{ game: string; updatedAt: number } & T> {
    return this.existing((game, now) => accepted({ game, updatedAt: this.record.updatedAt, ...read(now) }));
  }

  /** Builds the in-memory state from storage: at construction, and after a deletion. */
  private async restore(): Promise<void> {
    const now = Date.now();
    const tables = new GameTables(this.ctx.storage);
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
        top: (limit) => ({ total: this.boardAt(Date.now()).rankedPlayers, entries: this.ranking.page(0, limit) }),
      },
      clock,
      tables.schema,
    );
    const seasons = this.seasonWorkflow(tables, clock, loader);
    const maintenance = new Maintenance(tables, {
      seasonStep: () => this.restored.seasons.step(),
      states: () => this.ranking.states(),
      trend: () => this.record.config.trend,
    });
    this.restored = { tables, clock, seasons, history, maintenance };
    this.ranking = loader.open(this.record.config, now);
    this.reads.reset();
    seasons.resume(now);
    await clock.resume();
    if (this.record.game !== undefined) this.directory.changed();
    if (log.compactionDue || stats.flushDue) maintenance.schedule();
  }

  /** The season workflow over this object's storage, board and D1. */
  private seasonWorkflow(tables: GameTables, clock: AlarmClock, loader: BoardLoader): SeasonWorkflow {
    const book = new SeasonBook(tables.sql, tables.schema, this.record.createdAt);
    const secret = this.env.WEBHOOK_SECRET;
    const host: SeasonHost = {
      game: () => this.record.game,
      config: () => this.record.config,
      board: (now) => this.boardAt(now),
      retireBoard: (now) => {
        this.restored.maintenance.dropCompaction();
        tables.trendLog.clear();
        this.record.recordUpdate(now);
      },
      openBoard: (now) => {
        this.ranking = loader.empty(this.record.config, now);
        this.reads.reset();
        this.changed(now);
      },
      background: () => this.restored.maintenance.schedule(),
    };
    const deliver = (delivery: Delivery, body: string) => attempt(delivery, body, secret);
    return new SeasonWorkflow(host, { book, tables, loader, clock, archive: this.archiveWriter, deliver });
  }

  /**
   * Persists a planned batch in one transaction, with `alongside` (what else
   * the batch records), then applies it to the board.
   */
  private commit(game: string, plan: Plan, newIds: readonly string[], now: number, alongside: () => void): void {
    const { tables, seasons, maintenance } = this.restored;
    tables.transaction(() => {
      this.create(game, now);
      tables.log.append(plan.states);
      tables.ids.add(newIds, now);
      tables.trendLog.append(plan.gains, now);
      if (plan.states.length > 0) this.record.recordUpdate(now);
      seasons.feed(plan.rise);
      alongside();
    });
    this.ranking.apply(plan, now);
    maintenance.written(now, { ids: newIds.length > 0, trended: plan.gains.length > 0 });
  }

  /** The open board, the players whose ts left the window by `now` taken off. */
  private boardAt(now: number): Ranking {
    this.ranking.expire(now);
    return this.ranking;
  }

  /** Records the game with its first write; call inside that write's transaction. */
  private create(game: string, now: number): void {
    if (this.record.create(game, now)) this.restored.seasons.start(now);
  }

  private changed(now: number): void {
    this.record.updatedAt = now;
    this.directory.changed();
    this.spectators.changed();
    this.restored.history.changed(now);
    this.restored.maintenance.scheduleIfDue();
  }

  private directoryEntry() {
    const { game, updatedAt, createdAt } = this.record;
    return game === undefined ? undefined : { game, players: this.ranking.rankedPlayers, updatedAt, createdAt };
  }
}
