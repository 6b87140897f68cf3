import { codePointCompare } from "../../engine/board-order";
import type { RankedEntry, TieMode } from "../../engine/rules";

/** A member's entry on its cohort's board: `rank` within the cohort, `globalRank` on the whole board. */
export type CohortEntry<E extends RankedEntry = RankedEntry> = E & { globalRank: number };

/** Equal values share a rank: the score, and the subscore on a game with a tiebreak (absent otherwise). */
const sameValue = (a: RankedEntry, b: RankedEntry) => a.score === b.score && a.subscore === b.subscore;

/**
 * A cohort's board from its members' entries on the whole board: board order
 * restricted to the members (ranks, then ts, then player, as the friends read
 * orders), ranked again within the cohort under the game's tie mode. Exact,
 * since a cohort's order is the board's order; a cohort holds at most 1000
 * members, so it is derived at each read rather than kept.
 */
export function rankCohort<E extends RankedEntry>(members: E[], ties: TieMode): CohortEntry<E>[] {
  members.sort((a, b) => a.rank - b.rank || a.ts - b.ts || codePointCompare(a.player, b.player));
  const ranked: CohortEntry<E>[] = [];
  let previous: CohortEntry<E> | undefined;
  for (const [position, entry] of members.entries()) {
    const rank =
      previous === undefined || ties === "first" || !sameValue(previous, entry)
        ? ties === "dense"
          ? (previous?.rank ?? 0) + 1
          : position + 1
        : previous.rank;
    previous = { ...entry, rank, globalRank: entry.rank };
    ranked.push(previous);
  }
  return ranked;
}
