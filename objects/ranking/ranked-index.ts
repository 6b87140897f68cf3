/**
 * An order-statistic sequence of slots: sorted blocks of slot numbers with a
 * Fenwick tree over block sizes. Insert, remove, rank-of and entry-at-rank are
 * O(log n) searches plus a memmove inside one block of at most BLOCK slots,
 * which on typed arrays is faster than rebalancing a pointer tree, and costs
 * ~5 bytes per entry instead of a tree node's ~50.
 *
 * Order comes from `compare(a, b)` (< 0 when a ranks before b); it must be a
 * total order over distinct slots, and a slot's key must not change while the
 * slot is in the index (remove, change, insert).
 */

const BLOCK = 1024;
const BULK_FILL = (BLOCK * 7) >> 3;
const MERGE_BELOW = BLOCK >> 3;

export type SlotCompare = (a: number, b: number) => number;

export class RankedIndex {
  private blocks: Uint32Array[] = [];
  private sizes: number[] = [];
  /** Fenwick tree over `sizes`, 1-based. */
  private tree = new Int32Array(1);
  private count = 0;

  constructor(private readonly compare: SlotCompare) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the contents with `slots`, which must already be in order. */
  build(slots: ArrayLike<number>): void {
    this.blocks = [];
    this.sizes = [];
    for (let start = 0; start < slots.length; start += BULK_FILL) {
      const end = Math.min(start + BULK_FILL, slots.length);
      const block = new Uint32Array(BLOCK);
      for (let k = start; k < end; k++) block[k - start] = slots[k];
      this.blocks.push(block);
      this.sizes.push(end - start);
    }
    this.count = slots.length;
    this.rebuildTree();
  }

  insert(slot: number): void {
    if (this.blocks.length === 0) {
      this.blocks.push(new Uint32Array(BLOCK));
      this.sizes.push(0);
      this.rebuildTree();
    }
    const b = this.blockFor(slot);
    const block = this.blocks[b];
    const size = this.sizes[b];
    const at = this.upperBoundInBlock(block, size, slot);
    block.copyWithin(at + 1, at, size);
    block[at] = slot;
    this.sizes[b] = size + 1;
    this.count++;
    if (size + 1 === BLOCK) this.split(b);
    else this.addToTree(b, 1);
  }

  /** Removes `slot`, which must be in the index. */
  remove(slot: number): void {
    const b = this.blockFor(slot);
    const block = this.blocks[b];
    const size = this.sizes[b];
    const at = this.indexInBlock(block, size, slot);
    block.copyWithin(at, at + 1, size);
    this.sizes[b] = size - 1;
    this.count--;
    if (size - 1 < MERGE_BELOW && this.blocks.length > 1) this.mergeAround(b);
    else this.addToTree(b, -1);
  }

  /** 0-based position of `slot`, which must be in the index. */
  positionOf(slot: number): number {
    const b = this.blockFor(slot);
    return this.prefix(b) + this.indexInBlock(this.blocks[b], this.sizes[b], slot);
  }

  /** The slot at 0-based `position` (0 <= position < size). */
  at(position: number): number {
    const [b, offset] = this.find(position);
    return this.blocks[b][offset];
  }

  /** Visits up to `limit` slots from `position` on, in order. */
  forRange(position: number, limit: number, visit: (slot: number, position: number) => void): void {
    if (position >= this.count || limit <= 0) return;
    let [b, offset] = this.find(position);
    for (let p = position, end = Math.min(this.count, position + limit); p < end; p++) {
      while (offset >= this.sizes[b]) {
        b++;
        offset = 0;
      }
      visit(this.blocks[b][offset++], p);
    }
  }

  /**
   * Number of slots for which `before` holds, where `before` holds for a prefix
   * of the order (e.g. "score strictly better than x").
   */
  countWhile(before: (slot: number) => boolean): number {
    if (this.count === 0) return 0;
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.blocks[mid][this.sizes[mid] - 1])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return this.count;
    const block = this.blocks[lo];
    let l = 0;
    let h = this.sizes[lo];
    while (l < h) {
      const mid = (l + h) >> 1;
      if (before(block[mid])) l = mid + 1;
      else h = mid;
    }
    return this.prefix(lo) + l;
  }

  /** All slots in order. */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.count);
    let at = 0;
    for (let b = 0; b < this.blocks.length; b++) {
      out.set(this.blocks[b].subarray(0, this.sizes[b]), at);
      at += this.sizes[b];
    }
    return out;
  }

  /** Bytes held by the blocks. */
  get byteSize(): number {
    return this.blocks.length * BLOCK * 4 + this.tree.byteLength;
  }

  /** First block whose last slot does not rank before `slot` (else the last block). */
  private blockFor(slot: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(this.blocks[mid][this.sizes[mid] - 1], slot) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBoundInBlock(block: Uint32Array, size: number, slot: number): number {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(block[mid], slot) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexInBlock(block: Uint32Array, size: number, slot: number): number {
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(block[mid], slot) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (block[lo] !== slot) throw new Error(`ranked index: slot ${slot} not found`);
    return lo;
  }

  private split(b: number): void {
    const block = this.blocks[b];
    const half = BLOCK >> 1;
    const right = new Uint32Array(BLOCK);
    right.set(block.subarray(half, BLOCK));
    this.blocks.splice(b + 1, 0, right);
    this.sizes.splice(b + 1, 0, BLOCK - half);
    this.sizes[b] = half;
    this.rebuildTree();
  }

  /** Merges a small block `b` into a neighbour, or drops it when empty. */
  private mergeAround(b: number): void {
    const size = this.sizes[b];
    if (size === 0) {
      this.blocks.splice(b, 1);
      this.sizes.splice(b, 1);
    } else {
      const n = b + 1 < this.blocks.length ? b + 1 : b - 1;
      const [left, right] = n > b ? [b, n] : [n, b];
      const total = this.sizes[left] + this.sizes[right];
      if (total < BLOCK) {
        this.blocks[left].set(this.blocks[right].subarray(0, this.sizes[right]), this.sizes[left]);
        this.sizes[left] = total;
        this.blocks.splice(right, 1);
        this.sizes.splice(right, 1);
      }
    }
    this.rebuildTree();
  }

  private rebuildTree(): void {
    const n = this.sizes.length;
    const tree = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) {
      tree[i] += this.sizes[i - 1];
      const parent = i + (i & -i);
      if (parent <= n) tree[parent] += tree[i];
    }
    this.tree = tree;
  }

  private addToTree(b: number, delta: number): void {
    const tree = this.tree;
    for (let i = b + 1; i < tree.length; i += i & -i) tree[i] += delta;
  }

  /** Number of slots in blocks before block `b`. */
  private prefix(b: number): number {
    let sum = 0;
    for (let i = b; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  /** [block, offset] of 0-based `position`. */
  private find(position: number): [number, number] {
    const tree = this.tree;
    let b = 0;
    let remaining = position;
    let step = 1;
    while (step * 2 < tree.length) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = b + step;
      if (next < tree.length && tree[next] <= remaining) {
        b = next;
        remaining -= tree[next];
      }
    }
    return [b, remaining];
  }
}
