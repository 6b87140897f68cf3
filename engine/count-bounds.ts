/** Counters per row: 2^18 (two rows of 16 bits: 1 MB). */
const WIDTH_BITS = 18;
const DEPTH = 2;
const SATURATED = 0xffff;

/**
 * Upper bounds of counts by key, in fixed memory (a count-min sketch): each
 * key adds to one counter in each row, and its bound is the least of its
 * counters. Nothing added is ever lost, so a bound is never below the key's
 * count; keys sharing a counter only raise it. A counter that fills stays
 * full, and its keys' bounds are unknown (infinite).
 *
 * With k keys, a key's counter in a row is its own with probability about
 * e^(-k / 2^18): with 10^5 keys, 68% a row, so 90% of bounds are exact.
 */
export class CountBounds {
  private readonly counters = new Uint16Array(DEPTH << WIDTH_BITS);

  add(key: string, count: number): void {
    const [a, b] = hashes(key);
    for (let row = 0; row < DEPTH; row++) {
      const at = (row << WIDTH_BITS) | ((a + row * b) >>> (32 - WIDTH_BITS));
      this.counters[at] = Math.min(SATURATED, this.counters[at] + count);
    }
  }

  /** At least the sum of every count added under `key`. */
  bound(key: string): number {
    const [a, b] = hashes(key);
    let least = SATURATED;
    for (let row = 0; row < DEPTH; row++) {
      least = Math.min(least, this.counters[(row << WIDTH_BITS) | ((a + row * b) >>> (32 - WIDTH_BITS))]);
    }
    return least === SATURATED ? Number.POSITIVE_INFINITY : least;
  }
}

/** Two 32-bit FNV-1a hashes of `key` from different offsets; rows combine them (a + row * b). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  // The top bits index a row: mix the low bits FNV leaves weak up into them.
  return [Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) >>> 0, (Math.imul(b ^ (b >>> 13), 0x297a2d39) | 1) >>> 0];
}
