import { DurableObject } from "cloudflare:workers";
import { GainAllowance } from "../engine/gain-allowance";
import { Ranking } from "../engine/ranking";
import { type RankingRules, type Report, ScoreOverflowError } from "../engine/rules";
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
import { DEFAULT_CONFIG, type GameConfig, type GameConfigPatch } from "../protocol/config";
import {
  aggregateLocked,
  boardFull,
  counterOverflow,
  errorResponse,
  gameNotFound,
  invalidRequest,
  type Outcome,
  playerNotFound,
  ratedGame,
  ratingLocked,
  refused,
  scoreOutOfBounds,
  scoreOutOfRange,
  seasonNotFound,
  statsNotFound,
  teamNotFound,
  tooManyCounters,
  tooManyTeams,
} from "../protocol/errors";
import type { Accepted, Profile, ProfileBody, ScoreReport } from "../protocol/reports";
import { groupsOf, MAX_COUNTERS, type MatchResult, type PlayerEvent, type PlayerStats } from "../protocol/results";
import { type AwardEntry, nextBoundary, type PrizeProjection, type SeasonSummary } from "../protocol/seasons";
import { AlarmClock } from "./alarm/alarm-clock";
import { DirectoryPublisher } from "./history/directory";
import { HistorySampler } from "./history/sampler";
import { HistoryWriter } from "./history/writer";
import { Spectators } from "./live/spectators";
import type { ViewSpec } from "./live/views";
import { BoardReads } from "./reads";
import { planResults, reportCounts } from "./results";
import { ArchiveWriter } from "./seasons/archive-writer";
import { lastPaidPosition, MICROS, poolGrowth, splitPool } from "./seasons/prizes";
import { SeasonBook, STANDINGS_PART } from "./seasons/season-book";
import { attempt } from "./seasons/webhook";
import { BatchLog } from "./storage/batch-log";
import { GainSpentTable } from "./storage/gain-spent";
import { MetaTable } from "./storage/meta";
import { ProfileTable, type StoredProfile } from "./storage/profiles";
import { ReportIds } from "./storage/report-ids";
import { ObjectSchema } from "./storage/schema";
import { newStats, StatsTable, type StoredStats } from "./storage/stats";
import { TrendLog } from "./storage/trend-log";

const ID_SWEEP_EVERY_MS = 10 * 60 * 1000;
const TREND_PRUNE_EVERY_MS = 10_000;
/** Parts of standings (STANDINGS_PART players each) per D1 batch when a season is copied. */
const COPY_PARTS = 4;
const COPY_RETRY_MS = 1000;
/** Between two batches of a copy, the object is left to requests this long. */
const COPY_PAUSE_MS = 20;
/** Parts of standings (STANDINGS_PART players each) written to the outbox per background step. */
const STAGE_PARTS = 4;
const COPY_RETRY_MAX_MS = 5 * 60 * 1000;

/**
 * One game's board. Every call from the Worker names the game (the object
 * cannot learn its name from its id); the object remembers it once created.
 * Writes go to SQLite first and to the engine after, so an answer always
 * describes durable state (responses wait on the output gate).
 */
export class GameBoard extends DurableObject<Env> {
  private schema!: ObjectSchema;
  private meta!: MetaTable;
  private log!: BatchLog;
  private ids!: ReportIds;
  private profiles!: ProfileTable;
  private stats!: StatsTable;
  private clock!: AlarmClock;
  private seasons!: SeasonBook;
  private readonly archiveWriter: ArchiveWriter;
  /** While D1 refuses a season's copy: when to try again (kept in memory; a restart tries at once). */
  private copyRetryAt = 0;
  /** A closed season's board while its standings are written to the outbox (see stageStandings). */
  private archiving: { season: number; reads: BoardReads; total: number; part: number } | undefined;
  private copyFailures = 0;
  private trendLog!: TrendLog;
  private ranking!: Ranking;
  private readonly reads: BoardReads;
  private config: GameConfig = DEFAULT_CONFIG;
  private game: string | undefined;
  private createdAt = 0;
  private updatedAt = 0;
  private gainSpent!: GainSpentTable;
  /** Each player's gain allowance, across the game's boards (a season close starts a board, not allowances). */
  private gainAllowance!: GainAllowance;
  private directory: DirectoryPublisher;
  private spectators: Spectators;
  private history!: HistorySampler;
  private readonly historyWriter: HistoryWriter;
  private maintenance: ReturnType<typeof setTimeout> | undefined;
  private compactionStep: (() => boolean) | undefined;
  private nextIdSweep = 0;
  private nextTrendPrune = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.historyWriter = new HistoryWriter(env.DB);
    this.archiveWriter = new ArchiveWriter(env.DB);
    this.directory = new DirectoryPublisher(env.DB, () => this.directoryEntry());
    this.reads = new BoardReads(
      () => this.ranking,
      () => this.profiles,
    );
    this.spectators = new Spectators(
      ctx,
      () => this.ranking,
      () => this.reads,
      () => this.config,
    );
    ctx.blockConcurrencyWhile(async () => this.restore());
  }

  /** Live spectators: the Worker forwards validated websocket upgrades here. */
  override async fetch(request: Request): Promise<Response> {
    if (this.game === undefined) {
      return errorResponse(gameNotFound());
    }
    // The Worker validated the query: read it back as it wrote it.
    const query = new URL(request.url).searchParams;
    const spec: ViewSpec = { limit: Number(query.get("limit")), around: Number(query.get("around")) };
    const board = query.get("board") as ViewSpec["board"] | null;
    if (board !== null && board !== "players") spec.board = board;
    const player = query.get("player");
    if (player !== null) spec.player = player;
    const country = query.get("country");
    if (country !== null) spec.country = country;
    return this.spectators.accept(spec);
  }

  /** The duties due: season boundaries and their archive, history snapshots, archive and retention. */
  override async alarm(): Promise<void> {
    const firedFor = this.clock.fired();
    await this.seasonDuties(firedFor);
    if (this.game !== undefined) this.armSeasonDuties(Date.now());
    await this.history.alarm(firedFor);
    this.clock.settle();
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
    if (this.config.rating !== "none") return refused(ratedGame(this.config.rating));
    const ids = reports.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    const seen = ids.length > 0 ? this.ids.known(ids) : new Set<string>();
    const fresh: (Report & { id?: string })[] = [];
    /** Each fresh report's index in `reports`, which a refusal names. */
    const sentAt: number[] = [];
    const newIds: string[] = [];
    const profileChanges = new Map<string, StoredProfile>();
    for (const [index, { player, score, ts, id, team, name, country }] of reports.entries()) {
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
        newIds.push(id);
      }
      const report: Report & { id?: string } = { player, score, ts: ts ?? now };
      if (team !== undefined) report.team = team;
      if (id !== undefined) report.id = id;
      fresh.push(report);
      sentAt.push(index);
      if (name !== undefined || country !== undefined) {
        const change = { ...profileChanges.get(player) };
        if (name !== undefined) change.name = name;
        if (country !== undefined) change.country = country;
        profileChanges.set(player, change);
      }
    }
    let plan: ReturnType<Ranking["plan"]>;
    try {
      plan = this.ranking.plan(fresh, this.config.bounds, now);
    } catch (error) {
      if (error instanceof ScoreOverflowError) {
        return refused(scoreOutOfRange(error.message));
      }
      throw error;
    }
    if (plan.violations.length > 0) {
      return refused(scoreOutOfBounds(plan.violations.map((v) => ({ ...v, index: sentAt[v.index] }))));
    }
    const { states } = plan;
    const room = this.config.maxPlayers - this.ranking.knownPlayers;
    if (states.length > room) {
      const added = this.ranking.countNew(states);
      if (added > room) {
        return refused(boardFull(this.ranking.knownPlayers, this.config.maxPlayers, added));
      }
    }
    const newTeams = new Set(
      states.flatMap((s) => (s.team === undefined || this.ranking.derived.knowsTeam(s.team) ? [] : [s.team])),
    );
    if (newTeams.size > 0 && this.ranking.derived.knownTeams + newTeams.size > this.config.maxTeams) {
      return refused(tooManyTeams(this.ranking.derived.knownTeams, this.config.maxTeams, newTeams.size));
    }
    // Players new to the board may have a profile already (set before their first score).
    const newcomers = this.profiles.count > 0 ? states.filter((s) => !this.ranking.knows(s.player)) : [];
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.log.append(states);
      this.ids.add(newIds, now);
      if (plan.charged !== undefined) this.gainSpent.write(plan.charged.record);
      if (states.length > 0) this.meta.write("updatedAt", now);
      if (this.config.archive) this.history.keepForArchive(fresh);
      this.trendLog.append(plan.gains, now);
      for (const [player, change] of profileChanges) this.profiles.set(player, change);
      this.feedPool(plan.rise);
      this.stats.countReports(reportCounts(fresh, plan.peaks), this.config.order === "desc");
    });
    this.ranking.apply(plan, now);
    for (const [player, profile] of this.profiles.many(newcomers.map((s) => s.player))) {
      if (profile.country !== undefined && !profileChanges.has(player))
        this.ranking.setCountry(player, profile.country);
    }
    for (const [player, change] of profileChanges) {
      if (change.country !== undefined) this.ranking.setCountry(player, change.country);
    }
    if (states.length > 0 || profileChanges.size > 0) this.changed(now);
    if (plan.gains.length > 0 && now >= this.nextTrendPrune) this.pruneTrendLog(now);
    if (this.config.archive && fresh.length > 0) this.history.archiveQueued(now);
    if (newIds.length > 0 && now >= this.nextIdSweep) this.scheduleMaintenance();
    return { ok: true, value: { accepted: fresh.length, duplicates: reports.length - fresh.length } };
  }

  async info(): Promise<Outcome<GameInfo>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    return {
      ok: true,
      value: {
        game: this.game,
        config: this.config,
        players: this.ranking.rankedPlayers,
        updatedAt: this.updatedAt,
        season: this.seasons.current(this.createdAt),
      },
    };
  }

  async configure(game: string, patch: GameConfigPatch): Promise<Outcome<GameConfig>> {
    const now = Date.now();
    if (patch.aggregate !== undefined && patch.aggregate !== this.config.aggregate && this.ranking.knownPlayers > 0) {
      return refused(aggregateLocked(this.ranking.knownPlayers));
    }
    if (patch.rating !== undefined && patch.rating !== this.config.rating && this.ranking.knownPlayers > 0) {
      return refused(ratingLocked(this.ranking.knownPlayers));
    }
    const config = { ...this.config, ...patch };
    // A first report gains from the worst score allowed; lower being better, that is max, and 0 would be the best.
    if (config.order === "asc" && config.bounds.maxGainPerSecond !== undefined && config.bounds.max === undefined) {
      return refused(
        invalidRequest("bounds.maxGainPerSecond on a board where lower is better needs bounds.max", [
          { path: "bounds.max", message: "needed with maxGainPerSecond when order is asc" },
        ]),
      );
    }
    const rescheduled =
      patch.season !== undefined && JSON.stringify(patch.season) !== JSON.stringify(this.config.season);
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.meta.write("config", config);
      this.meta.write("updatedAt", now);
      // A new schedule ends the open season at its next boundary from now.
      if (rescheduled)
        this.seasons.schedule(this.createdAt, config.season === null ? null : nextBoundary(config.season, now));
      // Prizes set on a game without a pool start it at the seed, as a season would.
      if (config.prizes !== null && this.config.prizes === null && this.seasons.pool === 0) {
        this.seasons.feed(this.createdAt, Math.floor(config.prizes.poolSeed * MICROS));
      }
    });
    if (rescheduled) this.armSeasonDuties(now);
    this.config = config;
    this.ranking.reconfigure(rulesOf(config), now);
    this.ranking.setTrend(config.trend ?? undefined);
    this.reads.reset();
    this.changed(now);
    return { ok: true, value: config };
  }

  /** A page of the board, or with `country` of that country's players (ranked within it, with `globalRank`). */
  async leaderboard(offset: number, limit: number, country?: string): Promise<Outcome<Leaderboard>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const entries =
      country === undefined ? this.reads.page(offset, limit) : this.reads.countryPage(country, offset, limit);
    const total = country === undefined ? this.ranking.rankedPlayers : this.reads.countryTotal(country);
    return { ok: true, value: { game: this.game, updatedAt: this.updatedAt, total, entries } };
  }

  async standing(player: string, around: number): Promise<Outcome<PlayerStanding>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const standing = this.reads.standing(player, around);
    return standing === undefined ? refused(playerNotFound(player)) : { ok: true, value: standing };
  }

  async teams(offset: number, limit: number): Promise<Outcome<TeamBoard>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const entries = this.reads.teams(offset, limit);
    return {
      ok: true,
      value: { game: this.game, updatedAt: this.updatedAt, total: this.ranking.derived.rankedTeams, entries },
    };
  }

  async team(team: string, limit: number): Promise<Outcome<TeamDetail>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const detail = this.reads.team(team, limit);
    return detail === undefined ? refused(teamNotFound(team)) : { ok: true, value: detail };
  }

  async mvps(offset: number, limit: number): Promise<Outcome<MvpBoard>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    return { ok: true, value: { game: this.game, updatedAt: this.updatedAt, entries: this.reads.mvps(offset, limit) } };
  }

  async trending(limit: number): Promise<Outcome<TrendingBoard>> {
    if (this.game === undefined) return refused(gameNotFound());
    const now = Date.now();
    this.ranking.expire(now);
    return {
      ok: true,
      value: { game: this.game, updatedAt: this.updatedAt, entries: this.reads.trending(now, limit) },
    };
  }

  async countries(offset: number, limit: number): Promise<Outcome<CountryBoard>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const entries = this.reads.countries(offset, limit);
    return {
      ok: true,
      value: { game: this.game, updatedAt: this.updatedAt, total: this.ranking.derived.rankedCountries, entries },
    };
  }

  /**
   * Match results, in order: stats for every player (played, wins, losses,
   * draws, streaks), and on a rated game the board's scores (wins, ELO or
   * OpenSkill). Planned whole, persisted in one transaction, then applied.
   */
  async applyResults(game: string, results: MatchResult[]): Promise<Outcome<Accepted>> {
    const now = Date.now();
    const keyed = results.map((r) => ({ result: r, key: r.id === undefined ? undefined : `result:${r.id}` }));
    const seen = this.ids.known(keyed.flatMap((r) => (r.key === undefined ? [] : [r.key])));
    const fresh: { groups: string[][]; ts: number }[] = [];
    const newIds: string[] = [];
    for (const { result, key } of keyed) {
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
        newIds.push(key);
      }
      fresh.push({ groups: groupsOf(result), ts: result.ts ?? now });
    }
    const plan = planResults(fresh, {
      config: this.config,
      stats: this.stats.many([...new Set(fresh.flatMap((r) => r.groups.flat()))]),
      scoreOf: (player) => this.ranking.state(player),
      trending: this.config.trend !== null,
    });
    const room = this.config.maxPlayers - this.ranking.knownPlayers;
    if (plan.states.length > room) {
      const added = this.ranking.countNew(plan.states);
      if (added > room) return refused(boardFull(this.ranking.knownPlayers, this.config.maxPlayers, added));
    }
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.log.append(plan.states);
      this.ids.add(newIds, now);
      this.trendLog.append(plan.gains, now);
      if (plan.states.length > 0) this.meta.write("updatedAt", now);
      this.feedPool(plan.rise);
      this.stats.write(plan.stats);
    });
    this.ranking.apply(plan, now);
    if (plan.states.length > 0) this.changed(now);
    if (newIds.length > 0 && now >= this.nextIdSweep) this.scheduleMaintenance();
    return { ok: true, value: { accepted: fresh.length, duplicates: results.length - fresh.length } };
  }

  /** Custom counters: each grows by its increment; at most MAX_COUNTERS per player. Refused whole. */
  async applyEvents(game: string, events: PlayerEvent[]): Promise<Outcome<Accepted>> {
    const now = Date.now();
    const keyed = events.map((e) => ({ event: e, key: e.id === undefined ? undefined : `event:${e.id}` }));
    const seen = this.ids.known(keyed.flatMap((e) => (e.key === undefined ? [] : [e.key])));
    const rows = this.stats.many([...new Set(events.map((e) => e.player))]);
    const changed = new Map<string, StoredStats>();
    const newIds: string[] = [];
    let accepted = 0;
    for (const { event, key } of keyed) {
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
        newIds.push(key);
      }
      const stats = changed.get(event.player) ?? structuredClone(rows.get(event.player) ?? newStats(now));
      for (const [name, increment] of Object.entries(event.counters)) {
        const value = (stats.counters[name] ?? 0) + increment;
        if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return refused(counterOverflow(event.player, name));
        stats.counters[name] = value;
      }
      if (Object.keys(stats.counters).length > MAX_COUNTERS)
        return refused(tooManyCounters(event.player, MAX_COUNTERS));
      stats.lastSeen = Math.max(stats.lastSeen, now);
      changed.set(event.player, stats);
      accepted++;
    }
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.ids.add(newIds, now);
      this.stats.write(changed);
    });
    if (this.stats.flushDue || (newIds.length > 0 && now >= this.nextIdSweep)) this.scheduleMaintenance();
    return { ok: true, value: { accepted, duplicates: events.length - accepted } };
  }

  /** A player's stats: results, reports, counters (and OpenSkill's mu and sigma). */
  async playerStats(player: string): Promise<Outcome<PlayerStats>> {
    if (this.game === undefined) return refused(gameNotFound());
    const stats = this.stats.get(player);
    if (stats === undefined) return refused(statsNotFound(player));
    const { mu, sigma, ...rest } = stats;
    const value: PlayerStats = { player, ...rest };
    if (this.config.rating === "openskill" && mu !== null && sigma !== null) value.rating = { mu, sigma };
    return { ok: true, value };
  }

  /** Closes the open season now (admin), as its boundary would; answers the closed season. */
  async closeSeason(): Promise<Outcome<SeasonSummary>> {
    if (this.game === undefined) return refused(gameNotFound());
    const closing = this.seasons.current(this.createdAt).number;
    this.closeOpenSeason(Date.now());
    return { ok: true, value: this.seasons.closed(closing) as SeasonSummary };
  }

  /** The open season's pool, the split, and what a close would pay now. */
  async prizes(): Promise<Outcome<PrizeProjection>> {
    if (this.game === undefined) return refused(gameNotFound());
    const { awards } = this.projectAwards();
    return {
      ok: true,
      value: { pool: this.seasons.pool / MICROS, split: this.config.prizes?.split ?? [], projected: awards },
    };
  }

  /** A closed season's awards. */
  async seasonAwards(season: number): Promise<Outcome<{ awards: AwardEntry[] }>> {
    if (this.game === undefined) return refused(gameNotFound());
    const awards = this.seasons.awards(season);
    return awards === undefined ? refused(seasonNotFound(season)) : { ok: true, value: { awards } };
  }

  /** Every season, newest first, the open one first with its live player count and leader. */
  async seasonList(): Promise<Outcome<{ seasons: SeasonSummary[] }>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const leader = this.ranking.page(0, 1)[0]?.player ?? null;
    return { ok: true, value: { seasons: this.seasons.list(this.createdAt, this.ranking.rankedPlayers, leader) } };
  }

  /** One season's summary: a closed one, or the open one (live). */
  async season(season: number): Promise<Outcome<SeasonSummary>> {
    const list = await this.seasonList();
    if (!list.ok) return list;
    const found = list.value.seasons.find((s) => s.season === season);
    return found === undefined ? refused(seasonNotFound(season)) : { ok: true, value: found };
  }

  /** Sets a player's display name and/or country (creating the game if needed); the player need not have scored. */
  async setProfile(game: string, player: string, change: ProfileBody): Promise<Outcome<Profile>> {
    const now = Date.now();
    let profile: StoredProfile = {};
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      profile = this.profiles.set(player, change);
      this.meta.write("updatedAt", now);
    });
    if (change.country !== undefined) this.ranking.setCountry(player, change.country);
    this.changed(now);
    return { ok: true, value: { player, ...profile } };
  }

  async removePlayer(player: string): Promise<Outcome<null>> {
    if (this.game === undefined) return refused(gameNotFound());
    if (this.ranking.state(player) === undefined) return refused(playerNotFound(player));
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.log.appendRemoval(player);
      this.profiles.delete(player);
      this.meta.write("updatedAt", now);
      this.stats.delete(player);
    });
    this.ranking.remove(player);
    this.changed(now);
    return { ok: true, value: null };
  }

  /**
   * Deletes the game: its storage, alarm, spectators' sockets and directory
   * row, and with `withHistory` its history in D1. Nothing else runs on the
   * object meanwhile, so no report lands in between and no directory write
   * in flight brings the row back. A later report starts a fresh game.
   */
  async deleteGame(game: string, withHistory: boolean): Promise<Outcome<null>> {
    if (this.game === undefined && !withHistory) return refused(gameNotFound());
    let found = this.game !== undefined;
    await this.directory.pause();
    try {
      await this.ctx.blockConcurrencyWhile(async () => {
        this.spectators.closeAll("the game was deleted");
        if (this.maintenance !== undefined) clearTimeout(this.maintenance);
        this.maintenance = undefined;
        this.compactionStep = undefined;
        await this.ctx.storage.deleteAlarm();
        await this.ctx.storage.deleteAll();
        await this.restore();
        await this.directory.remove(game);
        if (withHistory) {
          found = (await this.historyWriter.deleteGame(game)) || found;
          await this.archiveWriter.deleteGame(game);
        }
      });
    } finally {
      this.directory.resume();
    }
    return found ? { ok: true, value: null } : refused(gameNotFound());
  }

  /** Builds the in-memory state from storage: at construction, and after a deletion. */
  private async restore(): Promise<void> {
    const now = Date.now();
    this.schema = new ObjectSchema(this.ctx.storage.sql, (work) => this.ctx.storage.transactionSync(work));
    this.clock = new AlarmClock(this.ctx, this.schema.exists);
    this.history = new HistorySampler(
      this.ctx,
      this.historyWriter,
      {
        game: () => this.game,
        settings: () => this.config,
        top: (limit) => {
          this.ranking.expire(Date.now());
          return { total: this.ranking.rankedPlayers, entries: this.ranking.page(0, limit) };
        },
      },
      this.clock,
      this.schema,
    );
    this.nextIdSweep = 0;
    const sql = this.ctx.storage.sql;
    this.meta = new MetaTable(sql, this.schema);
    this.log = new BatchLog(sql, this.meta, this.schema);
    this.ids = new ReportIds(sql, this.schema);
    this.profiles = new ProfileTable(sql, this.schema);
    this.stats = new StatsTable(sql, this.schema);
    this.trendLog = new TrendLog(sql, this.schema);
    this.game = this.meta.read<string>("game");
    this.config = { ...DEFAULT_CONFIG, ...this.meta.read<GameConfig>("config") };
    this.createdAt = this.meta.read<number>("createdAt") ?? 0;
    this.updatedAt = this.meta.read<number>("updatedAt") ?? this.createdAt;
    this.gainSpent = new GainSpentTable(sql, this.schema);
    this.gainAllowance = new GainAllowance(this.gainSpent.recent(now));
    this.seasons = new SeasonBook(sql, this.schema);
    this.ranking = this.loadRanking(now, this.log.basePlayers, (ranking) => {
      for (const state of this.log.baseStates()) ranking.put(state);
      // Log rows are either one batch of states or one removal, so order within a row is free.
      for (const { states, removed } of this.log.logTail()) {
        for (const state of states) ranking.put(state);
        for (const player of removed) ranking.drop(player);
      }
    });
    // Trending as it was: the reports it counted, replayed (each ts as counted then).
    const trend = this.config.trend;
    if (trend !== null)
      for (const gains of this.trendLog.since(now - 2 * trend.long * 1000)) this.ranking.record(gains, now);
    this.reads.reset();
    this.archiving = undefined;
    this.resumeArchive();
    if (this.game !== undefined) this.armSeasonDuties(now);
    await this.clock.resume();
    if (this.game !== undefined) this.directory.changed();
    if (this.log.compactionDue || this.stats.flushDue) this.scheduleMaintenance();
  }

  /**
   * A close cut short before its standings were all in the outbox: rebuild the
   * closed board from its retained rows (as it was at the close) and go on
   * from the next part.
   */
  private resumeArchive(): void {
    if (this.game === undefined) return;
    const staging = this.seasons.staging();
    if (staging === undefined) {
      if (this.log.retainedBoard !== undefined) this.scheduleMaintenance();
      return;
    }
    const retained = this.log.retainedBoard;
    const closed = this.seasons.closed(staging.season);
    if (retained === undefined || closed === undefined || closed.endedAt === null) {
      this.ctx.storage.transactionSync(() => this.seasons.stage(staging.season, staging.part, [], true));
      return;
    }
    const ranking = this.loadRanking(closed.endedAt, retained.players, (board) => {
      for (const { states, removed } of this.log.retainedStates()) {
        for (const state of states) board.put(state);
        for (const player of removed) board.drop(player);
      }
    });
    this.archiveBoard(staging.season, ranking, closed.players, staging.part);
  }

  /** A board with the game's rules, loaded by `load`, with every profile's country. */
  private loadRanking(now: number, players: number, load: (ranking: Ranking) => void): Ranking {
    const trend = this.config.trend ?? undefined;
    const options = trend === undefined ? {} : { trend };
    const ranking = new Ranking(rulesOf(this.config), hashKey(), { ...options, allowance: this.gainAllowance });
    ranking.beginLoad(players);
    load(ranking);
    for (const { player, country } of this.profiles.countries()) ranking.putCountry(player, country);
    ranking.finishLoad(now);
    return ranking;
  }

  /**
   * Closes the open season at `now`, in one transaction: its standings go to
   * the outbox, the next season opens, and the board, teams, countries and
   * trending start empty (stats and profiles stay). A report applied before
   * this counts in the old season, one applied after in the new.
   */
  private closeOpenSeason(now: number): void {
    // A close right after another finishes with the first one's board now (rare: its steps take seconds).
    while (this.stageStandings(STAGE_PARTS));
    while (this.ctx.storage.transactionSync(() => this.log.releaseStep()));
    this.ranking.expire(now);
    const total = this.ranking.rankedPlayers;
    const leader = this.ranking.page(0, 1)[0]?.player ?? null;
    const schedule = this.config.season;
    const prizes = this.config.prizes;
    const { awards, carryMicros } = this.projectAwards();
    const next = {
      endsAt: schedule === null ? null : nextBoundary(schedule, now),
      poolMicros: prizes === null ? 0 : Math.floor(prizes.poolSeed * MICROS) + carryMicros,
      awards,
      webhook: this.config.webhook,
    };
    // A compaction under way would write the old season's players into the new base.
    this.compactionStep = undefined;
    let season = 0;
    this.ctx.storage.transactionSync(() => {
      season = this.seasons.close(this.createdAt, now, { players: total, leader }, next);
      this.log.retire(total);
      this.trendLog.clear();
      this.meta.write("updatedAt", now);
    });
    this.archiveBoard(season, this.ranking, total, 0);
    this.ranking = this.loadRanking(now, 0, () => {});
    this.reads.reset();
    this.changed(now);
  }

  /** Keeps a closed season's board in memory while its standings are written to the outbox in steps. */
  private archiveBoard(season: number, ranking: Ranking, total: number, part: number): void {
    const reads = new BoardReads(
      () => ranking,
      () => this.profiles,
    );
    this.archiving = { season, reads, total, part };
    this.scheduleMaintenance();
  }

  /**
   * Writes up to `parts` parts of the closed season's standings to the
   * outbox, in one transaction. With the last it lets the closed board go
   * (its rows are dropped in later steps) and asks the alarm to copy the
   * season to D1. True while more remains.
   */
  private stageStandings(parts: number): boolean {
    const archiving = this.archiving;
    if (archiving === undefined) return false;
    let done = false;
    this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < parts && !done; i++) {
        const offset = archiving.part * STANDINGS_PART;
        const entries = offset < archiving.total ? archiving.reads.page(offset, STANDINGS_PART) : [];
        done = offset + STANDINGS_PART >= archiving.total;
        this.seasons.stage(archiving.season, archiving.part, entries, done);
        if (!done) archiving.part++;
      }
    });
    if (!done) return true;
    this.archiving = undefined;
    this.armSeasonDuties(Date.now());
    return false;
  }

  /**
   * What closing now would pay: the pool split by the prize ranges over the
   * top of the board, a tie straddling the last paid rank taken whole.
   */
  private projectAwards(): { awards: AwardEntry[]; carryMicros: number } {
    const prizes = this.config.prizes;
    const pool = this.seasons.pool;
    if (prizes === null) return { awards: [], carryMicros: pool };
    const ranges = prizes.split.map((r) => ({ from: r.from, to: r.to, sharePpm: Math.round(r.share * 1e6) }));
    this.ranking.expire(Date.now());
    const top = this.ranking.page(0, lastPaidPosition(ranges));
    for (let more = this.ranking.page(top.length, 1); more.length > 0 && more[0].rank === top.at(-1)?.rank; ) {
      top.push(more[0]);
      more = this.ranking.page(top.length, 1);
    }
    return splitPool(pool, ranges, top);
  }

  /** Asks the alarm for the open season's end and for any archive still to copy. */
  private armSeasonDuties(now: number): void {
    const { endsAt } = this.seasons.current(this.createdAt);
    if (endsAt !== null) this.clock.arm(endsAt);
    if (this.seasons.copyPending) this.clock.arm(Math.max(now + 1, this.copyRetryAt));
    const delivery = this.seasons.nextDeliveryAt();
    if (delivery !== undefined) this.clock.arm(Math.max(now + 1, delivery));
  }

  /**
   * The season duties due by `firedFor`: the boundary, then the archive's
   * copy to D1, part by part. Other requests run while D1 answers, so the
   * board keeps taking reports during the copy. A failed copy keeps the
   * outbox and tries again later; it never throws.
   */
  private async seasonDuties(firedFor: number): Promise<void> {
    const game = this.game;
    if (game === undefined) return;
    const { endsAt } = this.seasons.current(this.createdAt);
    if (endsAt !== null && endsAt <= firedFor) this.closeOpenSeason(Math.max(Date.now(), endsAt));
    // One batch per firing: a firing holds the object from one await to the next, and requests wait meanwhile.
    const copy = this.seasons.pendingCopy(COPY_PARTS);
    if (copy !== undefined) {
      try {
        await this.archiveWriter.copy(game, copy);
      } catch (error) {
        this.copyFailures++;
        this.copyRetryAt = Date.now() + Math.min(COPY_RETRY_MAX_MS, COPY_RETRY_MS * 2 ** (this.copyFailures - 1));
        console.error(`seasons of ${game}: copying season ${copy.season} to D1 failed, retrying`, error);
        return;
      }
      if (this.game !== game) return; // deleted meanwhile
      this.copyFailures = 0;
      this.copyRetryAt = Date.now() + COPY_PAUSE_MS;
      this.seasons.copied(copy);
    }
    // Each closed season, once archived, is posted to the webhook its close named.
    for (const { season, delivery, awards } of this.seasons.dueDeliveries(firedFor)) {
      const body = JSON.stringify({ type: "season.closed", game, season, awards });
      const after = await attempt(delivery, body, this.env.WEBHOOK_SECRET);
      if (this.game !== game) return;
      this.seasons.delivered(season, after);
      if (!after.delivered) console.error(`seasons of ${game}: webhook for season ${season} answered ${after.last}`);
    }
  }

  /** A batch's share of its gains to the prize pool; call inside its transaction. */
  private feedPool(rise: number): void {
    const prizes = this.config.prizes;
    if (prizes !== null) this.seasons.feed(this.createdAt, poolGrowth(prizes.poolShare, rise));
  }

  /** Records the game's name and creation time with its first write. */
  private create(game: string, now: number): void {
    if (this.game !== undefined) return;
    this.schema.migrate();
    this.meta.write("game", game);
    this.meta.write("createdAt", now);
    this.game = game;
    this.createdAt = now;
    this.seasons.schedule(now, null);
  }

  private changed(now: number): void {
    this.updatedAt = now;
    this.directory.changed();
    this.spectators.changed();
    this.history.changed(now);
    if ((this.log.compactionDue && this.compactionStep === undefined) || this.stats.flushDue)
      this.scheduleMaintenance();
  }

  /** Background work (id retention, stats flushes, compaction) in small steps between requests. */
  private scheduleMaintenance(): void {
    if (this.maintenance !== undefined) return;
    this.maintenance = setTimeout(() => {
      this.maintenance = undefined;
      if (this.maintain()) this.scheduleMaintenance();
    }, 0);
  }

  /** One step of background work; true when more remains. */
  private maintain(): boolean {
    const now = Date.now();
    if (this.archiving !== undefined) return this.stageStandings(STAGE_PARTS) || this.maintain();
    // The closed board's rows, once its standings are all in the outbox.
    if (this.log.retainedBoard !== undefined && this.ctx.storage.transactionSync(() => this.log.releaseStep()))
      return true;
    if (now >= this.nextIdSweep) {
      if (this.ids.sweep(now)) return true;
      if (this.gainSpent.sweep(now)) return true;
      this.nextIdSweep = now + ID_SWEEP_EVERY_MS;
    }
    if (this.stats.flushDue) {
      const stats = this.stats;
      if (this.ctx.storage.transactionSync(() => stats.flushStep())) return true;
    }
    if (this.compactionStep === undefined && this.log.compactionDue) {
      this.compactionStep = this.log.compaction(this.ranking.states());
    }
    if (this.compactionStep === undefined) return false;
    const step = this.compactionStep;
    if (this.ctx.storage.transactionSync(() => step())) this.compactionStep = undefined;
    return this.compactionStep !== undefined;
  }

  /** Drops trending's log rows that no rebuild needs: older than twice the long window. */
  private pruneTrendLog(now: number): void {
    this.nextTrendPrune = now + TREND_PRUNE_EVERY_MS;
    const trend = this.config.trend;
    if (trend !== null) this.trendLog.prune(now - 2 * trend.long * 1000);
  }

  private directoryEntry() {
    if (this.game === undefined) return undefined;
    return {
      game: this.game,
      players: this.ranking.rankedPlayers,
      updatedAt: this.updatedAt,
      createdAt: this.createdAt,
    };
  }
}

/** A secret key for the board's player-id hash, new with each instance: nothing stored depends on it. */
function hashKey(): [number, number] {
  const [k0, k1] = crypto.getRandomValues(new Uint32Array(2));
  return [k0, k1];
}

function rulesOf({ aggregate, order, ties, window }: GameConfig): RankingRules {
  return { aggregate, order, ties, window };
}
