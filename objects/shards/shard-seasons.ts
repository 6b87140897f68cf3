import type { Ranking } from "../../engine/ranking";
import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import type { BoardLoader } from "../board-loader";
import type { PlayerBoard } from "../players/player-board";
import { BoardReads } from "../reads";
import { poolGrowth } from "../seasons/prizes";
import type { GameRecord } from "../storage/game-record";
import type { GameTables } from "../storage/tables";

/** What a shard answers for the season it closed: its players then, and its share of the pool. */
export interface ShardClose {
  season: number;
  players: number;
  poolMicros: number;
}

/** A closed season's board, kept on the shard until its game's object has its standings. */
interface Closed extends ShardClose {
  endedAt: number;
}

/**
 * A shard's side of its game's seasons. The game's object closes a season on
 * every shard (`close`, idempotent by season number): in one transaction the
 * shard retires its board (BatchLog keeps its rows) and records the season
 * with its players and its share of the pool (each batch's gains fed it); its
 * board then starts empty. The object reads the closed board's standings in
 * order (`standings`, rebuilt from the retained rows after a restart) to
 * merge them with the other shards', and `release`s it once it has them all.
 */
export class ShardSeasons {
  private closed: Closed | undefined;
  private closedBoard: Ranking | undefined;
  private releasing = false;

  constructor(
    private readonly tables: GameTables,
    private readonly record: GameRecord,
    private readonly players: PlayerBoard,
    private readonly loader: BoardLoader,
    /** Asks for background steps (the release runs there). */
    private readonly background: () => void,
  ) {
    this.closed = tables.meta.read<Closed | null>("closedSeason") ?? undefined;
    this.releasing = this.closed === undefined && tables.retaining;
  }

  /** A batch's share of its gains to this shard's part of the pool; call inside its transaction. */
  feed(rise: number, prizes: GameConfig["prizes"]): void {
    const micros = prizes === null ? 0 : poolGrowth(prizes.poolShare, rise);
    if (micros > 0) this.tables.meta.write("poolMicros", this.pool + micros);
  }

  /** This shard's part of the open season's pool, in micros. */
  get pool(): number {
    return this.tables.meta.read<number>("poolMicros") ?? 0;
  }

  /**
   * Closes `season` here at `endedAt`, or answers how it closed when it
   * already did. A season still kept from before is let go first (its game's
   * object has its standings once it closes the next).
   */
  close(season: number, endedAt: number, dropCompaction: () => void): ShardClose {
    const closed = this.closed;
    if (closed !== undefined && closed.season === season) return summary(closed);
    if (closed !== undefined) this.release(closed.season);
    while (this.tables.transaction(() => this.tables.releaseStep()));
    const board = this.players.at(endedAt);
    const next: Closed = { season, endedAt, players: board.rankedPlayers, poolMicros: this.pool };
    dropCompaction();
    this.tables.transaction(() => {
      this.tables.retireBoard(next.players);
      this.tables.trendLog.clear();
      this.tables.meta.write("closedSeason", next);
      this.tables.meta.write("poolMicros", 0);
      this.record.recordUpdate(endedAt);
    });
    this.closed = next;
    this.closedBoard = board;
    this.players.reopen(endedAt);
    return summary(next);
  }

  /** The closed season's standings at [from, to) in board order, named (ranks this shard's). */
  standings(season: number, from: number, to: number): LeaderboardEntry[] {
    const closed = this.closed;
    if (closed === undefined || closed.season !== season || to <= from) return [];
    this.closedBoard ??= this.loader.closed(this.record.config, closed.endedAt, closed.players);
    const board = this.closedBoard;
    return new BoardReads(
      () => board,
      () => this.tables.profiles,
      () => this.tables.playerMeta.retired,
    ).page(from, to - from);
  }

  /** The game's object has the closed season's standings: its rows go, in background steps. */
  release(season: number): void {
    if (this.closed?.season !== season) return;
    this.tables.transaction(() => this.tables.meta.write("closedSeason", null));
    this.closed = undefined;
    this.closedBoard = undefined;
    this.releasing = true;
    this.background();
  }

  /** One background step of releasing a closed board's rows; true while more remain. */
  step(): boolean {
    if (!this.releasing) return false;
    if (this.tables.transaction(() => this.tables.releaseStep())) return true;
    this.releasing = false;
    return false;
  }
}

function summary({ season, players, poolMicros }: Closed): ShardClose {
  return { season, players, poolMicros };
}
