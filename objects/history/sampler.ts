import type { AlarmClock } from "../alarm/alarm-clock";
import { backoffMs } from "../alarm/backoff";
import type { ObjectSchema } from "../storage/schema";
import type { ArchivedReport, HistoryWriter, Sample } from "./writer";

export interface HistorySettings {
  snapshotEvery: number;
  snapshotTop: number;
  historyDays: number;
}

/** How the sampler reaches the rest of the object. */
export interface SamplerHost {
  game(): string | undefined;
  settings(): HistorySettings;
  /** The board's top `limit` entries and total, now (a sharded game's are gathered from its shards). */
  top(limit: number): Omit<Sample, "game" | "ts"> | Promise<Omit<Sample, "game" | "ts">>;
}

/** Reports per outbox row: a 100,000-line batch must not become one D1 batch. */
export const ARCHIVE_ROW_REPORTS = 500;
const ARCHIVE_PER_ALARM = 2000;
/** While the outbox holds more, the next chunk follows this soon (D1 is shared by every game). */
const DRAIN_AGAIN_MS = 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const BACKOFF_MAX_MS = 5 * 60 * 1000;

/**
 * Samples a game's board into D1 on the object's alarm. While the board
 * changes one alarm stays armed; an idle board lets it lapse, so an idle game
 * costs nothing (and alarms never keep spectators' sockets from hibernating).
 *
 * The next sample's time and the alarm's time are kept in SQLite. A firing
 * does the duties due by the time it was armed for (tests fire alarms early),
 * and a sample's ts is the time it was due, so an alarm retried after a crash
 * mid-write writes the same (game, ts) key again, which replaces the first.
 *
 * The alarm never throws: the platform gives up on an alarm after a few
 * retries, and history would stop for good. A failed D1 write instead keeps
 * the outbox, skips that sample, and re-arms with exponential backoff.
 *
 * Archived reports wait in an SQLite outbox written with their batch, in rows
 * of at most ARCHIVE_ROW_REPORTS, so they are as durable as the board; the
 * alarm moves them to D1 in bounded chunks.
 */
export class HistorySampler {
  private nextSampleAt: number | undefined;
  private failures = 0;
  private changedSinceSample = false;
  private nextPrune = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly writer: HistoryWriter,
    private readonly host: SamplerHost,
    private readonly clock: AlarmClock,
    schema: ObjectSchema,
  ) {
    if (!schema.exists) return;
    const state = new Map(
      ctx.storage.sql
        .exec<{ key: string; value: number }>("SELECT key, value FROM history_state")
        .toArray()
        .map((r) => [r.key, r.value]),
    );
    this.nextSampleAt = state.get("nextSampleAt");
    this.failures = state.get("failures") ?? 0;
    // A sample recorded without its alarm (an older version kept no alarmAt) still gets one.
    if (this.nextSampleAt !== undefined && !state.has("alarmAt")) clock.arm(this.nextSampleAt);
  }

  /** The board changed: make sure a sample is coming. */
  changed(now: number): void {
    this.changedSinceSample = true;
    if (this.nextSampleAt !== undefined) return;
    this.nextSampleAt = now + this.host.settings().snapshotEvery * 1000;
    this.write("nextSampleAt", this.nextSampleAt);
    this.clock.arm(this.nextSampleAt);
  }

  /** Keeps accepted reports for the archive; call inside the batch's transaction. */
  keepForArchive(reports: readonly ArchivedReport[]): void {
    for (let i = 0; i < reports.length; i += ARCHIVE_ROW_REPORTS) {
      const row = reports.slice(i, i + ARCHIVE_ROW_REPORTS);
      this.ctx.storage.sql.exec("INSERT INTO archive_outbox (reports) VALUES (?)", JSON.stringify(row));
    }
  }

  /** Reports wait in the outbox: drain them with the next sample, or soon if none is coming. */
  archiveQueued(now: number): void {
    this.clock.arm(this.nextSampleAt ?? now + DRAIN_AGAIN_MS);
  }

  /** The history duties due by `firedFor`, the time the alarm was armed for. */
  async alarm(firedFor: number): Promise<void> {
    const game = this.host.game();
    if (game === undefined) return;
    const { snapshotEvery, snapshotTop, historyDays } = this.host.settings();
    const sampleAt = this.nextSampleAt !== undefined && this.nextSampleAt <= firedFor ? this.nextSampleAt : undefined;
    // Copy everything needed before D1 is asked: other requests run while it answers.
    const sample = sampleAt === undefined ? undefined : { game, ts: sampleAt, ...(await this.host.top(snapshotTop)) };
    if (sample !== undefined) this.changedSinceSample = false;
    const outbox = this.takeOutbox();

    let morePruning = false;
    try {
      if (sample !== undefined && sample.entries.length > 0) await this.writer.writeSnapshot(sample);
      if (outbox.reports.length > 0) {
        await this.writer.archive(game, outbox.reports);
        this.ctx.storage.sql.exec("DELETE FROM archive_outbox WHERE seq <= ?", outbox.throughSeq);
      }
      if (Date.now() >= this.nextPrune) {
        morePruning = await this.writer.prune(game, Date.now() - historyDays * 86_400_000);
        if (!morePruning) this.nextPrune = Date.now() + PRUNE_EVERY_MS;
      }
    } catch (error) {
      this.failures++;
      const retryAt = Date.now() + backoffMs(this.failures, Math.max(1000, snapshotEvery * 1000), BACKOFF_MAX_MS);
      console.error(`history of ${game}: D1 write failed (${this.failures} in a row), retrying at ${retryAt}`, error);
      this.write("failures", this.failures);
      // The missed sample is skipped, not back-dated: the next one shows the board when it is taken.
      if (sampleAt !== undefined || this.nextSampleAt !== undefined) this.setNextSample(retryAt);
      this.clock.arm(retryAt);
      return;
    }
    if (this.failures > 0) {
      this.failures = 0;
      this.ctx.storage.sql.exec("DELETE FROM history_state WHERE key = 'failures'");
    }

    if (sampleAt !== undefined) {
      // Locally, an alarm set for "now" from inside alarm() is dropped: always strictly later.
      this.setNextSample(
        this.changedSinceSample ? Math.max(sampleAt + snapshotEvery * 1000, Date.now() + 1) : undefined,
      );
    }
    const wanted = [this.nextSampleAt];
    if (outbox.more || morePruning) wanted.push(Date.now() + DRAIN_AGAIN_MS);
    const next = Math.min(...wanted.filter((t): t is number => t !== undefined));
    if (Number.isFinite(next)) this.clock.arm(Math.max(next, Date.now() + 1));
  }

  private setNextSample(at: number | undefined): void {
    this.nextSampleAt = at;
    if (at === undefined) this.clear("nextSampleAt");
    else this.write("nextSampleAt", at);
  }

  private write(key: string, value: number): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO history_state (key, value) VALUES (?, ?)", key, value);
  }

  private clear(key: string): void {
    this.ctx.storage.sql.exec("DELETE FROM history_state WHERE key = ?", key);
  }

  private takeOutbox(): { reports: ArchivedReport[]; throughSeq: number; more: boolean } {
    const reports: ArchivedReport[] = [];
    let throughSeq = 0;
    let more = false;
    for (const row of this.ctx.storage.sql.exec<{ seq: number; reports: string }>(
      "SELECT seq, reports FROM archive_outbox ORDER BY seq",
    )) {
      if (reports.length >= ARCHIVE_PER_ALARM) {
        more = true;
        break;
      }
      reports.push(...(JSON.parse(row.reports) as ArchivedReport[]));
      throughSeq = row.seq;
    }
    return { reports, throughSeq, more };
  }
}
