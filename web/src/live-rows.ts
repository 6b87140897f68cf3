import { type AnyLiveEntry, entryKey, type LiveState, rankedEntries } from "../../protocol/live";

export type Movement = "up" | "down" | "new" | "same";

export type LiveRow<E extends AnyLiveEntry = AnyLiveEntry> = E & {
  /** The board's key of the row: its player, team or country. */
  key: string;
  movement: Movement;
  /** True for the followed player's row. */
  followed: boolean;
  /** True for the first row of the followed player's neighbourhood when it is detached from the top. */
  detached: boolean;
};

/**
 * The rows to show for a live board: the top `limit`, then the followed
 * player's neighbourhood when it lies below, each with how it moved since the
 * previous rows (none on a first render, when `previous` is undefined). Pure,
 * so it is tested in Node.
 */
export function liveRows<E extends AnyLiveEntry>(
  board: LiveState<E>,
  limit: number,
  followed: string | undefined,
  previous: LiveRow[] | undefined,
): LiveRow<E>[] {
  const before = new Map(previous?.map((r) => [r.key, r.rank]));
  const entries = rankedEntries(board);
  const top = entries.slice(0, limit);
  const below = entries.slice(limit);
  return [...top, ...below].map((entry, i) => {
    const key = entryKey(board.board, entry);
    const was = before.get(key);
    const movement: Movement =
      previous === undefined
        ? "same"
        : was === undefined
          ? "new"
          : entry.rank < was
            ? "up"
            : entry.rank > was
              ? "down"
              : "same";
    const detached = i === top.length && below.length > 0;
    return { ...entry, key, movement, followed: board.board === "players" && key === followed, detached };
  });
}

/** The values a board's rows show (an MVP row shows its team's too), for the number format. */
export function scoresOf(rows: LiveRow[]): number[] {
  return rows.flatMap((r) => ("teamScore" in r ? [r.score, r.teamScore] : "score" in r ? [r.score] : []));
}

/** The subscores a players board's rows show (on a game with a tiebreak), for their number format. */
export function subscoresOf(rows: object[]): number[] {
  return rows.flatMap((r) => ("subscore" in r && typeof r.subscore === "number" ? [r.subscore] : []));
}
