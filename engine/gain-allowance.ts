/** Seconds of gain a player may bank: what one report may claim after a long pause. */
export const GAIN_BANK_SECONDS = 3600;

/**
 * Seconds of gain a charge may leave unrecorded: one that leaves the player
 * this close to a full bank is held in memory only, so a restart (or letting
 * the player go from memory) gives back at most this much.
 */
export const GAIN_SLACK_SECONDS = 60;

/** Players held in memory past which those not recorded are let go, oldest first. */
const HELD_LIMIT = 50_000;

/** A player's allowance as last charged. */
export interface Spent {
  /** Allowance left at `at`, in score units. */
  left: number;
  /** Server time (ms) of the charge. */
  at: number;
}

/** A batch's charges: every player's allowance after it, and those worth recording with the batch. */
export interface Charges {
  all: Map<string, Spent>;
  record: Map<string, Spent>;
}

/**
 * Each player's allowance of gain on the server's clock: it refills at the
 * game's maxGainPerSecond and holds at most GAIN_BANK_SECONDS of it. Report
 * ts are the sender's to choose, so the per-report check by ts alone lets a
 * sender invent time (a report stamped long ago, or many with one ts); this
 * bounds what any run of reports gains by the time that really passed.
 *
 * A charge that leaves more than GAIN_SLACK_SECONDS short of a full bank is
 * recorded (the object writes it to SQLite with the batch, and hands the
 * records back after a restart); lighter ones live in memory only. Honest
 * players reporting at their pace stay near full and cost no write.
 */
export class GainAllowance {
  /** Players charged, in charge order; `recorded` marks those the store holds. */
  private readonly held = new Map<string, Spent & { recorded: boolean }>();

  /** `recorded`: the charges the store holds, read back after a restart. */
  constructor(recorded: ReadonlyMap<string, Spent> = new Map()) {
    for (const [player, spent] of recorded) this.held.set(player, { ...spent, recorded: true });
  }

  /** Gain `player` may still claim at `now`, refilling at `perSecond`. */
  left(player: string, perSecond: number, now: number): number {
    const full = perSecond * GAIN_BANK_SECONDS;
    const spent = this.held.get(player);
    if (spent === undefined) return full;
    return Math.min(full, spent.left + (perSecond * Math.max(0, now - spent.at)) / 1000);
  }

  /** What charging each player's gains at `now` leaves; record `record` with the batch, then `remember`. */
  charge(gains: ReadonlyMap<string, number>, perSecond: number, now: number): Charges {
    const charges: Charges = { all: new Map(), record: new Map() };
    const slackFloor = perSecond * (GAIN_BANK_SECONDS - GAIN_SLACK_SECONDS);
    for (const [player, gain] of gains) {
      const spent = { left: Math.max(0, this.left(player, perSecond, now) - gain), at: now };
      charges.all.set(player, spent);
      if (spent.left < slackFloor) charges.record.set(player, spent);
    }
    return charges;
  }

  /** Holds a batch's charges (made at `now`), once recorded. */
  remember(charges: Charges, now: number): void {
    for (const [player, spent] of charges.all) {
      // A recorded row stays the player's floor until a later one replaces it (the sweep drops it after the bank).
      const recorded = charges.record.has(player) || this.held.get(player)?.recorded === true;
      this.held.delete(player);
      this.held.set(player, { ...spent, recorded });
    }
    if (this.held.size <= HELD_LIMIT) return;
    // The oldest go first, down to half, so this runs once per many batches: unrecorded ones, and
    // recorded ones charged a bank ago, which are full again whatever they held.
    const refilled = now - GAIN_BANK_SECONDS * 1000;
    for (const [player, spent] of this.held) {
      if (this.held.size <= HELD_LIMIT / 2) break;
      if (!spent.recorded || spent.at <= refilled) this.held.delete(player);
    }
  }

  /** Players held in memory. */
  get size(): number {
    return this.held.size;
  }
}
