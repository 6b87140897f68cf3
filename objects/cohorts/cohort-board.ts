import type { Leaderboard } from "../../protocol/boards";
import { accepted, cohortNotFound, type Outcome, refused } from "../../protocol/errors";
import type { PlayerBoard } from "../players/player-board";
import type { GameRecord } from "../storage/game-record";
import { TieredSource } from "../tiered";

/**
 * A page of one cohort's board as the API answers it: ranks within the
 * cohort, `globalRank` on the whole board, tiers by the whole board. 404 for
 * a cohort not opened this season, and on a game without cohorts.
 */
export function cohortBoard(
  players: PlayerBoard,
  record: GameRecord,
  cohort: number,
  offset: number,
  limit: number,
): Outcome<Leaderboard> {
  if (!players.cohorts.exists(cohort)) return refused(cohortNotFound(cohort));
  const source = new TieredSource(players.reads, record.config);
  return accepted({
    // Read once the game exists (GameBoard's `existing`).
    game: record.game as string,
    updatedAt: record.updatedAt,
    total: players.reads.cohortTotal(cohort),
    entries: source.cohortPage(cohort, offset, limit),
  });
}
