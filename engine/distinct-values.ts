import { RankedIndex } from "./ranked-index";

/**
 * The distinct values on a board, each once with how many entries hold it:
 * a value is a sort key (better first) and, under a tiebreak, a subscore. Dense
 * ties rank an entry one past the distinct values better than its own, which
 * this counts in O(log n) instead of walking the entries ahead.
 */
export class DistinctValues {
  /**
   * Value ids by key: a key's one value's id, or its values' ids by subscore
   * once it has several (under a tiebreak). Most keys hold one value (every
   * key without a tiebreak), and a Map for each would cost some 200 bytes.
   */
  private readonly ids = new Map<number, number | Map<number, number>>();
  private subscores: number[] = [];
  private counts: number[] = [];
  private readonly free: number[] = [];
  private readonly index: RankedIndex;

  /** `bySubscore`: negative when subscore `a` goes first (never 0 for two values of one key). */
  constructor(private readonly bySubscore: (a: number, b: number) => number) {
    this.index = new RankedIndex((a, b) => this.bySubscore(this.subscores[a], this.subscores[b]));
  }

  /** Distinct values held. */
  get size(): number {
    return this.index.size;
  }

  clear(): void {
    this.ids.clear();
    this.subscores = [];
    this.counts = [];
    this.free.length = 0;
    this.index.build([], []);
  }

  /** One more entry holds this value. */
  add(key: number, subscore = 0): void {
    const held = this.ids.get(key);
    const id = this.idIn(held, subscore);
    if (id !== undefined) {
      this.counts[id]++;
      return;
    }
    const made = this.free.pop() ?? this.counts.length;
    this.subscores[made] = subscore;
    this.counts[made] = 1;
    if (held === undefined) this.ids.set(key, made);
    else if (typeof held === "number")
      this.ids.set(
        key,
        new Map([
          [this.subscores[held], held],
          [subscore, made],
        ]),
      );
    else held.set(subscore, made);
    this.index.insert(made, key);
  }

  /** One entry no longer holds this value (which it held). */
  remove(key: number, subscore = 0): void {
    const held = this.ids.get(key);
    const id = this.idIn(held, subscore);
    if (held === undefined || id === undefined) throw new Error(`distinct values: ${key}/${subscore} not held`);
    if (--this.counts[id] > 0) return;
    this.index.remove(id, key);
    if (typeof held === "number") this.ids.delete(key);
    else {
      held.delete(subscore);
      if (held.size === 0) this.ids.delete(key);
    }
    this.free.push(id);
  }

  /** The id of a key's value with `subscore`, from what the key holds. */
  private idIn(held: number | Map<number, number> | undefined, subscore: number): number | undefined {
    if (typeof held === "number") return this.subscores[held] === subscore ? held : undefined;
    return held?.get(subscore);
  }

  /** 1 + the distinct values better than (key, subscore), which need not be held. */
  denseRank(key: number, subscore = 0): number {
    return this.index.countAhead(key, (id) => this.bySubscore(this.subscores[id], subscore) < 0) + 1;
  }
}
