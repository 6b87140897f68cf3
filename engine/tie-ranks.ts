import { subscoreOrder } from "./board-order";
import { DistinctValues } from "./distinct-values";
import type { PlayerTable } from "./player-table";
import type { RankedIndex } from "./ranked-index";
import type { Order, TieMode } from "./rules";
import type { SlotOrder } from "./slot-order";

/**
 * A board's ranks under its tie mode: by place (first), one past those with a
 * better value (shared), or one past the distinct better values (dense, which
 * keeps those values counted as players join and leave; the other modes keep
 * nothing). Keys are the board's sort keys (better first).
 */
export class TieRanks {
  /** Under dense ties only. */
  private distinct: DistinctValues | undefined;
  private mode: TieMode = "first";

  /** An empty board's. */
  constructor(
    private readonly players: () => PlayerTable,
    private readonly order: SlotOrder,
    mode: TieMode,
    tiebreak: Order | undefined,
  ) {
    this.reset(mode, tiebreak, [], () => 0);
  }

  get ties(): TieMode {
    return this.mode;
  }

  /**
   * Starts over with the mode, tiebreak and the board's slots and keys (a
   * load, a re-rank or a change of mode).
   */
  reset(mode: TieMode, tiebreak: Order | undefined, slots: ArrayLike<number>, keyOf: (slot: number) => number): void {
    this.mode = mode;
    if (mode !== "dense") {
      this.distinct = undefined;
      return;
    }
    const bySubscore = subscoreOrder(tiebreak);
    this.distinct = new DistinctValues((a, b) => bySubscore(a, b));
    for (let i = 0; i < slots.length; i++) this.join(slots[i], keyOf(slots[i]));
  }

  /** A slot came on the board with `key`. */
  join(slot: number, key: number): void {
    this.distinct?.add(key, this.subscoreOf(slot));
  }

  /** A slot is leaving the board (its state still the one it joined with). */
  leave(slot: number, key: number): void {
    this.distinct?.remove(key, this.subscoreOf(slot));
  }

  /** The 1-based rank of `slot`, in `index` with `key` (at 0-based `position`, found if not given). */
  rankAt(index: RankedIndex, slot: number, key: number, position?: number): number {
    if (this.mode === "first") return (position ?? index.positionOf(slot, key)) + 1;
    if (this.mode === "shared") return this.order.sharedRank(index, slot, key);
    return (this.distinct as DistinctValues).denseRank(key, this.subscoreOf(slot));
  }

  /** The rank of `slot` at `position` right after `previous`, whose rank was `previousRank` (a page walking on). */
  rankAfter(previous: number, previousRank: number, slot: number, position: number): number {
    if (this.mode === "first") return position + 1;
    if (this.order.sameValue(slot, previous)) return previousRank;
    return this.mode === "shared" ? position + 1 : previousRank + 1;
  }

  private subscoreOf(slot: number): number {
    return this.players().subscores?.[slot] ?? 0;
  }
}
