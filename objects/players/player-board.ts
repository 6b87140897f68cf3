import type { Plan } from "../../engine/batch-plan";
import type { Ranking } from "../../engine/ranking";
import type { GameConfig } from "../../protocol/config";
import {
  type ApiError,
  accepted,
  boardFull,
  type Outcome,
  playerNotFound,
  ratedGame,
  refused,
} from "../../protocol/errors";
import type { SentReport } from "../../protocol/packed-reports";
import type { Accepted, Profile, ProfileBody, ScoreReport } from "../../protocol/reports";
import { groupsOf, type MatchResult, type PlayerEvent } from "../../protocol/results";
import { type BoardLoader, rulesOf } from "../board-loader";
import { Cohorts } from "../cohorts/cohorts";
import { type Competitor, Gates } from "../competition/gates";
import { planEvents } from "../events";
import type { ArchivedReport } from "../history/writer";
import type { Maintenance } from "../maintenance";
import { BoardReads } from "../reads";
import { joinCountries, overLimits, planReports, readReports, straySubscores } from "../reports";
import { planResults } from "../results";

import type { GameRecord } from "../storage/game-record";
import type { GameTables } from "../storage/tables";
import { metaChanges } from "./report-meta";

/** What a batch did: the positions of its items applied (the others were duplicates), of how many sent. */
export interface Applied {
  fresh: number[];
  sent: number;
}

/** A batch's answer: how many of its items were applied and how many were duplicates. */
export const acceptedOf = ({ fresh, sent }: Applied): Accepted => ({
  accepted: fresh.length,
  duplicates: sent - fresh.length,
});

/** A result's idempotency id, kept apart from reports' ids. */
const resultId = (result: MatchResult) => (result.id === undefined ? undefined : `result:${result.id}`);

/** What a player board's writes tell the object that holds it. */
export interface PlayerBoardHost {
  /** Inside the transaction of the write that created the game. */
  created(now: number): void;
  /** Inside a batch's transaction: its gains' share of the prize pool. */
  feed(rise: number): void;
  /** Inside a batch's transaction: its reports, for a game that archives them. */
  keepForArchive(reports: readonly ArchivedReport[]): void;
  /** After a batch whose reports wait for the archive. */
  archiveQueued(now: number): void;
  /** After a write that changed what the board shows. */
  changed(now: number): void;
}

/**
 * Players in one object: the engine's board over the object's tables, and
 * every write that changes them (reports, results, counters, profiles,
 * removals). Each write is planned against the board, persisted in one
 * transaction, then applied, so what it answers is durable. The game's own
 * object holds the one board of a game on one shard; a shard object holds
 * its share of a sharded game's players.
 */
export class PlayerBoard {
  private current: Ranking;
  readonly reads: BoardReads;
  /** The open season's cohorts (a join places its player with `cohorts.place`). */
  readonly cohorts: Cohorts;
  /** Opening hours, joins and attempts (see Gates). */
  readonly gates: Gates;

  constructor(
    private readonly tables: GameTables,
    private readonly record: GameRecord,
    private readonly loader: BoardLoader,
    private readonly maintenance: Maintenance,
    private readonly host: PlayerBoardHost,
    now: number,
  ) {
    this.current = loader.open(record.config, now);
    this.cohorts = new Cohorts(tables.cohorts, () => record.config);
    this.gates = new Gates(tables.competitors, tables.stats);
    this.reads = new BoardReads(
      () => this.current,
      () => tables.profiles,
      () => tables.playerMeta,
      () => this.cohorts,
    );
  }

  /** The board, the players whose ts left the window by `now` taken off. */
  at(now: number): Ranking {
    this.current.expire(now);
    return this.current;
  }

  /** The board as it is, for what must not change it (live views, a compaction). */
  get board(): Ranking {
    return this.current;
  }

  applyReports(game: string, reports: SentReport[]): Outcome<Applied> {
    const now = Date.now();
    const { config } = this.record;
    const { tables, host } = this;
    const { items, positions, newIds } = tables.ids.partition(reports, (r) => r.id);
    const passage = this.checked((gates) => gates.check(config, items, (r) => [r.player], true, positions, now));
    if (!passage.ok) return passage;
    if (config.rating !== "none") return refused(ratedGame(config.rating));
    const stray = straySubscores(reports, config);
    if (stray !== undefined) return refused(stray);
    const batch = readReports(items, now);
    const planned = planReports(this.current, batch.reports, positions, config, now);
    if (!planned.ok) return planned;
    const plan = planned.value;
    const { states } = plan;
    // Players new to the board may have a profile already (set before their first score).
    const newcomers = tables.profiles.count > 0 ? states.filter((s) => !this.current.knows(s.player)) : [];
    // A batch without meta on a board without any changes none: no look at which report set what.
    const metas =
      batch.metas.length > 0 || tables.playerMeta.holdsAny
        ? metaChanges(config.aggregate, states, batch.reports, batch.metas)
        : undefined;
    this.commit(game, plan, newIds, now, () => {
      if (passage.value !== undefined) this.gates.record(passage.value, [...passage.value.joins.keys()]);
      if (metas !== undefined) tables.playerMeta.write(metas);
      if (plan.charged !== undefined) tables.gainSpent.write(plan.charged.record);
      if (config.archive) host.keepForArchive(batch.reports);
      for (const [player, change] of batch.profiles) tables.profiles.set(player, change);
      tables.stats.countReports(plan.tallies, config.order === "desc", tables.competitors.season);
    });
    joinCountries(this.current, tables.profiles, newcomers, batch.profiles);
    if (states.length > 0 || batch.profiles.size > 0) host.changed(now);
    if (config.archive && items.length > 0) host.archiveQueued(now);
    return accepted({ fresh: positions, sent: reports.length });
  }

  /**
   * The gates' check, then background steps it may have made due whether it
   * refused or not: it begins the attempts bounds' build (see StatsTable.attemptBound).
   */
  private checked<R>(check: (gates: Gates) => R): R {
    const outcome = check(this.gates);
    this.maintenance.scheduleIfDue();
    return outcome;
  }

  /** The gates' refusal of reports, applying nothing (a sharded batch's parts are checked first, see worker/shards.ts). */
  checkReports(reports: ScoreReport[]): ApiError | undefined {
    const { items, positions } = this.tables.ids.partition(reports, (r) => r.id);
    const passage = this.checked((gates) =>
      gates.check(this.record.config, items, (r) => [r.player], true, positions, Date.now()),
    );
    return passage.ok ? undefined : passage.error;
  }

  /** The gates' refusal of results for the players `holds`, applying nothing. */
  checkResults(results: MatchResult[], holds: (player: string) => boolean): ApiError | undefined {
    const { items, positions } = this.tables.ids.partition(results, resultId);
    const own = (result: MatchResult) => groupsOf(result).flat().filter(holds);
    const passage = this.checked((gates) => gates.check(this.record.config, items, own, false, positions, Date.now()));
    return passage.ok ? undefined : passage.error;
  }

  /**
   * Match results, in order: stats for every player (played, wins, losses,
   * draws, streaks), and on a rated game the board's scores (wins, ELO or
   * OpenSkill). Planned whole, persisted in one transaction, then applied.
   * `holds`: on a shard, the players of its own (the others' shards do theirs).
   */
  applyResults(game: string, results: MatchResult[], holds?: (player: string) => boolean): Outcome<Applied> {
    const now = Date.now();
    const { tables } = this;
    const { config } = this.record;
    const partition = tables.ids.partition(results, resultId);
    const { items, positions, newIds } = partition;
    const fresh = items.map((result) => ({ groups: groupsOf(result), ts: result.ts ?? now }));
    const own = ({ groups }: (typeof fresh)[number]) =>
      holds === undefined ? groups.flat() : groups.flat().filter(holds);
    const passage = this.checked((gates) => gates.check(config, fresh, own, false, positions, now));
    if (!passage.ok) return passage;
    const plan = planResults(fresh, {
      config,
      stats: tables.stats.many([...new Set(fresh.flatMap((r) => r.groups.flat()))]),
      scoreOf: (player) => this.current.state(player),
      trending: config.trend !== null,
      holds,
    });
    const over = overLimits(this.current, plan, config);
    if (over !== undefined) return refused(over);
    this.commit(game, plan, newIds, now, () => {
      tables.stats.write(plan.stats);
      if (passage.value !== undefined)
        this.gates.record(
          passage.value,
          plan.states.map((s) => s.player),
        );
    });
    if (plan.states.length > 0) this.host.changed(now);
    return accepted({ fresh: positions, sent: results.length });
  }

  /** Custom counters: each grows by its increment; at most MAX_COUNTERS per player. Refused whole. */
  applyEvents(game: string, events: PlayerEvent[]): Outcome<Applied> {
    const now = Date.now();
    const { tables, maintenance } = this;
    const partition = tables.ids.partition(events, (e) => (e.id === undefined ? undefined : `event:${e.id}`));
    const { items, positions, newIds } = partition;
    const planned = planEvents(items, tables.stats.many([...new Set(items.map((e) => e.player))]), now);
    if (!planned.ok) return planned;
    tables.transaction(() => {
      this.create(game, now);
      tables.ids.add(newIds, now);
      tables.stats.write(planned.value);
    });
    maintenance.scheduleIfDue();
    maintenance.written(now, { ids: newIds.length > 0, trended: false });
    return accepted({ fresh: positions, sent: events.length });
  }

  /**
   * Joins a player to the open season (creating the game if needed); a
   * repeated join changes nothing. A player not on the board holds a place
   * against maxPlayers from its join (409 board_full when none is left).
   */
  join(game: string, player: string): Outcome<Competitor> {
    const now = Date.now();
    const { tables, record } = this;
    const row = this.gates.competitor(player);
    if (row !== undefined && row.joinedAt !== null) return accepted(row);
    const pending = !this.current.knows(player);
    const taken = this.current.knownPlayers + tables.competitors.pending;
    if (pending && taken >= record.config.maxPlayers) return refused(boardFull(taken, record.config.maxPlayers, 1));
    tables.transaction(() => {
      this.create(game, now);
      tables.competitors.join(player, now, pending);
      this.cohorts.place(player);
    });
    return accepted({ joinedAt: now, attempts: row?.attempts ?? 0, pending });
  }

  /** Sets a player's display name and/or country (creating the game if needed); the player need not have scored. */
  setProfile(game: string, player: string, change: ProfileBody): Profile {
    const now = Date.now();
    const { tables } = this;
    const profile = tables.transaction(() => {
      this.create(game, now);
      this.record.recordUpdate(now);
      return tables.profiles.set(player, change);
    });
    if (change.country !== undefined) this.current.setCountry(player, change.country);
    this.host.changed(now);
    return { player, ...profile };
  }

  /** Removes a player from the board with its profile and stats; also one off the board that left only those. */
  removePlayer(player: string): Outcome<null> {
    const onBoard = this.current.state(player) !== undefined;
    if (!onBoard && !this.tables.holdsPlayer(player)) return refused(playerNotFound(player));
    const now = Date.now();
    this.tables.transaction(() => {
      this.tables.removePlayer(player, onBoard);
      this.record.recordUpdate(now);
    });
    if (onBoard) this.current.remove(player);
    this.host.changed(now);
    return accepted(null);
  }

  /** The game's rules changed (`record.config` already holds them): the board re-ranks as they say. */
  reconfigure(config: GameConfig, now: number): void {
    this.current.reconfigure(rulesOf(config), now);
    this.current.setTrend(config.trend ?? undefined);
    this.reads.reset();
  }

  /** A new season: the board starts empty (its rows were retired with the close). */
  reopen(now: number): void {
    this.current = this.loader.empty(this.record.config, now);
    this.reads.reset();
  }

  /**
   * Persists a planned batch in one transaction, with `alongside` (what else
   * the batch records), then applies it to the board.
   */
  private commit(game: string, plan: Plan, newIds: readonly string[], now: number, alongside: () => void): void {
    const { tables, maintenance } = this;
    tables.transaction(() => {
      this.create(game, now);
      tables.log.append(plan.states);
      tables.ids.add(newIds, now);
      tables.trendLog.append(plan.gains, now);
      if (plan.states.length > 0) this.record.recordUpdate(now);
      this.host.feed(plan.rise);
      this.cohorts.arrived(plan.states, (player) => this.current.knows(player));
      alongside();
    });
    this.current.apply(plan, now);
    tables.stats.fitTo(this.current.knownPlayers);
    maintenance.written(now, { ids: newIds.length > 0, trended: plan.gains.length > 0 });
  }

  /** Records the game with its first write; call inside that write's transaction. */
  create(game: string, now: number): void {
    if (this.record.create(game, now)) this.host.created(now);
  }
}
