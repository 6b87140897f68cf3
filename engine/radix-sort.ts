/**
 * Sorts slots by float64 key in O(n): an LSD radix sort over the key's bits
 * (up to 8 passes of 8 bits, skipping digits every key shares; the float
 * mapped so unsigned order equals numeric order), carrying slots along; runs of equal keys are then ordered by
 * `tieBreak`. A comparator sort of a million slots costs ~1 s in V8; this
 * costs tens of milliseconds.
 */
export function sortSlotsByKey(
  slots: Uint32Array,
  keys: Float64Array,
  tieBreak: (a: number, b: number) => number,
): void {
  const n = slots.length;
  if (n < 2) return;
  if (isSorted(slots, keys, tieBreak)) return;
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, n * 2);
  // Map each key to an order-preserving pair of unsigned words (hi, lo). When
  // every lo word is the same (whole-number scores below 2^20, the usual
  // case), only hi is carried: fewer passes and arrays to allocate.
  let hi: Uint32Array = new Uint32Array(n);
  let order: Uint32Array = new Uint32Array(n);
  const loOf = (i: number) => (bits[2 * i + 1] & 0x80000000 ? ~bits[2 * i] >>> 0 : bits[2 * i]);
  const firstLo = loOf(0);
  let uniformLo = true;
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1];
    hi[i] = h & 0x80000000 ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    if (uniformLo && loOf(i) !== firstLo) uniformLo = false;
    order[i] = i;
  }
  let lo: Uint32Array | undefined;
  if (!uniformLo) {
    lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) lo[i] = loOf(i);
  }
  // 8-bit digits, least significant first; the words travel with the order so
  // every pass reads sequentially (256 buckets stay in cache).
  let nextHi: Uint32Array = new Uint32Array(n);
  let nextLo: Uint32Array | undefined = lo === undefined ? undefined : new Uint32Array(n);
  let nextOrder: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(256);
  for (let pass = lo === undefined ? 4 : 0; pass < 8; pass++) {
    const words = pass < 4 ? (lo as Uint32Array) : hi;
    const shift = (pass & 3) * 8;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[i] >>> shift) & 0xff]++;
    if (counts[(words[0] >>> shift) & 0xff] === n) continue; // every key shares this digit
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(words[i] >>> shift) & 0xff]++;
      nextHi[to] = hi[i];
      if (lo !== undefined && nextLo !== undefined) nextLo[to] = lo[i];
      nextOrder[to] = order[i];
    }
    [hi, nextHi] = [nextHi, hi];
    [lo, nextLo] = [nextLo, lo];
    [order, nextOrder] = [nextOrder, order];
  }
  // The spare order array holds the slots while they are permuted in place.
  const originalSlots = nextOrder;
  originalSlots.set(slots);
  const originalKeys = keys.slice();
  for (let i = 0; i < n; i++) {
    slots[i] = originalSlots[order[i]];
    keys[i] = originalKeys[order[i]];
  }
  orderTies(slots, keys, tieBreak);
}

function isSorted(slots: Uint32Array, keys: Float64Array, tieBreak: (a: number, b: number) => number): boolean {
  for (let i = 1; i < slots.length; i++) {
    if (keys[i - 1] > keys[i] || (keys[i - 1] === keys[i] && tieBreak(slots[i - 1], slots[i]) > 0)) return false;
  }
  return true;
}

/** Sorts each run of equal keys by `tieBreak`: insertion sort for the short runs that dominate. */
function orderTies(slots: Uint32Array, keys: Float64Array, tieBreak: (a: number, b: number) => number): void {
  for (let start = 0; start < slots.length; ) {
    let end = start + 1;
    while (end < slots.length && keys[end] === keys[start]) end++;
    if (end - start > 32) slots.subarray(start, end).sort(tieBreak);
    else {
      for (let i = start + 1; i < end; i++) {
        const slot = slots[i];
        let j = i - 1;
        for (; j >= start && tieBreak(slots[j], slot) > 0; j--) slots[j + 1] = slots[j];
        slots[j + 1] = slot;
      }
    }
    start = end;
  }
}
