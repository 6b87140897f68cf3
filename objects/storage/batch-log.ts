import type { PlayerState } from "../../engine/rules";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";

/**
 * A game's players in its Durable Object's SQLite:
 *
 * - `log`: one row per accepted batch, holding the new state of each player it
 *   changed (or a removal). Appending one row per batch instead of one row per
 *   player is what lets one game take ~100k reports/s.
 * - `base`: every player as of log seq `throughSeq`, in parts of ~256 KB,
 *   written in rank order so a rebuild needs no sort. Compaction writes a new
 *   generation part by part in the background, then swaps it in and trims the
 *   log. A part may hold states newer than `throughSeq`; replaying the log over
 *   it still ends at the right state because log rows hold whole states.
 *
 * Rebuild = stream base parts into the engine, then replay the log tail.
 * Writes open no transaction of their own: the object owns each one.
 */

/** A log entry: a player's new state, or `[player]` for a removal. */
/** A state (its team null when it has none but a subscore, which only a board with a tiebreak keeps), or a removal. */
type Change = StoredState | [player: string];
type StoredState = [player: string, score: number, ts: number, team?: string | null, subscore?: number];

interface BasePointer {
  generation: number;
  throughSeq: number;
  players: number;
}

/** A closed season's board, kept until its standings are archived: its base generation and log rows. */
export interface RetainedBoard {
  generation: number;
  /** Its log rows are those after `fromSeq`, up to `throughSeq`. */
  fromSeq: number;
  throughSeq: number;
  players: number;
}

const PART_BYTES = 256 * 1024;
const LOG_ROW_CHANGES = 2000;
/** Base parts (and log rows) a retained board drops per step. */
const RELEASE_PARTS = 8;
const RELEASE_LOG_ROWS = 32;

export class BatchLog {
  private base: BasePointer;
  private retained: RetainedBoard | undefined;
  private lastSeq: number;
  /** Changes logged since the base; compaction is due when this outgrows the board. */
  private loggedChanges = 0;

  /** Reads of a game never written find nothing, and touch no table (there are none). */
  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: MetaTable,
    private readonly schema: ObjectSchema,
  ) {
    this.base = meta.read<BasePointer>("base") ?? { generation: 0, throughSeq: 0, players: 0 };
    this.retained = meta.read<RetainedBoard>("retained");
    this.lastSeq = this.base.throughSeq;
    if (!schema.exists) return;
    this.lastSeq = sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM log").one().seq ?? this.lastSeq;
    // A compaction cut short by eviction leaves parts of an unfinished generation.
    sql.exec("DELETE FROM base WHERE generation > ?", this.base.generation);
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
  *baseStates(generation = this.base.generation): Generator<PlayerState> {
    if (!this.schema.exists) return;
    const parts = this.sql.exec<{ states: string }>(
      "SELECT states FROM base WHERE generation = ? ORDER BY part",
      generation,
    );
    const state: PlayerState = { player: "", score: 0, ts: 0 };
    for (const { states } of parts) {
      for (const [player, score, ts, team, subscore] of JSON.parse(states) as StoredState[]) {
        state.player = player;
        state.score = score;
        state.ts = ts;
        state.team = team ?? undefined;
        state.subscore = subscore;
        yield state;
      }
    }
  }

  /** Log rows after the base, oldest first: the states to apply and players to remove. */
  *logTail(
    fromSeq = this.base.throughSeq,
    throughSeq = Number.MAX_SAFE_INTEGER,
  ): Generator<{ states: PlayerState[]; removed: string[] }> {
    if (!this.schema.exists) return;
    const rows = this.sql.exec<{ changes: string }>(
      "SELECT changes FROM log WHERE seq > ? AND seq <= ? ORDER BY seq",
      fromSeq,
      throughSeq,
    );
    const counting = fromSeq === this.base.throughSeq;
    if (counting) this.loggedChanges = 0;
    for (const { changes } of rows) {
      const states: PlayerState[] = [];
      const removed: string[] = [];
      for (const change of JSON.parse(changes) as Change[]) {
        if (change.length === 1) removed.push(change[0]);
        else states.push(toState(change));
      }
      if (counting) this.loggedChanges += states.length + removed.length;
      yield { states, removed };
    }
  }

  /** Logs an accepted batch's new player states; call inside its transaction. */
  append(states: readonly PlayerState[]): void {
    for (let i = 0; i < states.length; i += LOG_ROW_CHANGES) {
      this.appendRow(states.slice(i, i + LOG_ROW_CHANGES).map(toChange));
    }
  }

  /** Logs a player's removal; call inside its transaction. */
  appendRemoval(player: string): void {
    this.appendRow([[player]]);
  }

  /**
   * Starts an empty board (a season's close) without touching the old one's
   * rows: they stay, as the retained board, until release(), so the closed
   * season's standings can be rebuilt after a restart until they are
   * archived. Call inside the close's transaction, with no compaction under
   * way and no board already retained.
   */
  retire(players: number): RetainedBoard {
    // Parts of a compaction cut short by the close would otherwise read as the new board's base.
    this.sql.exec("DELETE FROM base WHERE generation > ?", this.base.generation);
    const retained = {
      generation: this.base.generation,
      fromSeq: this.base.throughSeq,
      throughSeq: this.lastSeq,
      players,
    };
    this.retained = retained;
    this.meta.write("retained", retained);
    this.base = { generation: this.base.generation + 1, throughSeq: this.lastSeq, players: 0 };
    this.meta.write("base", this.base);
    this.loggedChanges = 0;
    return retained;
  }

  /** The retained board, if a closed season's standings are still being archived. */
  get retainedBoard(): RetainedBoard | undefined {
    return this.retained;
  }

  /** The open board's states: its base, then the log after it (each state read before the next is asked for). */
  *boardStates(): Generator<{ states: Iterable<PlayerState>; removed: string[] }> {
    yield { states: this.baseStates(), removed: [] };
    yield* this.logTail();
  }

  /** The retained board's states: its base, then its log (each state read before the next is asked for). */
  *retainedStates(): Generator<{ states: Iterable<PlayerState>; removed: string[] }> {
    const retained = this.retained;
    if (retained === undefined) return;
    yield { states: this.baseStates(retained.generation), removed: [] };
    yield* this.logTail(retained.fromSeq, retained.throughSeq);
  }

  /**
   * Drops some of the retained board's rows (its standings are archived), a
   * few MB at a time so that requests run in between: at 10^6 players they
   * are ~80 MB, and dropping them at once stalled writes for over a second.
   * Call inside a transaction; true while rows remain.
   */
  releaseStep(): boolean {
    const retained = this.retained;
    if (retained === undefined) return false;
    const part = this.sql
      .exec<{ part: number }>(
        "SELECT part FROM base WHERE generation = ? ORDER BY part LIMIT 1 OFFSET ?",
        retained.generation,
        RELEASE_PARTS - 1,
      )
      .toArray()[0]?.part;
    this.sql.exec(
      "DELETE FROM base WHERE generation = ? AND part <= ?",
      retained.generation,
      part ?? Number.MAX_SAFE_INTEGER,
    );
    if (part !== undefined) return true;
    const seq = this.sql
      .exec<{ seq: number }>(
        "SELECT seq FROM log WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?",
        retained.throughSeq,
        RELEASE_LOG_ROWS - 1,
      )
      .toArray()[0]?.seq;
    this.sql.exec("DELETE FROM log WHERE seq <= ?", seq ?? retained.throughSeq);
    if (seq !== undefined) return true;
    this.sql.exec("DELETE FROM meta WHERE key = 'retained'");
    this.retained = undefined;
    return false;
  }

  /** True when the log has grown past the board enough that compaction pays. */
  get compactionDue(): boolean {
    return this.loggedChanges >= Math.max(50_000, this.base.players);
  }

  /**
   * Writes `states` (every player, rank order first) as a new base
   * generation, one part per call of the returned step function, so other
   * requests run in between. Each step must run in a transaction of its own.
   * The step returns true when the new base is live.
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
      if (changes.length > 0) {
        this.sql.exec(
          "INSERT INTO base (generation, part, states) VALUES (?, ?, ?)",
          generation,
          part++,
          JSON.stringify(changes),
        );
      }
      if (!next.done) return false;
      this.base = { generation, throughSeq, players };
      this.meta.write("base", this.base);
      // A retained board (a closed season still being archived) keeps its rows until it is released.
      const kept = this.retained;
      this.sql.exec("DELETE FROM base WHERE generation < ? AND generation <> ?", generation, kept?.generation ?? -1);
      this.sql.exec("DELETE FROM log WHERE seq <= ? AND seq > ?", throughSeq, kept?.throughSeq ?? 0);
      this.loggedChanges -= changesAtStart;
      return true;
    };
  }

  private appendRow(changes: Change[]): void {
    this.lastSeq++;
    this.loggedChanges += changes.length;
    this.sql.exec("INSERT INTO log (seq, changes) VALUES (?, ?)", this.lastSeq, JSON.stringify(changes));
  }
}

function toChange({ player, score, ts, team, subscore }: PlayerState): Change {
  if (subscore !== undefined) return [player, score, ts, team ?? null, subscore];
  return team === undefined ? [player, score, ts] : [player, score, ts, team];
}

function toState([player, score, ts, team, subscore]: StoredState): PlayerState {
  const state: PlayerState = { player, score, ts };
  if (team != null) state.team = team;
  if (subscore !== undefined) state.subscore = subscore;
  return state;
}
