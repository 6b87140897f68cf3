import { addToTree, type BlockTree, blockAt, entriesBefore, fillTree, found } from "./block-tree";
import type { TieBreak } from "./ranked-index";

const BLOCK = 512;
/** A lone first block starts this small and grows by half up to BLOCK: a team's or a country's index is often tiny. */
const FIRST_BLOCK = 8;
const BULK_FILL = (BLOCK * 15) >> 4;
const MERGE_BELOW = BLOCK >> 3;

/**
 * RankedIndex's order and operations over a group's members (a team's, a
 * country's), holding slots only: an entry's key is read from the players
 * (`keyOf`) instead of kept beside it, 4 bytes per entry instead of 12, and
 * the block directory is plain arrays instead of typed ones (each typed array
 * costs some 200 bytes however short, and a board keeps an index per group).
 * A probe reads a player's key, so the look-ups a catch-up makes most probe
 * little: a slot is found by scanning its block, and a moved entry searches
 * outward from where it was. The players board keeps its keys inline
 * (RankedIndex): it is searched far more.
 *
 * Order: key ascending, then `tieBreak`. `keyOf` must answer with the key
 * each slot was inserted with, except for a slot's own entry while it is
 * moved or removed by position (`replaceAt`, `removeAt`).
 */
export class MemberIndex {
  private blocks: Uint32Array[] = [];
  private sizes: number[] = [];
  private lastKeys: number[] = [];
  /** Fenwick tree over `sizes`, 1-based. */
  private tree: BlockTree = new Int32Array(1);
  private count = 0;

  constructor(
    private readonly keyOf: (slot: number) => number,
    private readonly tieBreak: TieBreak,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the contents with `slots`, already in order. */
  build(slots: ArrayLike<number>): void {
    const blocks = Math.ceil(slots.length / BULK_FILL);
    // Filled in place, not pushed to: a pushed-to array keeps room for 17 entries, and most groups have one block.
    this.blocks = new Array(blocks);
    this.sizes = new Array(blocks);
    this.lastKeys = new Array(blocks);
    // A lone block holds its entries and room for one more: many teams are built this way.
    const capacity = blocks === 1 ? Math.min(BLOCK, Math.max(FIRST_BLOCK, slots.length + 1)) : BLOCK;
    for (let b = 0; b < blocks; b++) {
      const start = b * BULK_FILL;
      const end = Math.min(start + BULK_FILL, slots.length);
      const block = new Uint32Array(capacity);
      for (let k = start; k < end; k++) block[k - start] = slots[k];
      this.blocks[b] = block;
      this.sizes[b] = end - start;
      this.lastKeys[b] = this.keyOf(slots[end - 1]);
    }
    this.count = slots.length;
    this.rebuildTree();
  }

  insert(slot: number, key: number): void {
    if (this.blocks.length === 0) this.addFirstBlock();
    const b = this.blockFor(slot, key);
    const size = this.sizes[b];
    if (size === this.blocks[b].length) this.growBlock(b);
    const block = this.blocks[b];
    const at = this.insertionPoint(block, size, slot, key);
    block.copyWithin(at + 1, at, size);
    block[at] = slot;
    this.sizes[b] = size + 1;
    if (at === size) this.lastKeys[b] = key;
    this.count++;
    if (size + 1 === BLOCK) this.split(b);
    else addToTree(this.tree, b, 1);
  }

  /** Removes `slot`, which must be in the index with `key`. */
  remove(slot: number, key: number): void {
    const b = this.blockFor(slot, key);
    this.removeFrom(b, this.indexInBlock(this.blocks[b], this.sizes[b], slot, key));
  }

  /** Removes the entry at 0-based `position`. */
  removeAt(position: number): void {
    const b = blockAt(this.tree, position);
    this.removeFrom(b, found.offset);
  }

  /**
   * Gives the entry at 0-based `position`, `slot`, its new `key`: it moves
   * within its block, searching outward from where it was (a small change of
   * score moves it past few neighbours, and each probe reads a player's key),
   * or leaves and comes back in when it goes into another block.
   */
  replaceAt(position: number, slot: number, key: number): void {
    const b = blockAt(this.tree, position);
    const at = found.offset;
    const block = this.blocks[b];
    const size = this.sizes[b];
    const left =
      at > 0
        ? !this.goesAfter(key, slot, block[at - 1])
        : b > 0 && !this.after(key, slot, this.lastKeys[b - 1], this.lastSlot(b - 1));
    const right =
      !left &&
      (at + 1 < size
        ? this.goesAfter(key, slot, block[at + 1])
        : b + 1 < this.blocks.length && this.goesAfter(key, slot, this.blocks[b + 1][0]));
    // Past the block's first or last entry, the entry goes into another block.
    const fits = left
      ? at > 0 && this.moveLeft(b, at, slot, key)
      : !right || (at + 1 < size && this.moveRight(b, at, slot, key));
    if (!fits) {
      this.removeFrom(b, at);
      this.insert(slot, key);
      return;
    }
    const last = block[size - 1];
    if (at === size - 1 || last === slot) this.lastKeys[b] = last === slot ? key : this.keyOf(last);
  }

  /** Moves the entry at `at` left within block `b` to where (key, slot) goes; false when that is in an earlier block. */
  private moveLeft(b: number, at: number, slot: number, key: number): boolean {
    const block = this.blocks[b];
    // block[hi] goes after the entry; gallop left until one goes before it (or the block's start).
    let hi = at - 1;
    let step = 1;
    let lo = hi - step;
    while (lo >= 0 && !this.goesAfter(key, slot, block[lo])) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    const to = this.firstNotBefore(block, Math.max(lo + 1, 0), hi, slot, key);
    if (to === 0 && b > 0 && !this.after(key, slot, this.lastKeys[b - 1], this.lastSlot(b - 1))) return false;
    block.copyWithin(to + 1, to, at);
    block[to] = slot;
    return true;
  }

  /** Moves the entry at `at` right within block `b` to where (key, slot) goes; false when that is in a later block. */
  private moveRight(b: number, at: number, slot: number, key: number): boolean {
    const block = this.blocks[b];
    const size = this.sizes[b];
    // block[lo] goes before the entry; gallop right until one goes after it (or the block's end).
    let lo = at + 1;
    let step = 1;
    let hi = lo + step;
    while (hi < size && this.goesAfter(key, slot, block[hi])) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    const end = this.firstNotBefore(block, lo + 1, Math.min(hi, size), slot, key);
    if (end === size && b + 1 < this.blocks.length && this.goesAfter(key, slot, this.blocks[b + 1][0])) return false;
    block.copyWithin(at, at + 1, end);
    block[end - 1] = slot;
    return true;
  }

  /** The first place in block[from, to) whose entry does not go before (key, slot); `to` when none. */
  private firstNotBefore(block: Uint32Array, from: number, to: number, slot: number, key: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.goesAfter(key, slot, block[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether (key, slot) goes after `other`'s entry. */
  private goesAfter(key: number, slot: number, other: number): boolean {
    return this.after(key, slot, this.keyOf(other), other);
  }

  private lastSlot(b: number): number {
    return this.blocks[b][this.sizes[b] - 1];
  }

  private removeFrom(b: number, at: number): void {
    const block = this.blocks[b];
    const size = this.sizes[b];
    block.copyWithin(at, at + 1, size);
    this.sizes[b] = size - 1;
    if (at === size - 1 && size > 1) this.lastKeys[b] = this.keyOf(block[size - 2]);
    this.count--;
    if (size - 1 < MERGE_BELOW && this.blocks.length > 1) this.mergeAround(b);
    else addToTree(this.tree, b, -1);
  }

  /** 0-based position of `slot`, which must be in the index with `key`. */
  positionOf(slot: number, key: number): number {
    const b = this.blockFor(slot, key);
    return entriesBefore(this.tree, b) + this.indexInBlock(this.blocks[b], this.sizes[b], slot, key);
  }

  /** The slot at 0-based `position` (0 <= position < size). */
  at(position: number): number {
    const b = blockAt(this.tree, position);
    return this.blocks[b][found.offset];
  }

  /** Visits up to `limit` slots from `position` on, in order. */
  forRange(position: number, limit: number, visit: (slot: number, position: number) => void): void {
    if (position >= this.count || limit <= 0) return;
    let b = blockAt(this.tree, position);
    let offset = found.offset;
    for (let p = position, end = Math.min(this.count, position + limit); p < end; p++) {
      while (offset >= this.sizes[b]) {
        b++;
        offset = 0;
      }
      visit(this.blocks[b][offset++], p);
    }
  }

  /** Number of entries whose key is strictly less than `key` (with `orEqual`, at most `key`). */
  countLess(key: number, orEqual = false): number {
    if (this.count === 0) return 0;
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lastKeys[mid] < key || (orEqual && this.lastKeys[mid] === key)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return this.count;
    const block = this.blocks[lo];
    let l = 0;
    let h = this.sizes[lo];
    while (l < h) {
      const mid = (l + h) >> 1;
      const k = this.keyOf(block[mid]);
      if (k < key || (orEqual && k === key)) l = mid + 1;
      else h = mid;
    }
    return entriesBefore(this.tree, lo) + l;
  }

  /** As RankedIndex.countAhead: smaller keys, then those with `key` that `goesFirst` says go first. */
  countAhead(key: number, goesFirst?: (slot: number) => boolean): number {
    const smaller = this.countLess(key);
    if (goesFirst === undefined) return smaller;
    let lo = smaller;
    let hi = this.countLess(key, true);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (goesFirst(this.at(mid))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether (key, slot) goes after (otherKey, otherSlot). */
  private after(key: number, slot: number, otherKey: number, otherSlot: number): boolean {
    return key > otherKey || (key === otherKey && this.tieBreak(slot, otherSlot) > 0);
  }

  /** First block whose last entry does not go before (key, slot); else the last block. */
  private blockFor(slot: number, key: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const last = this.lastKeys[mid];
      if (last < key || (last === key && this.tieBreak(this.blocks[mid][this.sizes[mid] - 1], slot) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where (key, slot) goes in a block: after every entry that goes before it. */
  private insertionPoint(block: Uint32Array, size: number, slot: number, key: number): number {
    return this.firstNotBefore(block, 0, size, slot, key);
  }

  /**
   * Where `slot` is in its block: a scan of at most BLOCK slots side by side
   * costs less than a search's probes into the players' columns. Entries past
   * `size` are stale, and a slot among the first `size` is found before them.
   */
  private indexInBlock(block: Uint32Array, size: number, slot: number, key: number): number {
    const at = block.indexOf(slot);
    if (at === -1 || at >= size) throw new Error(`member index: slot ${slot} with key ${key} not found`);
    return at;
  }

  /** Grows a small lone block (only a first block is ever below BLOCK) by half, not double: groups are many. */
  private growBlock(b: number): void {
    const old = this.blocks[b];
    const block = new Uint32Array(Math.min(BLOCK, old.length + Math.max(FIRST_BLOCK, old.length >> 1)));
    block.set(old);
    this.blocks[b] = block;
  }

  private addFirstBlock(): void {
    this.blocks = [new Uint32Array(FIRST_BLOCK)];
    this.sizes = [0];
    this.lastKeys = [Number.NEGATIVE_INFINITY];
    this.rebuildTree();
  }

  private split(b: number): void {
    const half = BLOCK >> 1;
    const right = new Uint32Array(BLOCK);
    right.set(this.blocks[b].subarray(half, BLOCK));
    this.blocks.splice(b + 1, 0, right);
    this.sizes.splice(b + 1, 0, BLOCK - half);
    this.lastKeys.splice(b + 1, 0, this.lastKeys[b]);
    this.sizes[b] = half;
    this.lastKeys[b] = this.keyOf(this.blocks[b][half - 1]);
    this.rebuildTree();
  }

  /** Merges a small block `b` into a neighbour, or drops it when empty. */
  private mergeAround(b: number): void {
    if (this.sizes[b] === 0) {
      this.dropBlock(b);
    } else {
      const n = b + 1 < this.blocks.length ? b + 1 : b - 1;
      const left = Math.min(b, n);
      const right = Math.max(b, n);
      const total = this.sizes[left] + this.sizes[right];
      if (total < BLOCK) {
        this.blocks[left].set(this.blocks[right].subarray(0, this.sizes[right]), this.sizes[left]);
        this.sizes[left] = total;
        this.lastKeys[left] = this.lastKeys[right];
        this.dropBlock(right);
      }
    }
    this.rebuildTree();
  }

  private dropBlock(b: number): void {
    this.blocks.splice(b, 1);
    this.sizes.splice(b, 1);
    this.lastKeys.splice(b, 1);
  }

  private rebuildTree(): void {
    this.tree = fillTree(new Int32Array(this.blocks.length + 1), this.sizes, this.blocks.length);
  }
}
