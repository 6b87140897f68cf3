import { BatchLog } from "./batch-log";
import { GainSpentTable } from "./gain-spent";
import { MetaTable } from "./meta";
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
  }

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** Forgets a player: a removal in the log, its profile and its stats. Call inside a transaction. */
  removePlayer(player: string): void {
    this.log.appendRemoval(player);
    this.profiles.delete(player);
    this.stats.delete(player);
  }

  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }
}
