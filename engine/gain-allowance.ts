/** Seconds of gain a player may bank: what one report may claim after a long pause. */
export const GAIN_BANK_SECONDS = 3600;

/** Players held in memory; past it the least recently charged are let go (the store keeps them). */
const CACHE_LIMIT = 50_000;

/** A player's allowance as last charged. */
export interface Spent {
  /** Allowance left at `at`, in score units. */
  left: number;
  /** Server time (ms) of the charge. */
  at: number;
}

/** Where charged allowances are kept (the object's SQLite); undefined for a player not charged within the bank. */
export interface SpentStore {
  read(player: string): Spent | undefined;
}

/**
 * Each player's allowance of gain on the server's clock: it refills at the
 * game's maxGainPerSecond and holds at most GAIN_BANK_SECONDS of it. Report
 * ts are the sender's to choose, so the per-report check by ts alone lets a
 * sender invent time (a report stamped long ago, or many with one ts); this
 * bounds what any run of reports gains by the time that really passed.
 * Charges are persisted by the caller (see `Plan.gained`); this holds the
 * recently charged in memory and reads the others from `store`.
 */
export class GainAllowance {
  private readonly cache = new Map<string, Spent>();

  constructor(private readonly store: SpentStore = { read: () => undefined }) {}

  /** Gain `player` may still claim at `now`, refilling at `perSecond`. */
  left(player: string, perSecond: number, now: number): number {
    const full = perSecond * GAIN_BANK_SECONDS;
    const spent = this.spentBy(player);
    if (spent === undefined) return full;
    return Math.min(full, spent.left + (perSecond * Math.max(0, now - spent.at)) / 1000);
  }

  /** What charging each player's gains at `now` leaves: the rows to persist, then `remember`. */
  charge(gains: ReadonlyMap<string, number>, perSecond: number, now: number): Map<string, Spent> {
    const charged = new Map<string, Spent>();
    for (const [player, gain] of gains) {
      charged.set(player, { left: Math.max(0, this.left(player, perSecond, now) - gain), at: now });
    }
    return charged;
  }

  /** Holds charges already persisted. */
  remember(charged: ReadonlyMap<string, Spent>): void {
    for (const [player, spent] of charged) {
      this.cache.delete(player);
      this.cache.set(player, spent);
    }
    this.trim();
  }

  /** Players held in memory. */
  get size(): number {
    return this.cache.size;
  }

  private spentBy(player: string): Spent | undefined {
    const cached = this.cache.get(player);
    if (cached !== undefined) return cached;
    const stored = this.store.read(player);
    if (stored !== undefined) {
      this.cache.set(player, stored);
      this.trim();
    }
    return stored;
  }

  /** Past the limit, lets the least recently charged go, down to half, so this runs once per many batches. */
  private trim(): void {
    if (this.cache.size <= CACHE_LIMIT) return;
    for (const player of this.cache.keys()) {
      if (this.cache.size <= CACHE_LIMIT / 2) break;
      this.cache.delete(player);
    }
  }
}
