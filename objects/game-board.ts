import { DurableObject } from "cloudflare:workers";
import { Ranking } from "../engine/ranking";
import { type RankingRules, type Report, ScoreOverflowError } from "../engine/rules";
import type { GameInfo, Leaderboard, PlayerStanding } from "../protocol/boards";
import { DEFAULT_CONFIG, type GameConfig, type GameConfigPatch } from "../protocol/config";
import {
  aggregateLocked,
  boardFull,
  errorResponse,
  gameNotFound,
  type Outcome,
  playerNotFound,
  refused,
  scoreOutOfRange,
} from "../protocol/errors";
import type { Accepted, ScoreReport } from "../protocol/reports";
import { DirectoryPublisher } from "./history/directory";
import { HistorySampler } from "./history/sampler";
import { HistoryWriter } from "./history/writer";
import { Spectators } from "./live/spectators";
import type { ViewSpec } from "./live/views";
import { BatchLog } from "./storage/batch-log";
import { MetaTable } from "./storage/meta";
import { ReportIds } from "./storage/report-ids";
import { ObjectSchema } from "./storage/schema";

const ID_SWEEP_EVERY_MS = 10 * 60 * 1000;

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
  private ranking!: Ranking;
  private config: GameConfig = DEFAULT_CONFIG;
  private game: string | undefined;
  private createdAt = 0;
  private updatedAt = 0;
  private directory: DirectoryPublisher;
  private spectators: Spectators;
  private history!: HistorySampler;
  private readonly historyWriter: HistoryWriter;
  private maintenance: ReturnType<typeof setTimeout> | undefined;
  private compactionStep: (() => boolean) | undefined;
  private nextIdSweep = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.historyWriter = new HistoryWriter(env.DB);
    this.directory = new DirectoryPublisher(env.DB, () => this.directoryEntry());
    this.spectators = new Spectators(
      ctx,
      () => this.ranking,
      () => this.config,
    );
    ctx.blockConcurrencyWhile(async () => this.restore());
  }

  /** Live spectators: the Worker forwards validated websocket upgrades here. */
  override async fetch(request: Request): Promise<Response> {
    if (this.game === undefined) {
      return errorResponse(gameNotFound());
    }
    const query = new URL(request.url).searchParams;
    const spec: ViewSpec = { limit: Number(query.get("limit")), around: Number(query.get("around")) };
    const player = query.get("player");
    if (player !== null) spec.player = player;
    return this.spectators.accept(spec);
  }

  /** History snapshots, archive and retention (see HistorySampler). */
  override async alarm(): Promise<void> {
    await this.history.alarm();
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
    const ids = reports.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    const seen = ids.length > 0 ? this.ids.known(ids) : new Set<string>();
    const fresh: (Report & { id?: string })[] = [];
    const newIds: string[] = [];
    for (const { player, score, ts, id, team } of reports) {
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
        newIds.push(id);
      }
      const report: Report & { id?: string } = { player, score, ts: ts ?? now };
      if (team !== undefined) report.team = team;
      if (id !== undefined) report.id = id;
      fresh.push(report);
    }
    let plan: ReturnType<Ranking["plan"]>;
    try {
      plan = this.ranking.plan(fresh);
    } catch (error) {
      if (error instanceof ScoreOverflowError) {
        return refused(scoreOutOfRange(error.message));
      }
      throw error;
    }
    const { states } = plan;
    const room = this.config.maxPlayers - this.ranking.players;
    if (states.length > room) {
      const added = this.ranking.countNew(states);
      if (added > room) {
        return refused(boardFull(this.ranking.players, this.config.maxPlayers, added));
      }
    }
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.log.append(states);
      this.ids.add(newIds, now);
      if (states.length > 0) this.meta.write("updatedAt", now);
      if (this.config.archive) this.history.keepForArchive(fresh);
    });
    this.ranking.apply(plan, now);
    if (states.length > 0) this.changed(now);
    if (this.config.archive && fresh.length > 0) this.history.archiveQueued(now);
    if (newIds.length > 0 && now >= this.nextIdSweep) this.scheduleMaintenance();
    return { ok: true, value: { accepted: fresh.length, duplicates: reports.length - fresh.length } };
  }

  async info(): Promise<Outcome<GameInfo>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    return {
      ok: true,
      value: { game: this.game, config: this.config, players: this.ranking.total, updatedAt: this.updatedAt },
    };
  }

  async configure(game: string, patch: GameConfigPatch): Promise<Outcome<GameConfig>> {
    const now = Date.now();
    if (patch.aggregate !== undefined && patch.aggregate !== this.config.aggregate && this.ranking.players > 0) {
      return refused(aggregateLocked(this.ranking.players));
    }
    const config = { ...this.config, ...patch };
    this.ctx.storage.transactionSync(() => {
      this.create(game, now);
      this.meta.write("config", config);
      this.meta.write("updatedAt", now);
    });
    this.config = config;
    this.ranking.reconfigure(rulesOf(config), now);
    this.changed(now);
    return { ok: true, value: config };
  }

  async leaderboard(offset: number, limit: number): Promise<Outcome<Leaderboard>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    return {
      ok: true,
      value: {
        game: this.game,
        updatedAt: this.updatedAt,
        total: this.ranking.total,
        entries: this.ranking.page(offset, limit),
      },
    };
  }

  async standing(player: string, around: number): Promise<Outcome<PlayerStanding>> {
    if (this.game === undefined) return refused(gameNotFound());
    this.ranking.expire(Date.now());
    const entry = this.ranking.entry(player);
    if (entry === undefined) return refused(playerNotFound(player));
    const standing: PlayerStanding = { ...entry, total: this.ranking.total };
    if (around > 0) standing.around = this.ranking.around(player, around);
    return { ok: true, value: standing };
  }

  async removePlayer(player: string): Promise<Outcome<null>> {
    if (this.game === undefined) return refused(gameNotFound());
    if (this.ranking.state(player) === undefined) return refused(playerNotFound(player));
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.log.appendRemoval(player);
      this.meta.write("updatedAt", now);
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
    await this.ctx.blockConcurrencyWhile(async () => {
      await this.directory.stop();
      this.spectators.closeAll("the game was deleted");
      if (this.maintenance !== undefined) clearTimeout(this.maintenance);
      this.maintenance = undefined;
      this.compactionStep = undefined;
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      await this.restore();
      await this.directory.remove(game);
      if (withHistory) found = (await this.historyWriter.deleteGame(game)) || found;
    });
    return found ? { ok: true, value: null } : refused(gameNotFound());
  }

  /** Builds the in-memory state from storage: at construction, and after a deletion. */
  private async restore(): Promise<void> {
    const now = Date.now();
    this.schema = new ObjectSchema(this.ctx.storage.sql, (work) => this.ctx.storage.transactionSync(work));
    this.history = new HistorySampler(
      this.ctx,
      this.historyWriter,
      {
        game: () => this.game,
        settings: () => this.config,
        top: (limit) => {
          this.ranking.expire(Date.now());
          return { total: this.ranking.total, entries: this.ranking.page(0, limit) };
        },
      },
      this.schema,
    );
    this.nextIdSweep = 0;
    const sql = this.ctx.storage.sql;
    this.meta = new MetaTable(sql, this.schema);
    this.log = new BatchLog(sql, this.meta, this.schema);
    this.ids = new ReportIds(sql, this.schema);
    this.game = this.meta.read<string>("game");
    this.config = { ...DEFAULT_CONFIG, ...this.meta.read<GameConfig>("config") };
    this.createdAt = this.meta.read<number>("createdAt") ?? 0;
    this.updatedAt = this.meta.read<number>("updatedAt") ?? this.createdAt;
    this.ranking = new Ranking(rulesOf(this.config), hashKey());
    this.ranking.beginLoad(this.log.basePlayers);
    for (const state of this.log.baseStates()) this.ranking.put(state);
    // Log rows are either one batch of states or one removal, so order within a row is free.
    for (const { states, removed } of this.log.logTail()) {
      for (const state of states) this.ranking.put(state);
      for (const player of removed) this.ranking.drop(player);
    }
    this.ranking.finishLoad(now);
    await this.history.resume();
    if (this.game !== undefined) this.directory.changed();
    if (this.log.compactionDue) this.scheduleMaintenance();
  }

  /** Records the game's name and creation time with its first write. */
  private create(game: string, now: number): void {
    if (this.game !== undefined) return;
    this.schema.migrate();
    this.meta.write("game", game);
    this.meta.write("createdAt", now);
    this.game = game;
    this.createdAt = now;
  }

  private changed(now: number): void {
    this.updatedAt = now;
    this.directory.changed();
    this.spectators.changed();
    this.history.changed(now);
    if (this.log.compactionDue && this.compactionStep === undefined) this.scheduleMaintenance();
  }

  /** Background work (compaction, id retention) in small steps between requests. */
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
    if (now >= this.nextIdSweep) {
      if (this.ids.sweep(now)) return true;
      this.nextIdSweep = now + ID_SWEEP_EVERY_MS;
    }
    if (this.compactionStep === undefined && this.log.compactionDue) {
      this.compactionStep = this.log.compaction(this.ranking.states());
    }
    if (this.compactionStep === undefined) return false;
    const step = this.compactionStep;
    if (this.ctx.storage.transactionSync(() => step())) this.compactionStep = undefined;
    return this.compactionStep !== undefined;
  }

  private directoryEntry() {
    if (this.game === undefined) return undefined;
    return { game: this.game, players: this.ranking.total, updatedAt: this.updatedAt, createdAt: this.createdAt };
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
