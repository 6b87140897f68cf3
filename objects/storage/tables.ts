import { BatchLog } from "./batch-log";
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
  readonly competitors: CompetitorsTable;

  constructor(private readonly storage: DurableObjectStorage) {
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
    this.competitors = new CompetitorsTable(sql, this.schema, this.meta);
  }

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** Forgets a player: a removal in the log, its profile, its stats and its meta. Call inside a transaction. */
  removePlayer(player: string): void {
    this.log.appendRemoval(player);
    this.profiles.delete(player);
    this.stats.delete(player);
    this.playerMeta.delete(player);
    this.competitors.unsettle(player);
  }

  /**
   * A season closed: the board's rows and its players' meta are kept until
   * its standings are archived; joins and attempts start afresh.
   */
  retireBoard(players: number): void {
    this.log.retire(players);
    this.playerMeta.retire();
    this.competitors.retire();
  }

  /** Whether a retired board's rows or meta remain to be released. */
  get retaining(): boolean {
    return this.log.retainedBoard !== undefined || this.playerMeta.retaining || this.competitors.retaining;
  }

  /** One step of releasing a retired board: its rows, then its meta, then its season's joins. Call inside a transaction; true while more remain. */
  releaseStep(): boolean {
    return this.log.releaseStep() || this.playerMeta.releaseStep() || this.competitors.releaseStep();
  }

  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }
}
