import type { ReportTally } from "../../engine/batch-plan";
import { CountBounds } from "../../engine/count-bounds";
import {
  addDelta,
  addDeltasSql,
  deltaOfTuple,
  deltaTuple,
  isDelta,
  isDeltaTuple,
  joinDeltas,
  type StatsEntry,
} from "./report-deltas";
import type { ObjectSchema } from "./schema";
import { statsLimits } from "./stats-limits";
import { WriteBehind, type WriteBehindLimits } from "./write-behind";

export interface StoredStats {
  played: number;
  wins: number;
  losses: number;
  draws: number;
  streak: number;
  bestStreak: number;
  reports: number;
  best: number | null;
  firstSeen: number;
  lastSeen: number;
  counters: Record<string, number>;
  mu: number | null;
  sigma: number | null;
  /** Accepted reports in the season of `attemptsEpoch` (see CompetitorsTable's epoch): what maxAttempts counts. */
  attempts: number;
  attemptsEpoch: number;
}

type Row = {
  player: string;
  played: number;
  wins: number;
  losses: number;
  draws: number;
  streak: number;
  best_streak: number;
  reports: number;
  best: number | null;
  first_seen: number;
  last_seen: number;
  counters: string;
  mu: number | null;
  sigma: number | null;
  attempts: number;
  attempts_epoch: number;
};

export const newStats = (at: number): StoredStats => ({
  played: 0,
  wins: 0,
  losses: 0,
  draws: 0,
  streak: 0,
  bestStreak: 0,
  reports: 0,
  best: null,
  firstSeen: at,
  lastSeen: at,
  counters: {},
  mu: null,
  sigma: null,
  attempts: 0,
  attemptsEpoch: 0,
});

/**
 * Stats held in memory are weighed in deltas (a whole row weighs two: 321 B
 * of heap measured with its key, a delta 233 B), up to limits set by the
 * board's size (see `statsLimits`).
 */
const WHOLE_WEIGHT = 2;

/**
 * Stats rows one background step of the attempts bounds' build reads at
 * most: a row costs about 1.8 µs (at 10^6 rows the whole scan took 1.7-1.9 s
 * in one batch before it was split), so a step stays near 20 ms.
 */
const BOUNDS_SCAN_STEP = 10_000;

/**
 * Upper bounds of attempts in the season of `epoch`; `scannedTo`: while the
 * table is still being read into them, the last player read ("" before the
 * first), else null.
 */
interface AttemptBounds {
  epoch: number;
  counts: CountBounds;
  scannedTo: string | null;
}

/**
 * Every player's stats in the object's SQLite, written behind (see
 * `WriteBehind`): a batch's changes are one `stats_log` row, flushed to
 * `stats` in the background. Results and events change whole rows; score
 * reports only add to a row (see `ReportDelta`), so a batch of them reads
 * no row and a flush adds a period's reports in one upsert per player.
 */
export class StatsTable {
  private readonly rows: WriteBehind<StatsEntry>;
  /** Upper bounds of attempts, begun at the first gated batch and read from the table in steps (see `attemptBound`). */
  private attemptBounds: AttemptBounds | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    /** Limits by the board's players (until told them, those of a full board). */
    private readonly limitsFor: (players: number) => WriteBehindLimits = statsLimits,
    private readonly boundsScanStep = BOUNDS_SCAN_STEP,
  ) {
    this.rows = new WriteBehind<StatsEntry>(
      sql,
      {
        log: "stats_log",
        toTuple: (player, entry) => (isDelta(entry) ? deltaTuple(player, entry) : toTuple(player, entry)),
        fromTuple: (t) => [t[0] as string, isDeltaTuple(t) ? deltaOfTuple(t) : fromTuple(t)],
        fold: (player, before, entry, under) => this.fold(player, before, entry, under),
        weigh: (entry) => (isDelta(entry) ? 1 : WHOLE_WEIGHT),
        write: (tuples) => {
          const whole: unknown[][] = [];
          const deltas: [desc: unknown[][], asc: unknown[][]] = [[], []];
          for (const t of tuples) (isDeltaTuple(t) ? deltas[t[6] === 1 ? 0 : 1] : whole).push(t);
          if (whole.length > 0) this.writeWhole(whole);
          deltas.forEach((of, i) => {
            if (of.length > 0) sql.exec(addDeltasSql(i === 0), JSON.stringify(of));
          });
        },
        remove: (players) =>
          sql.exec("DELETE FROM stats WHERE player IN (SELECT value FROM json_each(?))", JSON.stringify(players)),
      },
      limitsFor(Number.POSITIVE_INFINITY),
      schema.exists,
    );
  }

  get(player: string): StoredStats | undefined {
    return this.many([player]).get(player);
  }

  /** The players' current rows. Shared with this table: clone one before changing it. */
  many(players: readonly string[]): Map<string, StoredStats> {
    const found = new Map<string, StoredStats>();
    if (!this.schema.exists || players.length === 0) return found;
    const layered: [string, StatsEntry | undefined, StatsEntry | null | undefined][] = [];
    const stored: string[] = [];
    for (const player of players) {
      const [pending, flushing] = this.rows.layers(player);
      if (pending === null || (pending !== undefined && !isDelta(pending))) {
        if (pending !== null) found.set(player, pending);
        continue;
      }
      layered.push([player, pending, flushing]);
      if (flushing === undefined || (flushing !== null && isDelta(flushing))) stored.push(player);
    }
    const table = this.stored(stored);
    for (const [player, pending, flushing] of layered) {
      let row =
        flushing === null
          ? undefined
          : flushing === undefined
            ? table.get(player)
            : this.under(flushing, table.get(player));
      if (pending !== undefined) row = this.under(pending, row);
      if (row !== undefined) found.set(player, row);
    }
    return found;
  }

  /**
   * The players' accepted reports in the season of `epoch` (what maxAttempts
   * counts), without their whole rows: every batch of a game with
   * maxAttempts reads them, and two columns read in under half the time of
   * whole rows with their counters (measured at 10^5 players: 4.3 against
   * 9.4 ms for a batch's 1000). Only players whose held entries leave the
   * count open are read from the table.
   */
  attempts(players: readonly string[], epoch: number): Map<string, number> {
    const found = new Map<string, number>();
    if (!this.schema.exists || players.length === 0) return found;
    const held = players.map((player) => this.rows.layers(player));
    const unread = players.filter((_, i) => !held[i].some(settles));
    const table = new Map<string, Tally>();
    if (unread.length > 0) {
      const rows = this.sql
        .exec<{ player: string; attempts: number; attempts_epoch: number }>(
          "SELECT player, attempts, attempts_epoch FROM stats WHERE player IN (SELECT value FROM json_each(?))",
          JSON.stringify(unread),
        )
        .raw();
      for (const [player, attempts, at] of rows) {
        table.set(player as string, { attempts: attempts as number, epoch: at as number });
      }
    }
    players.forEach((player, i) => {
      const [pending, flushing] = held[i];
      const tally = over(pending, over(flushing, table.get(player) ?? NO_ATTEMPTS));
      found.set(player, tally.epoch === epoch ? tally.attempts : 0);
    });
    return found;
  }

  /**
   * At least `player`'s attempts in the season of `epoch`, from memory: a
   * batch reads attempts only of players this bound leaves near maxAttempts.
   * The bounds start at the first ask of an object's life from the rows
   * held, and background steps read the table into them (see `flushStep`);
   * until the last step every bound is infinite, so every player is read.
   * Every batch counted adds to them; a new season starts them empty and
   * whole, as all its attempts are counted from then on. A bound only ever
   * errs high (a removed player's stays; a row flushed after the build began
   * counts twice), and then costs a read.
   */
  attemptBound(player: string, epoch: number): number {
    const bounds = this.boundsOf(epoch);
    return bounds.scannedTo === null ? bounds.counts.bound(player) : Number.POSITIVE_INFINITY;
  }

  private boundsOf(epoch: number): AttemptBounds {
    const built = this.attemptBounds;
    if (built !== undefined && built.epoch === epoch) return built;
    const bounds: AttemptBounds = { epoch, counts: new CountBounds(), scannedTo: null };
    this.attemptBounds = bounds;
    if (built !== undefined && built.epoch < epoch) return bounds;
    for (const [player, entry] of this.rows.heldRows()) {
      const held = over(entry, NO_ATTEMPTS);
      if (held.epoch === epoch) bounds.counts.add(player, held.attempts);
    }
    if (this.schema.exists) bounds.scannedTo = "";
    return bounds;
  }

  /** Reads the next players of the table into the attempts bounds being built; true while more remain. */
  private scanBoundsStep(bounds: AttemptBounds, from: string): boolean {
    const rows = [
      ...this.sql
        .exec(
          `SELECT player, attempts FROM stats WHERE player > ? AND attempts_epoch = ? AND attempts > 0
           ORDER BY player LIMIT ?`,
          from,
          bounds.epoch,
          this.boundsScanStep,
        )
        .raw(),
    ];
    for (const [player, attempts] of rows) bounds.counts.add(player as string, attempts as number);
    bounds.scannedTo = rows.length < this.boundsScanStep ? null : (rows[rows.length - 1][0] as string);
    return bounds.scannedTo !== null;
  }

  /**
   * Adds a batch of reports to their players' counts, and to their attempts
   * in the season of `epoch`; call as the batch transaction's last write.
   */
  countReports(counts: readonly ReportTally[], higherIsBetter: boolean, epoch: number): void {
    if (counts.length === 0) return;
    if (this.attemptBounds !== undefined && this.attemptBounds.epoch <= epoch) {
      const { counts: bounds } = this.boundsOf(epoch);
      for (const { player, reports } of counts) bounds.add(player, reports);
    }
    // One tally per player already: no map to build.
    this.rows.write(
      counts.map(({ player, reports, peak, first, last }): [string, StatsEntry] => [
        player,
        { delta: true, reports, attempts: reports, epoch, peak, desc: higherIsBetter, first, last },
      ]),
    );
  }

  /** Holds as many rows as a board of `players` leaves room for (see `statsLimits`). */
  fitTo(players: number): void {
    this.rows.resize(this.limitsFor(players));
  }

  /**
   * Logs whole rows (results, events); call inside the batch's transaction,
   * as its last write: memory follows once the log row is written.
   */
  write(rows: ReadonlyMap<string, StoredStats>): void {
    this.rows.write(rows);
  }

  delete(player: string): void {
    if (this.schema.exists) this.rows.write(new Map([[player, null]]));
  }

  /** Whether background steps are waiting to run: the attempts bounds' build, or a flush. */
  get flushDue(): boolean {
    return this.attemptBounds?.scannedTo != null || this.rows.flushDue;
  }

  /**
   * One background step in the caller's transaction: of the attempts bounds'
   * build while one is under way, else of a flush (see `WriteBehind.flushStep`).
   * True while more remains.
   */
  flushStep(): boolean {
    const bounds = this.attemptBounds;
    if (bounds?.scannedTo != null) return this.scanBoundsStep(bounds, bounds.scannedTo) || this.rows.flushDue;
    return this.rows.flushStep();
  }

  /** An entry over what lies under it: a whole row replaces, a delta adds. */
  private under(entry: StatsEntry, row: StoredStats | undefined): StoredStats {
    return isDelta(entry) ? addDelta(row, entry, newStats) : entry;
  }

  /**
   * A delta folded into the entry held before it: deltas of one order join;
   * otherwise the row is read whole (the order changed mid-period), over
   * `under` (what is flushing beneath) and the table's row.
   */
  private fold(
    player: string,
    before: StatsEntry | null,
    entry: StatsEntry,
    under: StatsEntry | null | undefined,
  ): StatsEntry {
    if (!isDelta(entry)) return entry;
    if (before === null) return addDelta(undefined, entry, newStats);
    if (!isDelta(before)) return addDelta(before, entry, newStats);
    return (
      joinDeltas(before, entry) ?? addDelta(addDelta(this.rowUnder(player, under), before, newStats), entry, newStats)
    );
  }

  /** The row beneath a held entry: what is flushing (`under`) over the table's. */
  private rowUnder(player: string, under: StatsEntry | null | undefined): StoredStats | undefined {
    if (under === null) return undefined;
    if (under !== undefined && !isDelta(under)) return under;
    const table = this.stored([player]).get(player);
    return under === undefined ? table : addDelta(table, under, newStats);
  }

  private stored(players: readonly string[]): Map<string, StoredStats> {
    const found = new Map<string, StoredStats>();
    if (players.length === 0) return found;
    for (const row of this.sql.exec<Row>(
      "SELECT * FROM stats WHERE player IN (SELECT value FROM json_each(?))",
      JSON.stringify(players),
    )) {
      found.set(row.player, fromRow(row));
    }
    return found;
  }

  private writeWhole(tuples: unknown[][]): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO stats
       (player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen, counters, mu, sigma,
        attempts, attempts_epoch)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
              value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13,
              coalesce(value ->> 14, 0), coalesce(value ->> 15, 0)
       FROM jsonb_each(jsonb(?))`,
      JSON.stringify(tuples),
    );
  }
}

function toTuple(player: string, s: StoredStats): unknown[] {
  return [
    player,
    s.played,
    s.wins,
    s.losses,
    s.draws,
    s.streak,
    s.bestStreak,
    s.reports,
    s.best,
    s.firstSeen,
    s.lastSeen,
    JSON.stringify(s.counters),
    s.mu,
    s.sigma,
    s.attempts,
    s.attemptsEpoch,
  ];
}

/** Accepted reports counted in a season (what a row's attempts columns hold). */
interface Tally {
  attempts: number;
  epoch: number;
}

const NO_ATTEMPTS: Tally = { attempts: 0, epoch: 0 };

/** Whether a held entry answers alone, whatever lies under it: a whole row, or a removal. */
const settles = (entry: StatsEntry | null | undefined): boolean =>
  entry === null || (entry !== undefined && !isDelta(entry));

/** The attempts of a held entry over those under it (as `addDelta` counts them). */
function over(entry: StatsEntry | null | undefined, under: Tally): Tally {
  if (entry === undefined) return under;
  if (entry === null) return NO_ATTEMPTS;
  if (!isDelta(entry)) return { attempts: entry.attempts, epoch: entry.attemptsEpoch };
  return { attempts: (under.epoch === entry.epoch ? under.attempts : 0) + entry.attempts, epoch: entry.epoch };
}

function fromTuple(t: unknown[]): StoredStats {
  const [player, played, wins, losses, draws, streak, best_streak, reports, best, first_seen, last_seen] = t;
  return fromRow({
    player,
    played,
    wins,
    losses,
    draws,
    streak,
    best_streak,
    reports,
    best,
    first_seen,
    last_seen,
    counters: t[11],
    mu: t[12],
    sigma: t[13],
    // Rows logged before attempts were kept have none.
    attempts: t[14] ?? 0,
    attempts_epoch: t[15] ?? 0,
  } as Row);
}

function fromRow(row: Row): StoredStats {
  return {
    played: row.played,
    wins: row.wins,
    losses: row.losses,
    draws: row.draws,
    streak: row.streak,
    bestStreak: row.best_streak,
    reports: row.reports,
    best: row.best,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    counters: JSON.parse(row.counters) as Record<string, number>,
    mu: row.mu,
    sigma: row.sigma,
    attempts: row.attempts,
    attemptsEpoch: row.attempts_epoch,
  };
}
