/** Seconds of gain a player may bank: what one report may claim after a long pause. */
export const GAIN_BANK_SECONDS = 3600;

/** Tracked players past which a write sweeps out those whose allowance is full again. */
const SWEEP_AT = 4096;

interface Spent {
  /** Allowance left at `at`, in score units. */
  left: number;
  /** Server time (ms) of the last gain. */
  at: number;
}

/**
 * Each player's allowance of gain on the server's clock: it refills at the
 * game's maxGainPerSecond and holds at most GAIN_BANK_SECONDS of it. Report
 * ts are the sender's to choose, so the per-report check by ts alone lets a
 * sender invent time (a report stamped long ago, or many with one ts); this
 * bounds what any run of reports gains by the time that really passed.
 * Only players whose allowance is not full are held, in memory. After a
 * restart nobody's allowance is known, so each starts as if spent at the
 * game's last change (`resumedAt`): never more than it really had, so an
 * eviction gives a cheater nothing. A player who had banked time may lose
 * some of it, once.
 */
export class GainAllowance {
  private readonly spent = new Map<string, Spent>();
  private sweepAt = SWEEP_AT;

  /** `resumedAt`: when the game last changed before a restart (ms); undefined for a new game. */
  constructor(private readonly resumedAt?: number) {}

  /** Gain `player` may still claim at `now`, refilling at `perSecond`. */
  left(player: string, perSecond: number, now: number): number {
    const full = perSecond * GAIN_BANK_SECONDS;
    const spent = this.spent.get(player) ?? this.unknown(now);
    if (spent === undefined) return full;
    return Math.min(full, spent.left + (perSecond * Math.max(0, now - spent.at)) / 1000);
  }

  /** A player not held: full, or after a restart as if spent at the last change (one second at least). */
  private unknown(now: number): Spent | undefined {
    if (this.resumedAt === undefined) return undefined;
    return { left: 0, at: Math.min(this.resumedAt, now - 1000) };
  }

  /** Takes each player's gains (applied at `now`) from its allowance. */
  spend(gains: ReadonlyMap<string, number>, perSecond: number, now: number): void {
    for (const [player, gain] of gains) {
      this.spent.set(player, { left: Math.max(0, this.left(player, perSecond, now) - gain), at: now });
    }
    if (this.spent.size > this.sweepAt) {
      const full = perSecond * GAIN_BANK_SECONDS;
      for (const [player] of this.spent) if (this.left(player, perSecond, now) >= full) this.spent.delete(player);
      this.sweepAt = Math.max(SWEEP_AT, this.spent.size * 2);
    }
  }

  /** Players held (whose allowance is not full). */
  get size(): number {
    return this.spent.size;
  }
}
