import { addToTree, type BlockTree, blockAt, entriesBefore, fillTree, found } from "./block-tree";

/**
 * An order-statistic sequence of (key, slot) pairs: sorted blocks holding the
 * keys inline (a Float64Array beside a Uint32Array of slots), a dense array of
 * each block's last key for the top-level search, and a Fenwick tree over
 * block sizes for positions. A search touches one contiguous block instead of
 * chasing every probe into a player column, which is what makes it fast at a
 * million entries; the cost is 12 bytes per entry instead of 4.
 *
 * Order: key ascending, then `tieBreak(a, b)` (< 0 when slot a goes first),
 * which must be a total order over distinct slots. A slot's key and tie-break
 * must not change while it is in the index (remove, change, insert).
 */

const BLOCK = 512;
/** A lone first block starts this small and doubles up to BLOCK: a team's or a country's index is often tiny. */
const FIRST_BLOCK = 8;
const BULK_FILL = (BLOCK * 15) >> 4;
const MERGE_BELOW = BLOCK >> 3;

export type TieBreak = (a: number, b: number) => number;

/** What counting places ahead reads of an index of slots (RankedIndex, MemberIndex). */
export interface SlotCounts {
  countLess(key: number, orEqual?: boolean): number;
  countAhead(key: number, goesFirst?: (slot: number) => boolean): number;
}

export class RankedIndex {
  private keys: Float64Array[] = [];
  private slots: Uint32Array[] = [];
  // Small to start with: a board keeps many small indexes (a team's, a country's), and the directory doubles as it needs.
  private sizes = new Int32Array(2);
  private lastKeys = new Float64Array(2);
  private blockCount = 0;
  /** Fenwick tree over `sizes`, 1-based. */
  private tree: BlockTree = new Int32Array(1);
  private count = 0;

  constructor(private readonly tieBreak: TieBreak) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the contents with `slots` and their `keys`, already in order. */
  build(slots: ArrayLike<number>, keys: ArrayLike<number>): void {
    this.keys = [];
    this.slots = [];
    const blocks = Math.ceil(slots.length / BULK_FILL);
    this.sizes = new Int32Array(Math.max(2, blocks * 2));
    this.lastKeys = new Float64Array(this.sizes.length);
    // A lone block holds its entries and room for one more, not a power of two: many teams are built this way.
    const capacity = blocks === 1 ? Math.min(BLOCK, Math.max(FIRST_BLOCK, slots.length + 1)) : BLOCK;
    for (let b = 0; b < blocks; b++) {
      const start = b * BULK_FILL;
      const end = Math.min(start + BULK_FILL, slots.length);
      const blockKeys = new Float64Array(capacity);
      const blockSlots = new Uint32Array(capacity);
      for (let k = start; k < end; k++) {
        blockKeys[k - start] = keys[k];
        blockSlots[k - start] = slots[k];
      }
      this.keys.push(blockKeys);
      this.slots.push(blockSlots);
      this.sizes[b] = end - start;
      this.lastKeys[b] = keys[end - 1];
    }
    this.blockCount = blocks;
    this.count = slots.length;
    this.rebuildTree();
  }

  insert(slot: number, key: number): void {
    if (this.blockCount === 0) this.addFirstBlock();
    const b = this.blockFor(slot, key);
    const size = this.sizes[b];
    if (size === this.keys[b].length) this.growBlock(b);
    const keys = this.keys[b];
    const slots = this.slots[b];
    const at = this.insertionPoint(keys, slots, size, slot, key);
    keys.copyWithin(at + 1, at, size);
    slots.copyWithin(at + 1, at, size);
    keys[at] = key;
    slots[at] = slot;
    this.sizes[b] = size + 1;
    if (at === size) this.lastKeys[b] = key;
    this.count++;
    if (size + 1 === BLOCK) this.split(b);
    else addToTree(this.tree, b, 1);
  }

  /** Removes `slot`, which must be in the index with `key`. */
  remove(slot: number, key: number): void {
    const b = this.blockFor(slot, key);
    this.removeFrom(b, this.indexInBlock(this.keys[b], this.slots[b], this.sizes[b], slot, key));
  }

  /** Removes the entry at 0-based `position`. */
  removeAt(position: number): void {
    const b = blockAt(this.tree, position);
    this.removeFrom(b, found.offset);
  }

  /**
   * Gives the entry at 0-based `position`, `slot`, a new `key` (its tie-break
   * may have changed too): in place when it still goes between its
   * neighbours, which a small change of score usually does.
   */
  replaceAt(position: number, slot: number, key: number): void {
    const b = blockAt(this.tree, position);
    const at = found.offset;
    const keys = this.keys[b];
    const slots = this.slots[b];
    const size = this.sizes[b];
    const afterPrevious =
      at > 0
        ? this.after(key, slot, keys[at - 1], slots[at - 1])
        : b === 0 || this.after(key, slot, this.lastKeys[b - 1], this.slots[b - 1][this.sizes[b - 1] - 1]);
    const beforeNext =
      at + 1 < size
        ? this.after(keys[at + 1], slots[at + 1], key, slot)
        : b + 1 === this.blockCount || this.after(this.keys[b + 1][0], this.slots[b + 1][0], key, slot);
    if (afterPrevious && beforeNext) {
      keys[at] = key;
      if (at === size - 1) this.lastKeys[b] = key;
      return;
    }
    this.removeFrom(b, at);
    this.insert(slot, key);
  }

  private removeFrom(b: number, at: number): void {
    const keys = this.keys[b];
    const slots = this.slots[b];
    const size = this.sizes[b];
    keys.copyWithin(at, at + 1, size);
    slots.copyWithin(at, at + 1, size);
    this.sizes[b] = size - 1;
    if (size > 1) this.lastKeys[b] = keys[size - 2];
    this.count--;
    if (size - 1 < MERGE_BELOW && this.blockCount > 1) this.mergeAround(b);
    else addToTree(this.tree, b, -1);
  }

  /** 0-based position of `slot`, which must be in the index with `key`. */
  positionOf(slot: number, key: number): number {
    const b = this.blockFor(slot, key);
    return entriesBefore(this.tree, b) + this.indexInBlock(this.keys[b], this.slots[b], this.sizes[b], slot, key);
  }

  /** The slot at 0-based `position` (0 <= position < size). */
  at(position: number): number {
    const b = blockAt(this.tree, position);
    return this.slots[b][found.offset];
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
      visit(this.slots[b][offset++], p);
    }
  }

  /** Number of entries whose key is strictly less than `key` (with `orEqual`, at most `key`). */
  countLess(key: number, orEqual = false): number {
    if (this.count === 0) return 0;
    let lo = 0;
    let hi = this.blockCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lastKeys[mid] < key || (orEqual && this.lastKeys[mid] === key)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blockCount) return this.count;
    const keys = this.keys[lo];
    let l = 0;
    let h = this.sizes[lo];
    while (l < h) {
      const mid = (l + h) >> 1;
      if (keys[mid] < key || (orEqual && keys[mid] === key)) l = mid + 1;
      else h = mid;
    }
    return entriesBefore(this.tree, lo) + l;
  }

  /**
   * Entries ahead of a place that need not be in the index: those with a
   * smaller key, then among those with `key` (in tie-break order) the ones
   * `goesFirst` says go first (it holds for a prefix of them); without
   * `goesFirst`, smaller keys only.
   */
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

  /** All slots in order. */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.count);
    let at = 0;
    for (let b = 0; b < this.blockCount; b++) {
      out.set(this.slots[b].subarray(0, this.sizes[b]), at);
      at += this.sizes[b];
    }
    return out;
  }

  /** Whether (key, slot) goes after (otherKey, otherSlot). */
  private after(key: number, slot: number, otherKey: number, otherSlot: number): boolean {
    return key > otherKey || (key === otherKey && this.tieBreak(slot, otherSlot) > 0);
  }

  /** First block whose last entry does not go before (key, slot); else the last block. */
  private blockFor(slot: number, key: number): number {
    let lo = 0;
    let hi = this.blockCount - 1;
    const lastKeys = this.lastKeys;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const last = lastKeys[mid];
      if (last < key || (last === key && this.tieBreak(this.slots[mid][this.sizes[mid] - 1], slot) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where (key, slot) goes in a block: after every entry that goes before it. */
  private insertionPoint(keys: Float64Array, slots: Uint32Array, size: number, slot: number, key: number): number {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.after(key, slot, keys[mid], slots[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexInBlock(keys: Float64Array, slots: Uint32Array, size: number, slot: number, key: number): number {
    const at = this.insertionPoint(keys, slots, size, slot, key);
    if (at >= size || slots[at] !== slot) throw new Error(`ranked index: slot ${slot} with key ${key} not found`);
    return at;
  }

  /** Doubles a small lone block (only a first block is ever below BLOCK). */
  private growBlock(b: number): void {
    const capacity = blockCapacity(this.keys[b].length * 2);
    const keys = new Float64Array(capacity);
    const slots = new Uint32Array(capacity);
    keys.set(this.keys[b]);
    slots.set(this.slots[b]);
    this.keys[b] = keys;
    this.slots[b] = slots;
  }

  private addFirstBlock(): void {
    this.keys.push(new Float64Array(FIRST_BLOCK));
    this.slots.push(new Uint32Array(FIRST_BLOCK));
    this.sizes[0] = 0;
    this.lastKeys[0] = Number.NEGATIVE_INFINITY;
    this.blockCount = 1;
    this.rebuildTree();
  }

  private split(b: number): void {
    const half = BLOCK >> 1;
    const rightKeys = new Float64Array(BLOCK);
    const rightSlots = new Uint32Array(BLOCK);
    rightKeys.set(this.keys[b].subarray(half, BLOCK));
    rightSlots.set(this.slots[b].subarray(half, BLOCK));
    this.keys.splice(b + 1, 0, rightKeys);
    this.slots.splice(b + 1, 0, rightSlots);
    this.openGap(b + 1);
    this.sizes[b] = half;
    this.lastKeys[b] = this.keys[b][half - 1];
    this.sizes[b + 1] = BLOCK - half;
    this.lastKeys[b + 1] = rightKeys[BLOCK - half - 1];
    this.rebuildTree();
  }

  /** Merges a small block `b` into a neighbour, or drops it when empty. */
  private mergeAround(b: number): void {
    if (this.sizes[b] === 0) {
      this.closeGap(b);
    } else {
      const n = b + 1 < this.blockCount ? b + 1 : b - 1;
      const left = Math.min(b, n);
      const right = Math.max(b, n);
      const total = this.sizes[left] + this.sizes[right];
      if (total < BLOCK) {
        this.keys[left].set(this.keys[right].subarray(0, this.sizes[right]), this.sizes[left]);
        this.slots[left].set(this.slots[right].subarray(0, this.sizes[right]), this.sizes[left]);
        this.sizes[left] = total;
        this.lastKeys[left] = this.lastKeys[right];
        this.closeGap(right);
      }
    }
    this.rebuildTree();
  }

  /** Makes room in the block directory at `b` (the block arrays are spliced by the caller). */
  private openGap(b: number): void {
    if (this.blockCount + 1 > this.sizes.length) {
      const sizes = new Int32Array(this.sizes.length * 2);
      sizes.set(this.sizes);
      const lastKeys = new Float64Array(this.lastKeys.length * 2);
      lastKeys.set(this.lastKeys);
      this.sizes = sizes;
      this.lastKeys = lastKeys;
    }
    this.sizes.copyWithin(b + 1, b, this.blockCount);
    this.lastKeys.copyWithin(b + 1, b, this.blockCount);
    this.blockCount++;
  }

  private closeGap(b: number): void {
    this.keys.splice(b, 1);
    this.slots.splice(b, 1);
    this.sizes.copyWithin(b, b + 1, this.blockCount);
    this.lastKeys.copyWithin(b, b + 1, this.blockCount);
    this.blockCount--;
  }

  private rebuildTree(): void {
    this.tree = fillTree(new Int32Array(this.blockCount + 1), this.sizes, this.blockCount);
  }
}

/** A block size for `entries`: a power of two from FIRST_BLOCK up to BLOCK. */
function blockCapacity(entries: number): number {
  let capacity = FIRST_BLOCK;
  while (capacity < entries && capacity < BLOCK) capacity *= 2;
  return capacity;
}
