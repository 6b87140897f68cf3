/**
 * A Fenwick tree (1-based) over the entry counts of an index's blocks, shared
 * by RankedIndex and MemberIndex: the entries before a block, and the block
 * holding a position, each in O(log blocks). The caller keeps the array (a
 * typed one, or a plain one where many small indexes make a typed array's
 * fixed cost count) and allocates it `blocks + 1` long, zeroed.
 */
export type BlockTree = Int32Array | number[];

/** Fills a zeroed `tree` from the first `n` of `sizes`. */
export function fillTree(tree: BlockTree, sizes: ArrayLike<number>, n: number): BlockTree {
  for (let i = 1; i <= n; i++) {
    tree[i] += sizes[i - 1];
    const parent = i + (i & -i);
    if (parent <= n) tree[parent] += tree[i];
  }
  return tree;
}

export function addToTree(tree: BlockTree, block: number, delta: number): void {
  for (let i = block + 1; i < tree.length; i += i & -i) tree[i] += delta;
}

/** Number of entries in blocks before `block`. */
export function entriesBefore(tree: BlockTree, block: number): number {
  let sum = 0;
  for (let i = block; i > 0; i -= i & -i) sum += tree[i];
  return sum;
}

/** Where `blockAt` found its position within the block (read it before the next call). */
export const found = { offset: 0 };

/** The block holding 0-based `position`; its offset within the block is left in `found.offset`. */
export function blockAt(tree: BlockTree, position: number): number {
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
  found.offset = remaining;
  return b;
}
