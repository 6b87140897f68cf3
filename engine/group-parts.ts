import { boardOrder, codePointCompare, type EntryOrder, type Placed } from "./board-order";
import type { Order } from "./rules";

/** One shard's part of a group (a team or a country): its members there. */
export interface GroupPart {
  name: string;
  /** The members' scores, summed. */
  sum: number;
  count: number;
  /** The newest member ts. */
  ts: number;
  /** For a team: the member with the largest score (ties by board order), its MVP there. */
  best?: Placed;
}

/** A group across every shard, with its rank among the groups. */
export interface MergedGroup extends GroupPart {
  rank: number;
}

/**
 * A group board from its shards' parts, as one board ranks it (GroupBoard):
 * each group's sums and counts added, its newest ts the newest of its parts',
 * its best member the best of theirs; groups ordered by sum in the board's
 * order, then the earlier newest ts, then name, ranked by place or, with
 * shared ties, equal sums sharing the first's rank. Sums of whole scores are
 * exact in any order; fractions may round in their last bit.
 */
export function mergeGroups(
  parts: readonly (readonly GroupPart[])[],
  ascending: boolean,
  shared: boolean,
  tiebreak?: Order,
): MergedGroup[] {
  const largerFirst = largerThenBoardOrder(tiebreak);
  const groups = new Map<string, GroupPart>();
  for (const part of parts.flat()) {
    const group = groups.get(part.name);
    if (group === undefined) {
      groups.set(part.name, { ...part });
      continue;
    }
    group.sum += part.sum;
    group.count += part.count;
    group.ts = Math.max(group.ts, part.ts);
    if (part.best !== undefined && (group.best === undefined || largerFirst(part.best, group.best) < 0)) {
      group.best = part.best;
    }
  }
  const sign = ascending ? 1 : -1;
  const sorted = [...groups.values()].sort(
    (a, b) => sign * (a.sum - b.sum) || a.ts - b.ts || codePointCompare(a.name, b.name),
  );
  let previous: MergedGroup | undefined;
  return sorted.map((group, i) => {
    const rank = shared && previous !== undefined && previous.sum === group.sum ? previous.rank : i + 1;
    previous = { ...group, rank };
    return previous;
  });
}

/** The MVP board from merged teams: each team with a positive sum, by its best member's share, then board order. */
export function mergedMvps(
  teams: readonly MergedGroup[],
  ascending: boolean,
  tiebreak?: Order,
): (MergedGroup & { best: Placed })[] {
  const order = boardOrder(ascending, tiebreak);
  return teams
    .filter((t): t is MergedGroup & { best: Placed } => t.sum > 0 && t.best !== undefined)
    .sort((a, b) => b.best.score / b.sum - a.best.score / a.sum || order(a.best, b.best));
}

/** The larger score first, then board order (subscore, earlier ts, then player): who is a team's MVP among equals. */
function largerThenBoardOrder(tiebreak: Order | undefined): EntryOrder {
  const boardOrderAmongEqual = boardOrder(false, tiebreak);
  return (a, b) => (a.score !== b.score ? (a.score > b.score ? -1 : 1) : boardOrderAmongEqual(a, b));
}
