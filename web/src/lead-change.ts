import type { LiveBoardName } from "../../protocol/live";
import type { LiveRow } from "./live-rows";

/**
 * What a screen reader hears when a board's leader changes ("Ada takes the
 * lead"), or undefined: on a first render, on the same leader, and on
 * trending, whose order churns by the second. One line per change, never
 * every row's move.
 */
export function leadChange(board: LiveBoardName, previous: LiveRow[] | undefined, rows: LiveRow[]): string | undefined {
  if (board === "trending" || previous === undefined) return undefined;
  const before = previous.find((r) => r.rank === 1);
  const now = rows.find((r) => r.rank === 1);
  if (before === undefined || now === undefined || before.key === now.key) return undefined;
  const name = "name" in now && now.name !== undefined ? now.name : now.key;
  return `${name} takes the lead`;
}
