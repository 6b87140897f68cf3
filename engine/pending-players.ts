import type { PlayerAccess } from "./groups";

/** What the pending log reads of the players board: its current state, and its order among equal keys. */
export interface PendingSource extends PlayerAccess {
  subscore(slot: number): number | undefined;
  teamOf(slot: number): number;
  countryOf(slot: number): number;
  /** Board order among equal keys of two slots holding these subscores (0 without a tiebreak) and times. */
  tieBreakWith(a: number, subA: number, timeA: number, b: number, subB: number, timeB: number): number;
}

/** The players board as the derived boards last saw it: what they read while they catch up. */
export interface SeenPlayers extends PlayerAccess {
  teamOf(slot: number): number;
  countryOf(slot: number): number;
}

/**
 * The players changed since the derived boards last caught up, each with the
 * standing it had then (on the board or not, score, subscore, ts, team,
 * country): a change costs a row here instead of a dozen index operations,
 * and a batch nobody reads the derived boards after pays nothing more.
 *
 * Catching up moves each changed player, one after the other, from where the
 * derived indexes hold it to where it goes now. The indexes order entries by
 * key and tie-break as inserted, so `seen` answers for a changed player with
 * the standing recorded here until it has been moved (`moved`), and for any
 * other with its current one (the one inserted: any change is recorded here).
 */
export class PendingPlayers {
  private readonly rows = new Map<number, number>();
  private slots = new Uint32Array(16);
  private onBoards = new Uint8Array(16);
  private scores = new Float64Array(16);
  private subscores = new Float64Array(16);
  private times = new Float64Array(16);
  private teams = new Uint32Array(16);
  private countries = new Uint8Array(16);
  /**
   * A bit per slot, set while it is noted: the member indexes read a key per
   * probe while replaying, and most probes are of players not noted, which
   * this answers without a look-up in `rows`.
   */
  private noted = new Uint32Array(0);
  /** While replaying: rows up to `moving` (and it, once moved) are in place; `seen` answers for the others as recorded. */
  private replaying = false;
  private moving = 0;
  readonly seen: SeenPlayers;

  constructor(
    private readonly board: PendingSource,
    private readonly ascending: () => boolean,
  ) {
    const rowOf = (slot: number) => {
      if (!this.replaying || (this.noted[slot >>> 5] & (1 << (slot & 31))) === 0) return -1;
      const row = this.rows.get(slot);
      return row === undefined || row < this.moving ? -1 : row;
    };
    this.seen = {
      keyOf: (slot) => {
        const row = rowOf(slot);
        if (row === -1) return board.keyOf(slot);
        return this.ascending() ? this.scores[row] + 0 : 0 - this.scores[row];
      },
      tieBreak: (a, b) => {
        const x = rowOf(a);
        const y = rowOf(b);
        if (x === -1 && y === -1) return board.tieBreak(a, b);
        const subA = x === -1 ? (board.subscore(a) ?? 0) : this.subscores[x];
        const subB = y === -1 ? (board.subscore(b) ?? 0) : this.subscores[y];
        const timeA = x === -1 ? board.time(a) : this.times[x];
        const timeB = y === -1 ? board.time(b) : this.times[y];
        return board.tieBreakWith(a, subA, timeA, b, subB, timeB);
      },
      score: (slot) => {
        const row = rowOf(slot);
        return row === -1 ? board.score(slot) : this.scores[row];
      },
      time: (slot) => {
        const row = rowOf(slot);
        return row === -1 ? board.time(slot) : this.times[row];
      },
      onBoard: (slot) => {
        const row = rowOf(slot);
        return row === -1 ? board.onBoard(slot) : this.onBoards[row] === 1;
      },
      teamOf: (slot) => {
        const row = rowOf(slot);
        return row === -1 ? board.teamOf(slot) : this.teams[row];
      },
      countryOf: (slot) => {
        const row = rowOf(slot);
        return row === -1 ? board.countryOf(slot) : this.countries[row];
      },
    };
  }

  get size(): number {
    return this.rows.size;
  }

  has(slot: number): boolean {
    return this.rows.has(slot);
  }

  /** Records the player's standing, unless already recorded: call before it changes. */
  note(slot: number): void {
    if (this.rows.has(slot)) return;
    const row = this.rows.size;
    if (row === this.slots.length) this.grow();
    this.rows.set(slot, row);
    if (slot >>> 5 >= this.noted.length) this.growNoted(slot);
    this.noted[slot >>> 5] |= 1 << (slot & 31);
    this.slots[row] = slot;
    this.onBoards[row] = this.board.onBoard(slot) ? 1 : 0;
    this.scores[row] = this.board.score(slot);
    this.subscores[row] = this.board.subscore(slot) ?? 0;
    this.times[row] = this.board.time(slot);
    this.teams[row] = this.board.teamOf(slot);
    this.countries[row] = this.board.countryOf(slot);
  }

  /**
   * Visits every noted player with whether it was on the board: `seen` answers
   * with its noted standing until the visit calls `moved`, then with its
   * current one. Forgets them all after.
   */
  replay(visit: (slot: number, wasOnBoard: boolean) => void): void {
    const count = this.rows.size;
    this.replaying = true;
    for (let row = 0; row < count; row++) {
      this.moving = row;
      visit(this.slots[row], this.onBoards[row] === 1);
    }
    this.replaying = false;
    this.clear();
  }

  /** The player being visited now reads as it is. */
  moved(): void {
    this.moving++;
  }

  clear(): void {
    for (let row = 0; row < this.rows.size; row++) this.noted[this.slots[row] >>> 5] = 0;
    this.rows.clear();
    // A large log (up to an eighth of the board) gives its memory back; a batch's worth is kept for the next.
    if (this.slots.length > 1024) this.resize(16);
  }

  private growNoted(slot: number): void {
    const noted = new Uint32Array(Math.max(this.noted.length * 2, (slot >>> 5) + 1));
    noted.set(this.noted);
    this.noted = noted;
  }

  private grow(): void {
    this.resize(this.slots.length * 2);
  }

  /** Makes room for `size` rows, keeping the first ones that fit. */
  private resize(size: number): void {
    const grown = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old.subarray(0, Math.min(size, old.length)));
      return next;
    };
    this.slots = grown(this.slots, (n) => new Uint32Array(n));
    this.onBoards = grown(this.onBoards, (n) => new Uint8Array(n));
    this.scores = grown(this.scores, (n) => new Float64Array(n));
    this.subscores = grown(this.subscores, (n) => new Float64Array(n));
    this.times = grown(this.times, (n) => new Float64Array(n));
    this.teams = grown(this.teams, (n) => new Uint32Array(n));
    this.countries = grown(this.countries, (n) => new Uint8Array(n));
  }
}
