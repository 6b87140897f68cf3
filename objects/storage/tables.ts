import { BatchLog } from "./batch-log";
import { CohortPlaces } from "./cohort-places";
import { CompetitorsTable } from "./competitors";
import { GainSpentTable } from "./gain-spent";
import { MetaTable } from "./meta";
import { PlayerMetaTable } from "./player-meta";
import { ProfileTable } from "./profiles";
import { ReportIds } from "./report-ids";
import { ObjectSchema } from "./schema";
import { StatsTable } from "./stats";
import { TrendLog } from "./trend-log";

/**
 * The game's tables in its object's SQLite, opened together at each start
 * (and after a deletion). Each write's one transaction is `transaction`:
 * Durable Objects refuse `BEGIN`, and a synchronous transaction is durable
 * before the answer leaves (the output gate).
 */
export class GameTables {
  readonly schema: ObjectSchema;
  readonly meta: MetaTable;
  readonly log: BatchLog;
  readonly ids: ReportIds;
  readonly profiles: ProfileTable;
  readonly stats: StatsTable;
  readonly trendLog: TrendLog;
  readonly gainSpent: GainSpentTable;
  readonly playerMeta: PlayerMetaTable;
  readonly cohorts: CohortPlaces;
  readonly competitors: CompetitorsTable;

  /**
   * `rolledBack`: told when a transaction throws, its writes undone. Memory
   * may already hold what they wrote (rows written behind, a retired board),
   * so a game's object resets itself on it (see `resetOnRollback`).
   */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly rolledBack: (error: unknown) => void = () => {},
  ) {
    const sql = storage.sql;
    this.schema = new ObjectSchema(sql, (work) => this.transaction(work));
    this.meta = new MetaTable(sql, this.schema);
    this.log = new BatchLog(sql, this.meta, this.schema);
    this.ids = new ReportIds(sql, this.schema);
    this.profiles = new ProfileTable(sql, this.schema);
    this.stats = new StatsTable(sql, this.schema);
    this.trendLog = new TrendLog(sql, this.schema);
    this.gainSpent = new GainSpentTable(sql, this.schema);
    this.playerMeta = new PlayerMetaTable(sql, this.schema, this.meta);
    this.cohorts = new CohortPlaces(sql, this.schema, this.meta);
    this.competitors = new CompetitorsTable(sql, this.schema, this.meta, (work) => this.transaction(work));
  }

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** Whether the game holds a profile or stats of `player` (who may be off the board: an earlier season's, or never scored). */
  holdsPlayer(player: string): boolean {
    return this.profiles.get(player) !== undefined || this.stats.get(player) !== undefined;
  }

  /**
   * Forgets a player: a removal in the log (when on the board), its profile,
   * its stats, its meta and its cohort. Call inside a transaction.
   */
  removePlayer(player: string, onBoard: boolean): void {
    if (onBoard) this.log.appendRemoval(player);
    this.profiles.delete(player);
    this.stats.delete(player);
    this.playerMeta.delete(player);
    this.cohorts.delete(player);
    this.competitors.unsettle(player);
  }

  /**
   * A season closed: the board's rows, its players' meta and cohorts are kept
   * until its standings are archived; joins and attempts start afresh.
   */
  retireBoard(players: number): void {
    this.log.retire(players);
    this.playerMeta.retire();
    this.cohorts.retire();
    this.competitors.retire();
  }

  /** Whether a retired board's rows, meta or cohorts remain to be released. */
  get retaining(): boolean {
    return (
      this.log.retainedBoard !== undefined ||
      this.playerMeta.retaining ||
      this.cohorts.retaining ||
      this.competitors.retaining
    );
  }

  /** One step of releasing a retired board: its rows, meta, cohorts, then its season's joins. Call inside a transaction; true while more remain. */
  releaseStep(): boolean {
    return (
      this.log.releaseStep() ||
      this.playerMeta.releaseStep() ||
      this.cohorts.releaseStep() ||
      this.competitors.releaseStep()
    );
  }

  /** Whether a table written behind (stats, meta, joins and attempts) is due a flush. */
  get flushDue(): boolean {
    return this.writtenBehind().some((table) => table.flushDue);
  }

  /** One flush step of the first table due, in its own transaction; true while any remains due. */
  flushStep(): boolean {
    const due = this.writtenBehind().find((table) => table.flushDue);
    if (due === undefined) return false;
    this.transaction(() => due.flushStep());
    return this.flushDue;
  }

  private writtenBehind(): { flushDue: boolean; flushStep(): boolean }[] {
    return [this.stats, this.playerMeta, this.competitors];
  }

  transaction<T>(work: () => T): T {
    try {
      return this.storage.transactionSync(work);
    } catch (error) {
      this.rolledBack(error);
      throw error;
    }
  }
}

/**
 * What an object does when one of its transactions throws: writes are
 * validated before their transaction, so only storage failing (full, or a
 * bug) gets here, and the in-memory state may no longer match storage.
 * The object resets (the failed request is answered with an error) and the
 * next request rebuilds it from storage, which holds every acknowledged write.
 */
export function resetOnRollback(ctx: DurableObjectState): (error: unknown) => void {
  return (error) => {
    console.error("a transaction rolled back: resetting the object to rebuild it from storage", error);
    ctx.abort(`a transaction rolled back: ${error instanceof Error ? error.message : String(error)}`);
  };
}
