import type { WriteBehindLimits } from "./write-behind";

/** The most players one object's board holds (maxPlayers' ceiling), whose limits are the floor. */
const FULL_BOARD = 1_000_000;
/** Heap of a board player (the engine bench's row "heap per player"). */
const BOARD_BYTES = 59;
/** Heap of a held report delta with its key (a whole row weighs two; see StatsTable). */
const HELD_BYTES = 233;
const FLOOR: WriteBehindLimits = { flushAt: 50_000, pendingLimit: 125_000, loggedLimit: 300_000, step: 2000 };

/**
 * The stats rows an object holds in memory, by how many players its board
 * knows. A flush writes each player's row once per period, so a longer
 * period writes fewer rows per report: with 10^5 players reporting evenly,
 * a period of 50,000 rows writes 0.72 rows a report, one of the log's
 * 300,000 rows 0.32. A full board (10^6) gets the floor. A smaller one
 * leaves heap for more: what it lacks of a full board at 59 B a player, at
 * 233 B a held delta. The board and its held rows never take more heap
 * than a full board with the floor's (56 + 29 MB).
 */
export function statsLimits(players: number): WriteBehindLimits {
  const room = Math.floor(((FULL_BOARD - Math.min(players, FULL_BOARD)) * BOARD_BYTES) / HELD_BYTES);
  const pendingLimit = FLOOR.pendingLimit + room;
  return { ...FLOOR, pendingLimit, flushAt: Math.floor(pendingLimit * (FLOOR.flushAt / FLOOR.pendingLimit)) };
}
