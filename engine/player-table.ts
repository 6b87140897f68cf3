import { type HashKey, PlayerIds } from "./player-ids";
import type { PlayerState, RankedEntry } from "./rules";

/** Group names by id, as a group board numbers them (teams, countries); 0 is none. */
export interface GroupNames {
  idOf(name: string, create: boolean): number;
  nameOf(group: number): string;
}

/**
 * Every player a board knows, on it or outside the window: a slot per player
 * (PlayerIds), and its state in typed-array columns indexed by slot. Teams
 * and countries are held as ids of their boards' names. A load starts a new
 * table, so slots are handed out afresh.
 */
export class PlayerTable {
  readonly ids: PlayerIds;
  scores = new Float64Array(0);
  times = new Float64Array(0);
  /** Subscore per slot; kept only on a board with a tiebreak (see `keepSubscores`). */
  subscores: Float64Array | undefined;
  /** 1 while the slot's player is on the board (inside the window). */
  ranked = new Uint8Array(0);
  /** Team per slot; allocated with the first team seen, so teamless boards pay nothing; 16 bits until a team id needs more. */
  private teams: Uint16Array | Uint32Array | undefined;
  /** Country per slot; allocated with the first country set. */
  private countries: Uint8Array | undefined;

  /** Replaced whenever a slot is freed: a slot found under one stamp stays its player's while the stamp does. */
  stamp: object = {};

  /** `expected`: how many players a load is about to put, so the table is sized once. */
  constructor(
    hashKey: HashKey,
    expected: number,
    private readonly teamNames: GroupNames,
    private readonly countryNames: GroupNames,
  ) {
    this.ids = new PlayerIds(hashKey);
    this.ids.reserve(expected);
    this.grow();
  }

  /** The player's slot; a new one starts off the board. */
  slotFor(player: string): number {
    const known = this.ids.size;
    const slot = this.ids.intern(player);
    if (this.ids.size !== known) {
      if (this.ids.capacity > this.scores.length) this.grow();
      this.ranked[slot] = 0;
    }
    return slot;
  }

  /** Frees a player's slot for another. */
  release(slot: number): void {
    this.stamp = {};
    if (this.countries !== undefined) this.countries[slot] = 0;
    this.ids.release(slot);
  }

  /** Keeps a subscore per slot (a board with a tiebreak), or none; a new column starts at 0. */
  keepSubscores(keep: boolean): void {
    if (!keep) this.subscores = undefined;
    else this.subscores ??= new Float64Array(this.scores.length);
  }

  write(slot: number, state: PlayerState): void {
    this.scores[slot] = state.score;
    this.times[slot] = state.ts;
    if (this.subscores !== undefined) this.subscores[slot] = state.subscore ?? 0;
    if (state.team !== undefined) {
      const team = this.teamNames.idOf(state.team, true);
      this.teams ??= new Uint16Array(this.scores.length);
      if (team > 0xffff && this.teams instanceof Uint16Array) this.teams = Uint32Array.from(this.teams);
      this.teams[slot] = team;
    } else if (this.teams !== undefined) {
      this.teams[slot] = 0;
    }
  }

  /** Sets (or clears) a slot's country. */
  writeCountry(slot: number, country: string | undefined): void {
    if (country === undefined) {
      if (this.countries !== undefined) this.countries[slot] = 0;
      return;
    }
    this.countries ??= new Uint8Array(this.scores.length);
    this.countries[slot] = this.countryNames.idOf(country, true);
  }

  /** The slot's team id; 0 for none. */
  teamOf(slot: number): number {
    return this.teams?.[slot] ?? 0;
  }

  /** The slot's country id; 0 for none. */
  countryOf(slot: number): number {
    return this.countries?.[slot] ?? 0;
  }

  /** The slot's country name; undefined for none. */
  countryName(slot: number): string | undefined {
    const country = this.countryOf(slot);
    return country === 0 ? undefined : this.countryNames.nameOf(country);
  }

  /** Whether the slot's player goes before another with the same value: earlier `ts`, then its `id` (PlayerIds.bytesOf). */
  goesBefore(slot: number, ts: number, id: Uint8Array): boolean {
    const time = this.times[slot];
    return time !== ts ? time < ts : this.ids.compareTo(slot, id) < 0;
  }

  /** Every player's state: those in `onBoard` first, in its order, then those off the board. */
  *states(onBoard: Uint32Array): IterableIterator<PlayerState> {
    for (const slot of onBoard) yield this.stateOf(slot);
    const outside: number[] = [];
    this.ids.forEachSlot((slot) => {
      if (this.ranked[slot] === 0) outside.push(slot);
    });
    for (const slot of outside) yield this.stateOf(slot);
  }

  /** The state in `slot`; `player` when the caller already holds the id (no decoding). */
  stateOf(slot: number, player = this.ids.idOf(slot)): PlayerState {
    const team = this.teamName(slot);
    const state: PlayerState = { player, score: this.scores[slot], ts: this.times[slot] };
    if (this.subscores !== undefined) state.subscore = this.subscores[slot];
    if (team !== undefined) state.team = team;
    return state;
  }

  /** The entry in `slot`; `player` when the caller already holds the id (no decoding). */
  entryOf(slot: number, rank: number, player = this.ids.idOf(slot)): RankedEntry {
    const team = this.teamName(slot);
    const entry: RankedEntry = { rank, player, score: this.scores[slot], ts: this.times[slot] };
    if (this.subscores !== undefined) entry.subscore = this.subscores[slot];
    if (team !== undefined) entry.team = team;
    const country = this.countryName(slot);
    if (country !== undefined) entry.country = country;
    return entry;
  }

  private teamName(slot: number): string | undefined {
    const team = this.teamOf(slot);
    return team === 0 ? undefined : this.teamNames.nameOf(team);
  }

  /** Makes every column as long as the ids' capacity, keeping what the slots hold. */
  private grow(): void {
    const capacity = this.ids.capacity;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(old.subarray(0, Math.min(old.length, capacity)));
      return next;
    };
    this.scores = grow(this.scores, (n) => new Float64Array(n));
    this.times = grow(this.times, (n) => new Float64Array(n));
    if (this.subscores !== undefined) this.subscores = grow(this.subscores, (n) => new Float64Array(n));
    const teams = this.teams;
    if (teams instanceof Uint16Array) this.teams = grow(teams, (n) => new Uint16Array(n));
    else if (teams !== undefined) this.teams = grow(teams, (n) => new Uint32Array(n));
    if (this.countries !== undefined) this.countries = grow(this.countries, (n) => new Uint8Array(n));
    this.ranked = grow(this.ranked, (n) => new Uint8Array(n));
  }
}
