import { codePointCompare } from "../engine/board-order";
import type { LeaderboardEntry } from "../protocol/boards";
import type { Page } from "./game-boards";

/** Some players' entries on a board, with the players asked for who are not on it. */
export interface FriendsPage extends Page<LeaderboardEntry> {
  missing: string[];
}

/**
 * A friends read: the entries found (ranked on the whole board) in board
 * order, and the names asked for without one, in the order asked. Equal
 * ranks hold equal scores, so rank, then ts, then player is board order.
 */
export function friendsPage(asked: readonly string[], found: LeaderboardEntry[], total: number): FriendsPage {
  const on = new Set(found.map((e) => e.player));
  const entries = found.sort((a, b) => a.rank - b.rank || a.ts - b.ts || codePointCompare(a.player, b.player));
  return { total, entries, missing: asked.filter((player) => !on.has(player)) };
}
