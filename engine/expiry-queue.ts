/**
 * A min-heap of (ts, slot) pairs, so players who fall out of a sliding window
 * are found without scanning the board. Entries are never updated in place: a
 * player whose ts changes is pushed again and the stale pair is skipped when it
 * surfaces (the caller checks it against the player's current ts).
 */
export class ExpiryQueue {
  private times: Float64Array;
  private slots: Uint32Array;
  private length = 0;

  /** `capacity`: the starting size; small for the many small queues of groups. */
  constructor(capacity = 256) {
    this.times = new Float64Array(capacity);
    this.slots = new Uint32Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  push(ts: number, slot: number): void {
    if (this.length === this.times.length) this.grow();
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent] <= ts) break;
      this.times[i] = this.times[parent];
      this.slots[i] = this.slots[parent];
      i = parent;
    }
    this.times[i] = ts;
    this.slots[i] = slot;
  }

  /** The smallest ts in the queue, or Infinity when empty. */
  peekTime(): number {
    return this.length === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  peekSlot(): number {
    return this.slots[0];
  }

  pop(): void {
    const last = --this.length;
    if (last === 0) return;
    const ts = this.times[last];
    const slot = this.slots[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.times[child + 1] < this.times[child]) child++;
      if (this.times[child] >= ts) break;
      this.times[i] = this.times[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.times[i] = ts;
    this.slots[i] = slot;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const slots = new Uint32Array(this.slots.length * 2);
    slots.set(this.slots);
    this.times = times;
    this.slots = slots;
  }
}
