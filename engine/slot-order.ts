import { type Placed, subscoreOrder } from "./board-order";
import type { PlayerTable } from "./player-table";
import type { SlotCounts } from "./ranked-index";
import type { Order } from "./rules";

/**
 * A board's order among players with equal scores, by slot: the better
 * subscore (under a tiebreak), then who reached the value first, then the
 * player in code-point order; and which players share a value, which shared
 * ties rank alike. The table is read through `players` (a load replaces it).
 */
export class SlotOrder {
  private bySubscore: (a: number | undefined, b: number | undefined) => number;

  constructor(
    private readonly players: () => PlayerTable,
    tiebreak: Order | undefined,
  ) {
    this.bySubscore = subscoreOrder(tiebreak);
  }

  setTiebreak(tiebreak: Order | undefined): void {
    this.bySubscore = subscoreOrder(tiebreak);
  }

  /** Negative when slot `a` goes before slot `b`, whose scores are equal. */
  tieBreak(a: number, b: number): number {
    const players = this.players();
    const subscores = players.subscores;
    if (subscores !== undefined && subscores[a] !== subscores[b]) return this.bySubscore(subscores[a], subscores[b]);
    const ta = players.times[a];
    const tb = players.times[b];
    if (ta !== tb) return ta < tb ? -1 : 1;
    return players.ids.compare(a, b);
  }

  /** `tieBreak` for two slots as if they held these subscores (0 without a tiebreak) and times. */
  tieBreakWith(a: number, subA: number, timeA: number, b: number, subB: number, timeB: number): number {
    const bySubscore = this.bySubscore(subA, subB);
    if (bySubscore !== 0) return bySubscore;
    if (timeA !== timeB) return timeA < timeB ? -1 : 1;
    return this.players().ids.compare(a, b);
  }

  /** Whether two slots hold the same value: their score, and subscore under a tiebreak. */
  sameValue(a: number, b: number): boolean {
    const { scores, subscores } = this.players();
    return scores[a] === scores[b] && (subscores === undefined || subscores[a] === subscores[b]);
  }

  /**
   * `index`'s entries ahead of `entry` (which need not be in it), all of them
   * with `key` (its score's) or a smaller one; `better`: only those with a
   * better value (score, then subscore), which shared ties rank ahead.
   */
  countAhead(index: SlotCounts, key: number, entry: Placed, better: boolean): number {
    const players = this.players();
    const subscores = players.subscores;
    if (better && subscores === undefined) return index.countAhead(key);
    const subscore = entry.subscore ?? 0;
    const id = better ? undefined : players.ids.bytesOf(entry.player);
    return index.countAhead(key, (slot) => {
      const bySubscore = subscores === undefined ? 0 : this.bySubscore(subscores[slot], subscore);
      if (bySubscore !== 0 || id === undefined) return bySubscore < 0;
      return players.goesBefore(slot, entry.ts, id);
    });
  }

  /** The 1-based rank under shared ties of `slot`, in `index` with `key`: one past those with a better value. */
  sharedRank(index: SlotCounts, slot: number, key: number): number {
    const subscores = this.players().subscores;
    if (subscores === undefined) return index.countLess(key) + 1;
    const subscore = subscores[slot];
    return index.countAhead(key, (other) => this.bySubscore(subscores[other], subscore) < 0) + 1;
  }
}
