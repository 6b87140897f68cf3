import type { PlayerState } from "../engine/rules";
import type { TrendRules } from "../engine/trending";
import type { GameTables } from "./storage/tables";

const ID_SWEEP_EVERY_MS = 10 * 60 * 1000;
const TREND_PRUNE_EVERY_MS = 10_000;

/** How maintenance reaches the rest of the object. */
export interface MaintenanceHost {
  /** One background step of a closed season's archive; true while more remains. */
  seasonStep(): boolean;
  /** Every player's state, board players in rank order first (a compaction writes them as the new base). */
  states(): Iterator<PlayerState>;
  trend(): TrendRules | null;
}

/**
 * The object's background work, in small steps between requests: a closed
 * season's archive first, then retention of idempotency ids and gain charges,
 * flushes of the tables written behind (stats, meta, joins and attempts), and compaction of the batch log into a new base. Each step is
 * one short transaction on a zero timer, so requests interleave with them. A
 * pending timer keeps the object from hibernating, so one is set only while
 * work remains.
 */
export class Maintenance {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private compaction: (() => boolean) | undefined;
  /** Whether a compaction under way steps next, when a flush is also due. */
  private compactionsTurn = false;
  private nextIdSweep = 0;
  private nextTrendPrune = 0;

  constructor(
    private readonly tables: GameTables,
    private readonly host: MaintenanceHost,
  ) {}

  /** Steps soon, unless a step is already coming. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.step()) this.schedule();
    }, 0);
  }

  /** Steps soon if the log is due a compaction, or a table written behind a flush. */
  scheduleIfDue(): void {
    if ((this.tables.log.compactionDue && this.compaction === undefined) || this.tables.flushDue) this.schedule();
  }

  /**
   * After a write: its new idempotency ids may make a sweep due, and the
   * reports trending counted may make the trend log due a prune.
   */
  written(now: number, what: { ids: boolean; trended: boolean }): void {
    if (what.trended && now >= this.nextTrendPrune) this.pruneTrendLog(now);
    if (what.ids && now >= this.nextIdSweep) this.schedule();
  }

  /** A season close: a compaction under way would write the old season's players into the new base. */
  dropCompaction(): void {
    this.compaction = undefined;
  }

  /** Stops all background work (the game is being deleted). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.compaction = undefined;
  }

  /** One step of background work; true when more remains. */
  private step(): boolean {
    const now = Date.now();
    if (this.host.seasonStep()) return true;
    const { ids, gainSpent, log } = this.tables;
    if (now >= this.nextIdSweep) {
      if (ids.sweep(now)) return true;
      if (gainSpent.sweep(now)) return true;
      this.nextIdSweep = now + ID_SWEEP_EVERY_MS;
    }
    if (this.compaction === undefined && log.compactionDue) this.compaction = log.compaction(this.host.states());
    const compaction = this.compaction;
    // A flush and a compaction take turns: flushes due one after another (a long fill) starved the compaction, and
    // the batch log a restart replays grew (37 MB at a fill of 10^6, a rebuild 0.5-0.8 s longer).
    if (this.tables.flushDue && (compaction === undefined || !this.compactionsTurn)) {
      this.compactionsTurn = true;
      return this.tables.flushStep() || compaction !== undefined || this.tables.flushDue;
    }
    this.compactionsTurn = false;
    if (compaction === undefined) return false;
    if (this.tables.transaction(() => compaction())) this.compaction = undefined;
    return this.compaction !== undefined || this.tables.flushDue;
  }

  /** Drops trending's log rows that no rebuild needs: older than twice the long window. */
  private pruneTrendLog(now: number): void {
    this.nextTrendPrune = now + TREND_PRUNE_EVERY_MS;
    const trend = this.host.trend();
    if (trend !== null) this.tables.trendLog.prune(now - 2 * trend.long * 1000);
  }
}
