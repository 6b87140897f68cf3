import type { PlayerState } from "../../engine/rules";
import type { ObjectSchema } from "./schema";

/**
 * A board's durable form in its Durable Object's SQLite:
 *
 * - `log`: one row per accepted batch, holding the new state of each player it
 *   changed (or a removal). Appending one row per batch instead of one row per
 *   player is what lets one game take ~100k reports/s.
 * - `base`: the whole board as of log seq `throughSeq`, in parts of ~256 KB,
 *   written in rank order so a rebuild needs no sort. Compaction writes a new
 *   generation part by part in the background, then swaps it in and trims the
 *   log. A part may hold states newer than `throughSeq`; replaying the log over
 *   it still ends at the right state because log rows hold whole states.
 * - `report_ids`: idempotency ids with the time they were first seen.
 * - `meta`: the game's name, config, timestamps and the base pointer.
 *
 * Rebuild = stream base parts into the engine, then replay the log tail.
 */

/** A log entry: a player's new state, or `[player]` for a removal. */
type Change = [player: string, score: number, ts: number, team?: string] | [player: string];

interface BasePointer {
  generation: number;
  throughSeq: number;
  players: number;
}

/** How long an idempotency id is remembered. */
export const ID_RETENTION_MS = 24 * 60 * 60 * 1000;
const PART_BYTES = 256 * 1024;
const LOG_ROW_CHANGES = 2000;
/** SQLite in Durable Objects binds at most 100 parameters per statement. */
const IDS_PER_STATEMENT = 49;
const ID_SWEEP_LIMIT = 5000;

export class BoardStorage {
  private base: BasePointer;
  private lastSeq: number;
  /** Changes logged since the base; compaction is due when this outgrows the board. */
  private loggedChanges = 0;

  /** Reads of a game never written find nothing, and touch no table (there are none). */
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(work: () => T) => T,
    private readonly schema: ObjectSchema,
  ) {
    this.base = this.readMeta<BasePointer>("base") ?? { generation: 0, throughSeq: 0, players: 0 };
    this.lastSeq = this.base.throughSeq;
    if (!schema.exists) return;
    this.lastSeq = sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM log").one().seq ?? this.lastSeq;
    // A compaction cut short by eviction leaves parts of an unfinished generation.
    sql.exec("DELETE FROM base WHERE generation > ?", this.base.generation);
  }

  readMeta<T>(key: string): T | undefined {
    if (!this.schema.exists) return undefined;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  writeMeta(key: string, value: unknown): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /** Players in the base, a hint for sizing the engine before a rebuild. */
  get basePlayers(): number {
    return this.base.players;
  }

  /**
   * The base's states, part by part, in the order they were written. One
   * object is reused for every state (a million allocations saved on a
   * rebuild): a consumer must read each state before asking for the next.
   */
  *baseStates(): Generator<PlayerState> {
    if (!this.schema.exists) return;
    const parts = this.sql.exec<{ states: string }>(
      "SELECT states FROM base WHERE generation = ? ORDER BY part",
      this.base.generation,
    );
    const state: PlayerState = { player: "", score: 0, ts: 0 };
    for (const { states } of parts) {
      for (const [player, score, ts, team] of JSON.parse(states) as [string, number, number, string?][]) {
        state.player = player;
        state.score = score;
        state.ts = ts;
        state.team = team;
        yield state;
      }
    }
  }

  /** Log rows after the base, oldest first: the states to apply and players to remove. */
  *logTail(): Generator<{ states: PlayerState[]; removed: string[] }> {
    if (!this.schema.exists) return;
    const rows = this.sql.exec<{ changes: string }>(
      "SELECT changes FROM log WHERE seq > ? ORDER BY seq",
      this.base.throughSeq,
    );
    this.loggedChanges = 0;
    for (const { changes } of rows) {
      const states: PlayerState[] = [];
      const removed: string[] = [];
      for (const change of JSON.parse(changes) as Change[]) {
        if (change.length === 1) removed.push(change[0]);
        else states.push(toState(change));
      }
      this.loggedChanges += states.length + removed.length;
      yield { states, removed };
    }
  }

  /** The subset of `ids` already seen. */
  knownIds(ids: readonly string[]): Set<string> {
    const known = new Set<string>();
    if (!this.schema.exists) return known;
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT * 2) {
      const chunk = ids.slice(i, i + IDS_PER_STATEMENT * 2);
      const rows = this.sql.exec<{ id: string }>(
        `SELECT id FROM report_ids WHERE id IN (${placeholders(chunk.length)})`,
        ...chunk,
      );
      for (const { id } of rows) known.add(id);
    }
    return known;
  }

  /**
   * Durably records an accepted batch: the players' new states, the ids seen,
   * and the time, in one transaction. The caller applies the states to the
   * engine only after this returns.
   */
  append(states: readonly PlayerState[], ids: readonly string[], at: number): void {
    this.transaction(() => {
      for (let i = 0; i < states.length; i += LOG_ROW_CHANGES) {
        this.appendLog(states.slice(i, i + LOG_ROW_CHANGES).map(toChange));
      }
      for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
        const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
        this.sql.exec(
          `INSERT OR IGNORE INTO report_ids (id, at) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`,
          ...chunk.flatMap((id) => [id, at]),
        );
      }
      if (states.length > 0) this.writeMeta("updatedAt", at);
    });
  }

  /** Durably records a player's removal. */
  appendRemoval(player: string, at: number): void {
    this.transaction(() => {
      this.appendLog([[player]]);
      this.writeMeta("updatedAt", at);
    });
  }

  /** True when the log has grown past the board enough that compaction pays. */
  get compactionDue(): boolean {
    return this.loggedChanges >= Math.max(50_000, this.base.players);
  }

  /**
   * Writes `states` (the whole board, rank order first) as a new base
   * generation, one part per call of the returned step function, so other
   * requests run in between. The step returns true when the new base is live.
   */
  compaction(states: Iterator<PlayerState>): () => boolean {
    const generation = this.base.generation + 1;
    const throughSeq = this.lastSeq;
    const changesAtStart = this.loggedChanges;
    let part = 0;
    let players = 0;
    return () => {
      const changes: Change[] = [];
      let bytes = 0;
      let next = states.next();
      for (; !next.done; next = states.next()) {
        changes.push(toChange(next.value));
        bytes += next.value.player.length * 3 + 40;
        if (bytes >= PART_BYTES) break;
      }
      players += changes.length;
      this.transaction(() => {
        if (changes.length > 0) {
          this.sql.exec(
            "INSERT INTO base (generation, part, states) VALUES (?, ?, ?)",
            generation,
            part++,
            JSON.stringify(changes),
          );
        }
        if (!next.done) return;
        this.base = { generation, throughSeq, players };
        this.writeMeta("base", this.base);
        this.sql.exec("DELETE FROM base WHERE generation < ?", generation);
        this.sql.exec("DELETE FROM log WHERE seq <= ?", throughSeq);
      });
      if (!next.done) return false;
      this.loggedChanges -= changesAtStart;
      return true;
    };
  }

  /** Forgets ids older than the retention, a bounded number per call; true if more remain. */
  sweepIds(now: number): boolean {
    const cursor = this.sql.exec(
      "DELETE FROM report_ids WHERE id IN (SELECT id FROM report_ids WHERE at < ? ORDER BY at LIMIT ?)",
      now - ID_RETENTION_MS,
      ID_SWEEP_LIMIT,
    );
    return cursor.rowsWritten >= ID_SWEEP_LIMIT;
  }

  private appendLog(changes: Change[]): void {
    this.lastSeq++;
    this.loggedChanges += changes.length;
    this.sql.exec("INSERT INTO log (seq, changes) VALUES (?, ?)", this.lastSeq, JSON.stringify(changes));
  }
}

function toChange(state: PlayerState): Change {
  return state.team === undefined
    ? [state.player, state.score, state.ts]
    : [state.player, state.score, state.ts, state.team];
}

function toState([player, score, ts, team]: [string, number, number, string?]): PlayerState {
  return team === undefined ? { player, score, ts } : { player, score, ts, team };
}

function placeholders(n: number): string {
  return new Array(n).fill("?").join(", ");
}
