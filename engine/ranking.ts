import { type Plan, planBatch } from "./batch-plan";
import type { Placed } from "./board-order";
import { type Bounds, BoundsLedger } from "./bounds";
import { type BoardAccess, DerivedBoards, type DerivedView } from "./derived";
import { ExpiryQueue } from "./expiry-queue";
import { GainAllowance } from "./gain-allowance";
import { type HashKey, randomHashKey } from "./player-ids";
import { PlayerTable } from "./player-table";
import { sortSlotsByKey } from "./radix-sort";
import { RankedIndex } from "./ranked-index";
import { DEFAULT_RULES, type PlayerState, type RankedEntry, type RankingRules, type Report } from "./rules";
import { SlotOrder } from "./slot-order";
import { TieRanks } from "./tie-ranks";
import type { Gain, TrendRules } from "./trending";

export interface RankingOptions {
  /** Trending windows; undefined leaves trending off. */
  trend?: TrendRules;
  /** Each player's gain allowance (bounds.maxGainPerSecond), kept by the game across its boards. */
  allowance?: GainAllowance;
}

/** At most this many top entries are kept built (see `topCache`). */
const TOP_CACHE = 100;

/**
 * One game's ranked board: every known player's state in a PlayerTable, and
 * the players inside the window in a RankedIndex ordered by (score in the
 * board's order, ts, player). Time never comes from a clock here: callers
 * pass `now`, which keeps the engine deterministic.
 */
export class Ranking {
  /** Every known player; `ranked` marks those inside the window, i.e. in `index`. */
  private players: PlayerTable;
  /** Teams, countries, MVPs and trending, told of every player before it changes. */
  private readonly boards: DerivedBoards;
  /** Reports per player this second and each player's gain allowance, for the bounds. */
  private readonly ledger: BoundsLedger;
  /** Order among equal scores (subscore, ts, player), and which players share a value. */
  private readonly ties: SlotOrder;
  /** Ranks under the tie mode (dense ties count the distinct values on the board). */
  private readonly ranks: TieRanks;
  private index = new RankedIndex((a, b) => this.ties.tieBreak(a, b));
  private expiry = new ExpiryQueue();
  private current: RankingRules;
  /**
   * The top entries (as many as were asked, up to TOP_CACHE), built on the first read after a change: nearly every
   * read of a board is its top (pages, live views, snapshots), and boards are read far more often than they change.
   */
  private topCache: RankedEntry[] | undefined;
  /** `current.order === "asc"`, read on every comparison. */
  private ascending: boolean;

  /** `hashKey` keys the player-id hash: with a secret random one (the object's), no sender can choose colliding names. */
  constructor(
    rules: RankingRules = DEFAULT_RULES,
    private readonly hashKey: HashKey = randomHashKey(),
    options: RankingOptions = {},
  ) {
    this.current = { ...rules };
    this.ascending = rules.order === "asc";
    this.boards = new DerivedBoards(this.access(), () => this.ascending, options.trend);
    this.players = new PlayerTable(hashKey, 0, this.boards.teams, this.boards.countries);
    this.players.keepSubscores(rules.tiebreak !== undefined);
    this.ties = new SlotOrder(() => this.players, rules.tiebreak);
    this.ranks = new TieRanks(() => this.players, this.ties, rules.ties, rules.tiebreak);
    this.ledger = new BoundsLedger(options.allowance ?? new GainAllowance());
  }

  /** Players on the board (inside the window). */
  get rankedPlayers(): number {
    return this.index.size;
  }

  /** Players known, including those outside the window. */
  get knownPlayers(): number {
    return this.players.ids.size;
  }

  /** Teams, countries, MVPs and trending, to read. */
  get derived(): DerivedView {
    return this.boards;
  }

  /**
   * What `reports` would do to the board (see `planBatch`); does not modify
   * it: persist, then `apply`. Throws ScoreOverflowError when a sum would
   * leave the safe-integer range.
   */
  plan(reports: readonly Report[], bounds?: Bounds, now = Date.now()): Plan {
    const { aggregate, tiebreak } = this.current;
    return planBatch(reports, {
      aggregate,
      tiebreak,
      ascending: this.ascending,
      trending: this.boards.trendingOn,
      find: (player) => this.players.ids.find(player),
      stateAt: (slot, player) => this.players.stateOf(slot, player),
      stamp: this.players.stamp,
      // Without bounds there is nothing to check, and no checker to call.
      checks: bounds === undefined ? undefined : this.ledger.batch(bounds, aggregate, this.ascending, now),
    });
  }

  /** Whether the board knows the player (on the board or outside the window). */
  knows(player: string): boolean {
    return this.players.ids.find(player) !== -1;
  }

  /** How many of `states` are of players the board does not know yet. */
  countNew(states: readonly PlayerState[]): number {
    let added = 0;
    for (const state of states) if (this.players.ids.find(state.player) === -1) added++;
    return added;
  }

  /** Sets each player's state (insert or replace), and counts the plan's gains for trending. */
  apply(plan: Plan | readonly PlayerState[], now: number): void {
    const states = "states" in plan ? plan.states : plan;
    const recording = "gains" in plan && plan.gains.length > 0;
    const slots = recording ? new Map<string, number>() : undefined;
    // Slots the plan found, unless a slot was freed since (another player may hold it now).
    const found = "found" in plan && plan.found?.stamp === this.players.stamp ? plan.found.slots : undefined;
    for (let i = 0; i < states.length; i++) {
      const state = states[i];
      const known = found === undefined ? -1 : found[i];
      const slot = known === -1 ? this.players.slotFor(state.player) : known;
      slots?.set(state.player, slot);
      this.noteChange(slot, state.team);
      if (this.players.ranked[slot] === 1) this.unrank(slot);
      this.players.write(slot, state);
      this.place(slot, now);
    }
    if (states.length > 0) this.topCache = undefined;
    this.compactExpiry();
    if (recording) this.boards.record(plan.gains, now, slots);
    if ("states" in plan) this.ledger.record(plan, now);
  }

  /** Counts reports for trending without a state change (a rebuild replaying them). */
  record(gains: readonly Gain[], now: number): void {
    this.boards.record(gains, now);
  }

  /** Sets (or clears) a player's country; false when the player is unknown. */
  setCountry(player: string, country: string | undefined): boolean {
    const slot = this.players.ids.find(player);
    if (slot === -1) return false;
    this.boards.note(slot);
    this.players.writeCountry(slot, country);
    this.topCache = undefined;
    return true;
  }

  /** A player's country; undefined when none is set or the player is unknown. */
  countryOf(player: string): string | undefined {
    const slot = this.players.ids.find(player);
    return slot === -1 ? undefined : this.players.countryName(slot);
  }

  /** A player's country during a load (no board is kept up to date until `finishLoad`). */
  putCountry(player: string, country: string): void {
    const slot = this.players.ids.find(player);
    if (slot !== -1) this.players.writeCountry(slot, country);
  }

  /** Trending with these windows, or off. */
  setTrend(rules: TrendRules | undefined): void {
    this.boards.setTrend(rules);
  }

  /** Replaces the whole board with `states` (one per player, each read once and not kept), sorting once. */
  load(states: Iterable<PlayerState>, now: number, expectedPlayers = Array.isArray(states) ? states.length : 0): void {
    this.beginLoad(expectedPlayers);
    for (const state of states) this.put(state);
    this.finishLoad(now);
  }

  /**
   * Starts replacing the whole board. `put` and `drop` then set and remove
   * players in order (a rebuild: the stored base, then the log after it)
   * without ranking anything; `finishLoad` ranks everyone once. Replaying a
   * change this way costs a column write, not an index update.
   */
  beginLoad(expectedPlayers = 0): void {
    this.players = new PlayerTable(this.hashKey, expectedPlayers, this.boards.teams, this.boards.countries);
    this.players.keepSubscores(this.current.tiebreak !== undefined);
    // Slots are handed out afresh: what trending counted or the derived boards noted by slot no longer holds.
    this.boards.clearTrending();
    this.boards.invalidate();
    this.expiry.clear();
    this.index.build([], []);
  }

  /** Sets a player's state during a load (the state is read, not kept). */
  put(state: PlayerState): void {
    this.players.write(this.players.slotFor(state.player), state);
  }

  /** Removes a player during a load. */
  drop(player: string): void {
    const slot = this.players.ids.find(player);
    if (slot !== -1) this.players.release(slot);
  }

  finishLoad(now: number): void {
    this.rerank(now);
  }

  /** Removes a player; false when unknown. */
  remove(player: string): boolean {
    const slot = this.players.ids.find(player);
    if (slot === -1) return false;
    this.noteChange(slot);
    if (this.players.ranked[slot] === 1) this.unrank(slot);
    this.players.ranked[slot] = 0;
    this.boards.forget(slot);
    this.players.release(slot);
    this.topCache = undefined;
    return true;
  }

  /** Takes players whose ts fell out of the window off the board; returns how many. */
  expire(now: number): number {
    if (this.current.window === 0) return 0;
    const cutoff = this.cutoff(now);
    let expired = 0;
    while (this.expiry.peekTime() < cutoff) {
      const slot = this.expiry.peekSlot();
      const ts = this.expiry.peekTime();
      this.expiry.pop();
      if (this.players.ranked[slot] === 1 && this.players.times[slot] === ts) {
        this.noteChange(slot);
        this.unrank(slot);
        this.players.ranked[slot] = 0;
        expired++;
        this.topCache = undefined;
      }
    }
    return expired;
  }

  /** The earliest time at which `expire` would take someone off, or Infinity. */
  nextExpiry(): number {
    if (this.current.window === 0) return Number.POSITIVE_INFINITY;
    return this.expiry.peekTime() + this.current.window * 1000;
  }

  /** The player's state, also when outside the window; undefined when unknown. */
  state(player: string): PlayerState | undefined {
    const slot = this.players.ids.find(player);
    return slot === -1 ? undefined : this.players.stateOf(slot, player);
  }

  /** Players here ahead of an entry that need not be here (a shard's share of its place); `better`: better values only. */
  countAhead(entry: Placed, better = false): number {
    return this.ties.countAhead(this.index, this.keyFor(entry.score), entry, better);
  }

  /** The player's ranked entry; undefined when not on the board. */
  entry(player: string): RankedEntry | undefined {
    const slot = this.players.ids.find(player);
    if (slot === -1 || this.players.ranked[slot] === 0) return undefined;
    const position = this.index.positionOf(slot, this.keyOf(slot));
    return this.players.entryOf(slot, this.rankOf(slot, position), player);
  }

  /** Up to `limit` entries from 0-based `offset`. */
  page(offset: number, limit: number): RankedEntry[] {
    const end = offset + limit;
    if (end > TOP_CACHE) return this.materialize(offset, limit);
    if (this.topCache === undefined || (this.topCache.length < end && this.topCache.length < this.rankedPlayers)) {
      // Frozen: every caller shares these objects until the next change.
      this.topCache = this.materialize(0, Math.max(end, 16)).map((entry) => Object.freeze(entry));
    }
    return this.topCache.slice(offset, end);
  }

  private materialize(offset: number, limit: number): RankedEntry[] {
    const entries: RankedEntry[] = [];
    let previous = -1;
    let previousRank = 0;
    this.index.forRange(offset, limit, (slot, position) => {
      const rank =
        previous === -1 ? this.rankOf(slot, position) : this.ranks.rankAfter(previous, previousRank, slot, position);
      entries.push(this.players.entryOf(slot, rank));
      previous = slot;
      previousRank = rank;
    });
    return entries;
  }

  /** The player's entry with up to `radius` neighbours on each side; undefined when not on the board. */
  around(player: string, radius: number): RankedEntry[] | undefined {
    const slot = this.players.ids.find(player);
    if (slot === -1 || this.players.ranked[slot] === 0) return undefined;
    const position = this.index.positionOf(slot, this.keyOf(slot));
    const start = Math.max(0, position - radius);
    return this.page(start, position - start + radius + 1);
  }

  /** Changes the rules; the board (and what derives from it) is re-ranked at once when order or window change. */
  reconfigure(rules: RankingRules, now: number): void {
    const { order, window, tiebreak, ties } = this.current;
    const rerank = rules.order !== order || rules.window !== window || rules.tiebreak !== tiebreak;
    this.current = { ...rules };
    this.players.keepSubscores(rules.tiebreak !== undefined);
    this.ties.setTiebreak(rules.tiebreak);
    this.ascending = rules.order === "asc";
    this.topCache = undefined;
    if (rerank) this.rerank(now);
    else if (rules.ties !== ties) this.ranks.reset(rules.ties, rules.tiebreak, this.index.toArray(), this.keyOf);
  }

  /** Every player's state, board players in rank order first. */
  states(): IterableIterator<PlayerState> {
    return this.players.states(this.index.toArray());
  }

  private readonly keyOf = (slot: number): number => this.keyFor(this.players.scores[slot]);

  /**
   * A score's sort key: ascending in board order, so better scores come
   * first. `+ 0` and `0 -` turn -0 into 0: equal keys must have equal bits
   * for the radix sort.
   */
  private keyFor(score: number): number {
    return this.ascending ? score + 0 : 0 - score;
  }

  /** 1-based rank of a slot on the board under the tie mode; `position`: its 0-based place, when known. */
  private rankOf(slot: number, position?: number): number {
    return this.ranks.rankAt(this.index, slot, this.keyOf(slot), position);
  }

  /** Takes a slot off the index (before its state changes, or it leaves the board). */
  private unrank(slot: number): void {
    this.ranks.leave(slot, this.keyOf(slot));
    this.index.remove(slot, this.keyOf(slot));
  }

  /** Tells the derived boards of a change to come, unless the player is in no group before it or after (`team`: its next). */
  private noteChange(slot: number, team?: string): void {
    if (team !== undefined || this.players.teamOf(slot) !== 0 || this.players.countryOf(slot) !== 0)
      this.boards.note(slot);
  }

  /** What the derived boards read of this one. */
  private access(): BoardAccess {
    return {
      keyOf: (slot) => this.keyOf(slot),
      aheadIn: (index, entry, better) => this.ties.countAhead(index, this.keyFor(entry.score), entry, better),
      sharedRankIn: (index, slot) => this.ties.sharedRank(index, slot, this.keyOf(slot)),
      tieBreak: (a, b) => this.ties.tieBreak(a, b),
      score: (slot) => this.players.scores[slot],
      subscore: (slot) => this.players.subscores?.[slot],
      time: (slot) => this.players.times[slot],
      onBoard: (slot) => this.players.ranked[slot] === 1,
      teamOf: (slot) => this.players.teamOf(slot),
      countryOf: (slot) => this.players.countryOf(slot),
      playerOf: (slot) => this.players.ids.idOf(slot),
      rankOf: (slot) => this.rankOf(slot),
      find: (player) => this.players.ids.find(player),
      ties: () => this.current.ties,
      sameValue: (a, b) => this.ties.sameValue(a, b),
      entryOf: (slot, rank) => this.players.entryOf(slot, rank),
      tieBreakWith: (a, subA, timeA, b, subB, timeB) => this.ties.tieBreakWith(a, subA, timeA, b, subB, timeB),
      boardOrder: () => this.index.toArray(),
      rankedPlayers: () => this.index.size,
    };
  }

  /** Puts `slot` (noted to the derived boards) on the board if its ts is inside the window. */
  private place(slot: number, now: number): void {
    const ts = this.players.times[slot];
    if (ts < this.cutoff(now)) {
      this.players.ranked[slot] = 0;
      return;
    }
    this.index.insert(slot, this.keyOf(slot));
    this.ranks.join(slot, this.keyOf(slot));
    this.players.ranked[slot] = 1;
    if (this.current.window > 0) this.expiry.push(ts, slot);
  }

  /** Rebuilds the index (and expiry queue) from every known player. */
  private rerank(now: number): void {
    this.topCache = undefined;
    const cutoff = this.cutoff(now);
    let slots = new Uint32Array(this.players.ids.size);
    let count = 0;
    this.players.ids.forEachSlot((slot) => {
      const isInside = this.players.times[slot] >= cutoff;
      this.players.ranked[slot] = isInside ? 1 : 0;
      if (isInside) slots[count++] = slot;
    });
    slots = slots.subarray(0, count);
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = this.keyOf(slots[i]);
    sortSlotsByKey(slots, keys, (a, b) => this.ties.tieBreak(a, b));
    this.index.build(slots, keys);
    this.ranks.reset(this.current.ties, this.current.tiebreak, slots, this.keyOf);
    this.boards.invalidate();
    this.expiry.clear();
    if (this.current.window > 0) for (const slot of slots) this.expiry.push(this.players.times[slot], slot);
  }

  /** Lazy deletion lets the queue grow with every ts change; rebuild it when mostly stale. */
  private compactExpiry(): void {
    if (this.current.window === 0 || this.expiry.size < 2 * this.index.size + 1024) return;
    this.expiry.clear();
    this.players.ids.forEachSlot((slot) => {
      if (this.players.ranked[slot] === 1) this.expiry.push(this.players.times[slot], slot);
    });
  }

  private cutoff(now: number): number {
    return this.current.window === 0 ? Number.NEGATIVE_INFINITY : now - this.current.window * 1000;
  }
}
