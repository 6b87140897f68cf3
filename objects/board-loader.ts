import type { GainAllowance } from "../engine/gain-allowance";
import { Ranking } from "../engine/ranking";
import type { PlayerState, RankingRules } from "../engine/rules";
import type { GameConfig } from "../protocol/config";
import type { GameTables } from "./storage/tables";

/** A stretch of stored changes: states to set, then players removed (a log row holds one or the other). */
type Changes = Iterable<{ states: Iterable<PlayerState>; removed: readonly string[] }>;

/**
 * Boards built from the object's SQLite: the open board at a start (base,
 * then the log tail, then trending's reports), a closed season's board from
 * its retained rows, and an empty board for a new season. Each is ranked
 * once, after every state is in, with every profile's country.
 */
export class BoardLoader {
  constructor(
    private readonly tables: GameTables,
    /** Each player's gain allowance, kept by the game across its boards. */
    private readonly allowance: GainAllowance,
  ) {}

  /** The open board as stored, with trending as it was (each counted report replayed with its ts). */
  open(config: GameConfig, now: number): Ranking {
    const { log, trendLog } = this.tables;
    const board = this.build(config, now, log.basePlayers, log.boardStates());
    const trend = config.trend;
    if (trend !== null) for (const gains of trendLog.since(now - 2 * trend.long * 1000)) board.record(gains, now);
    return board;
  }

  /** The closed season's board as it was at its close, from the rows kept until its standings are archived. */
  closed(config: GameConfig, endedAt: number, players: number): Ranking {
    return this.build(config, endedAt, players, this.tables.log.retainedStates());
  }

  empty(config: GameConfig, now: number): Ranking {
    return this.build(config, now, 0, []);
  }

  private build(config: GameConfig, now: number, players: number, changes: Changes): Ranking {
    const trend = config.trend ?? undefined;
    const options = trend === undefined ? {} : { trend };
    const board = new Ranking(rulesOf(config), hashKey(), { ...options, allowance: this.allowance });
    board.beginLoad(players);
    // Log rows are either one batch of states or one removal, so order within a row is free.
    for (const { states, removed } of changes) {
      for (const state of states) board.put(state);
      for (const player of removed) board.drop(player);
    }
    for (const { player, country } of this.tables.profiles.countries()) board.putCountry(player, country);
    board.finishLoad(now);
    return board;
  }
}

export function rulesOf({ aggregate, order, ties, window, tiebreak }: GameConfig): RankingRules {
  return tiebreak === null
    ? { aggregate, order, ties, window }
    : { aggregate, order, ties, window, tiebreak: tiebreak.order };
}

/** A secret key for the board's player-id hash, new with each board: nothing stored depends on it. */
function hashKey(): [number, number] {
  const [k0, k1] = crypto.getRandomValues(new Uint32Array(2));
  return [k0, k1];
}
