/**
 * Hot streakers: each player's gains per second over a short and a long
 * window, by report ts, and `hotness` = short / long.
 *
 * Only players with a report in the long window are kept, each in one row of
 * typed arrays: gains in SHORT_BUCKETS buckets of short/10 s and LONG_BUCKETS
 * buckets of long/12 s, and report counts in the short buckets. So memory
 * follows the players active in the long window (about 230 bytes each), not
 * every player, and not every report. A window is its current bucket and the
 * ones before it: at time t the short window holds the reports whose bucket,
 * floor(ts / width), is one of the 10 ending with floor(t / width).
 */
export interface TrendRules {
  /** Seconds. */
  short: number;
  long: number;
  /** Reports a player needs in the short window to be trending. */
  minReports: number;
}

export const DEFAULT_TREND: TrendRules = { short: 10, long: 60, minReports: 2 };

export const SHORT_BUCKETS = 10;
export const LONG_BUCKETS = 12;

/** One report's effect: how much it improved the player's score, in the board's order. */
export interface Gain {
  player: string;
  ts: number;
  gain: number;
}

export interface TrendEntry {
  slot: number;
  hotness: number;
  /** Gains per second over the short and the long window. */
  short: number;
  long: number;
}

export class Trending {
  private readonly rows = new Map<number, number>();
  private readonly free: number[] = [];
  private capacity = 0;
  private shortGains = new Float64Array(0);
  private shortCounts = new Uint16Array(0);
  private longGains = new Float64Array(0);
  /** The newest bucket each row has written, per window. */
  private shortLatest = new Float64Array(0);
  private longLatest = new Float64Array(0);
  private shortWidth: number;
  private longWidth: number;

  constructor(private rules: TrendRules) {
    this.shortWidth = (rules.short * 1000) / SHORT_BUCKETS;
    this.longWidth = (rules.long * 1000) / LONG_BUCKETS;
  }

  /** Players kept: those with a report in the long window (or not yet swept). */
  get active(): number {
    return this.rows.size;
  }

  /** New windows drop what was counted: bucket widths change with them. */
  reconfigure(rules: TrendRules): void {
    if (rules.short === this.rules.short && rules.long === this.rules.long) {
      this.rules = rules;
      return;
    }
    this.rules = rules;
    this.shortWidth = (rules.short * 1000) / SHORT_BUCKETS;
    this.longWidth = (rules.long * 1000) / LONG_BUCKETS;
    this.clear();
  }

  clear(): void {
    this.rows.clear();
    this.free.length = 0;
    for (let row = 0; row < this.capacity; row++) this.free.push(row);
  }

  /** Counts a report of `slot`'s player: `gain` at `ts`, clamped to `now` (a future ts counts now). */
  record(slot: number, ts: number, gain: number, now: number): void {
    const at = Math.min(ts, now);
    const longBucket = Math.floor(at / this.longWidth);
    if (longBucket <= Math.floor(now / this.longWidth) - LONG_BUCKETS) return; // already out of the long window
    const row = this.rowFor(slot);
    this.add(this.longGains, undefined, this.longLatest, row, LONG_BUCKETS, longBucket, gain);
    const shortBucket = Math.floor(at / this.shortWidth);
    this.add(this.shortGains, this.shortCounts, this.shortLatest, row, SHORT_BUCKETS, shortBucket, gain);
  }

  /** Forgets a player (removed, or its slot about to be reused). */
  forget(slot: number): void {
    const row = this.rows.get(slot);
    if (row === undefined) return;
    this.rows.delete(slot);
    this.free.push(row);
  }

  /**
   * The `limit` hottest players at `now`: at least `minReports` reports in the
   * short window and a positive long rate, among those `eligible` (on the
   * board); equal hotness in `order` (board order). Rows whose long window has
   * emptied are dropped on the way. Keeps only `limit` candidates sorted, so a
   * recompute over 10^5 players allocates next to nothing.
   */
  top(
    now: number,
    limit: number,
    eligible: (slot: number) => boolean,
    order: (a: number, b: number) => number,
  ): TrendEntry[] {
    const shortNow = Math.floor(now / this.shortWidth);
    const longNow = Math.floor(now / this.longWidth);
    const kept: TrendEntry[] = [];
    const before = (a: TrendEntry, b: TrendEntry) => b.hotness - a.hotness || order(a.slot, b.slot);
    for (const [slot, row] of this.rows) {
      if (this.longLatest[row] <= longNow - LONG_BUCKETS) {
        this.forget(slot);
        continue;
      }
      const long = this.windowSum(this.longGains, this.longLatest, row, LONG_BUCKETS, longNow) / this.rules.long;
      if (!(long > 0) || !eligible(slot)) continue;
      const base = row * SHORT_BUCKETS;
      const latest = this.shortLatest[row];
      let reports = 0;
      let gains = 0;
      // The buckets in both the window ending now and the ring ending at the row's latest.
      for (let b = Math.max(shortNow, latest) - SHORT_BUCKETS + 1; b <= Math.min(shortNow, latest); b++) {
        const cell = base + mod(b, SHORT_BUCKETS);
        reports += this.shortCounts[cell];
        gains += this.shortGains[cell];
      }
      if (reports < this.rules.minReports) continue;
      const short = gains / this.rules.short;
      const entry = { slot, hotness: short / long, short, long };
      if (kept.length === limit && before(entry, kept[limit - 1]) >= 0) continue;
      let at = kept.length;
      while (at > 0 && before(entry, kept[at - 1]) < 0) at--;
      kept.splice(at, 0, entry);
      if (kept.length > limit) kept.pop();
    }
    return kept;
  }

  private windowSum(gains: Float64Array, latestOf: Float64Array, row: number, buckets: number, now: number): number {
    const latest = latestOf[row];
    let sum = 0;
    for (let b = Math.max(now - buckets + 1, latest - buckets + 1); b <= Math.min(now, latest); b++) {
      sum += gains[row * buckets + mod(b, buckets)];
    }
    return sum;
  }

  /** Adds to a ring of `buckets` cells, clearing the cells of buckets passed over since the row's latest. */
  private add(
    gains: Float64Array,
    counts: Uint16Array | undefined,
    latestOf: Float64Array,
    row: number,
    buckets: number,
    bucket: number,
    gain: number,
  ): void {
    const base = row * buckets;
    const latest = latestOf[row];
    if (bucket <= latest - buckets) return; // older than the ring holds
    if (bucket > latest) {
      for (let b = Math.max(latest + 1, bucket - buckets + 1); b <= bucket; b++) {
        gains[base + mod(b, buckets)] = 0;
        if (counts) counts[base + mod(b, buckets)] = 0;
      }
      latestOf[row] = bucket;
    }
    const cell = base + mod(bucket, buckets);
    gains[cell] += gain;
    if (counts && counts[cell] < 0xffff) counts[cell]++;
  }

  private rowFor(slot: number): number {
    let row = this.rows.get(slot);
    if (row !== undefined) return row;
    row = this.free.pop() ?? this.capacity;
    if (row >= this.capacity) this.grow();
    this.rows.set(slot, row);
    // A new row has written nothing: its latest buckets are far in the past.
    this.shortLatest[row] = Number.NEGATIVE_INFINITY;
    this.longLatest[row] = Number.NEGATIVE_INFINITY;
    return row;
  }

  private grow(): void {
    const capacity = Math.max(64, this.capacity * 2);
    const grown = <T extends Float64Array | Uint16Array>(old: T, make: (n: number) => T, per: number) => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.shortGains = grown(this.shortGains, (n) => new Float64Array(n), SHORT_BUCKETS);
    this.shortCounts = grown(this.shortCounts, (n) => new Uint16Array(n), SHORT_BUCKETS);
    this.longGains = grown(this.longGains, (n) => new Float64Array(n), LONG_BUCKETS);
    this.shortLatest = grown(this.shortLatest, (n) => new Float64Array(n), 1);
    this.longLatest = grown(this.longLatest, (n) => new Float64Array(n), 1);
    for (let row = capacity - 1; row > this.capacity; row--) this.free.push(row);
    this.capacity = capacity;
  }
}

/** A non-negative remainder (bucket numbers are negative before 1970 in tests' clocks). */
function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
