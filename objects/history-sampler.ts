import type { ArchivedReport, HistoryWriter, Sample } from "./history-writer";

export interface HistorySettings {
  snapshotEvery: number;
  snapshotTop: number;
  historyDays: number;
}

/** How the sampler reaches the rest of the object. */
export interface SamplerHost {
  game(): string | undefined;
  settings(): HistorySettings;
  /** The board's top `limit` entries and total, now. */
  top(limit: number): Omit<Sample, "game" | "ts">;
}

const ARCHIVE_PER_ALARM = 2000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Samples a game's board into D1 on the object's alarm. While the board
 * changes one alarm stays armed; an idle board lets it lapse, so an idle game
 * costs nothing (and alarms never keep spectators' sockets from hibernating).
 *
 * The scheduled time is kept in SQLite and becomes the snapshot's ts, so an
 * alarm retried after a failed (or half-done) D1 write writes the same key
 * again, which the (game, ts) key turns into a no-op.
 *
 * Archived reports wait in an SQLite outbox written with their batch, so they
 * are as durable as the board; the alarm moves them to D1 in bounded chunks.
 */
export class HistorySampler {
  private nextSampleAt: number | undefined;
  private changedSinceSample = false;
  private nextPrune = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly writer: HistoryWriter,
    private readonly host: SamplerHost,
  ) {
    const sql = ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS archive_outbox (seq INTEGER PRIMARY KEY, reports TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS history_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
    this.nextSampleAt = sql
      .exec<{ value: number }>("SELECT value FROM history_state WHERE key = 'nextSampleAt'")
      .toArray()[0]?.value;
  }

  /** The board changed: make sure a sample is coming. */
  touch(now: number): void {
    this.changedSinceSample = true;
    if (this.nextSampleAt === undefined) this.arm(now + this.host.settings().snapshotEvery * 1000);
  }

  /** Keeps accepted reports for the archive; call inside the batch's transaction. */
  keepForArchive(reports: readonly ArchivedReport[]): void {
    if (reports.length === 0) return;
    this.ctx.storage.sql.exec("INSERT INTO archive_outbox (reports) VALUES (?)", JSON.stringify(reports));
  }

  async alarm(): Promise<void> {
    const game = this.host.game();
    const ts = this.nextSampleAt ?? Date.now();
    const { snapshotEvery, snapshotTop, historyDays } = this.host.settings();
    // Copy everything needed before the first await: other requests run while D1 answers.
    const sample = game === undefined ? undefined : { game, ts, ...this.host.top(snapshotTop) };
    this.changedSinceSample = false;
    const outbox = this.takeOutbox();

    if (sample !== undefined && sample.entries.length > 0) await this.writer.writeSnapshot(sample);
    if (game !== undefined && outbox.reports.length > 0) {
      await this.writer.archive(game, outbox.reports);
      this.ctx.storage.sql.exec("DELETE FROM archive_outbox WHERE seq <= ?", outbox.throughSeq);
    }
    let morePruning = false;
    if (game !== undefined && Date.now() >= this.nextPrune) {
      morePruning = await this.writer.prune(game, Date.now() - historyDays * 86_400_000);
      if (!morePruning) this.nextPrune = Date.now() + PRUNE_EVERY_MS;
    }

    if (this.changedSinceSample || outbox.more || morePruning) {
      // Locally, an alarm set for "now" from inside alarm() is dropped: always strictly later.
      this.arm(Math.max(ts + snapshotEvery * 1000, Date.now() + 1));
    } else {
      this.nextSampleAt = undefined;
      this.ctx.storage.sql.exec("DELETE FROM history_state WHERE key = 'nextSampleAt'");
    }
  }

  private arm(at: number): void {
    this.nextSampleAt = at;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO history_state (key, value) VALUES ('nextSampleAt', ?)", at);
    void this.ctx.storage.setAlarm(at);
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
