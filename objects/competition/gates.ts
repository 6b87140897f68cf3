import { isOpen } from "../../protocol/competition";
import type { GameConfig } from "../../protocol/config";
import {
  type ApiError,
  accepted,
  attemptsExhausted,
  type GateDetail,
  gameClosed,
  notJoined,
  type Outcome,
  refused,
} from "../../protocol/errors";
import type { CompetitorsTable, JoinRow } from "../storage/competitors";
import type { StatsTable } from "../storage/stats";

/** A player's part in the open season: its join (see JoinRow) and its accepted reports. */
export interface Competitor extends JoinRow {
  attempts: number;
}

/** What the gates read of a game's config. */
export type GateRules = Pick<GameConfig, "open" | "join" | "maxAttempts">;

/** Whether a game gates its writes at all. */
export const gated = ({ open, join, maxAttempts }: GateRules): boolean => open !== null || join || maxAttempts !== null;

/** A batch the gates let through: what they read, for its transaction (see Gates.record). */
export interface Passage {
  /** The batch's players' joins, as read for the check (empty on a game without joins or places held). */
  joins: Map<string, JoinRow>;
}

/**
 * The competition's gates on a batch of fresh items (duplicates passed by
 * already), in this order, the first that refuses answering for the whole
 * batch: the opening hours (409 game_closed), joining (403 not_joined, each
 * item named by its position in the batch with its player) and attempts
 * (409 attempts_exhausted, each report beyond its player's attempts named
 * alike). A shard checks its own players only, so refusals of a sharded
 * batch's parts merge into the one the game on one object gives (see
 * worker/shards.ts). Invariant: a game without gates or waiting joins reads
 * and writes no row here.
 */
export class Gates {
  constructor(
    private readonly competitors: CompetitorsTable,
    private readonly stats: StatsTable,
  ) {}

  /**
   * Checks `items` (`positions`: their places in the batch as sent);
   * `attempt`: whether they are reports, which count as attempts.
   */
  check<T>(
    rules: GateRules,
    items: readonly T[],
    playersOf: (item: T) => readonly string[],
    attempt: boolean,
    positions: readonly number[],
    now: number,
  ): Outcome<Passage | undefined> {
    if (items.length === 0 || (!gated(rules) && this.competitors.pending === 0)) return accepted(undefined);
    if (!isOpen(rules.open, now)) return refused(gameClosed(rules.open ?? {}, now));
    const players = [...new Set(items.flatMap(playersOf))];
    const joins = rules.join || this.competitors.pending > 0 ? this.competitors.many(players) : new Map();
    const passage: Passage = { joins };
    if (rules.join) {
      const strangers = named(items, playersOf, positions, (player) =>
        joins.get(player)?.joinedAt == null ? "has not joined this season" : undefined,
      );
      if (strangers.length > 0) return refused(notJoined(strangers));
    }
    const { maxAttempts } = rules;
    if (!attempt || maxAttempts === null) return accepted(passage);
    const season = this.competitors.season;
    // Only players whose bound, with this batch, could pass maxAttempts need their attempts read.
    const sent = new Map<string, number>();
    for (const item of items) for (const player of playersOf(item)) sent.set(player, (sent.get(player) ?? 0) + 1);
    const near = players.filter((p) => this.stats.attemptBound(p, season) + (sent.get(p) ?? 0) > maxAttempts);
    const counted = this.stats.attempts(near, season);
    const used = new Map<string, number>();
    const over = named(items, playersOf, positions, (player) => {
      const attempts = (used.get(player) ?? counted.get(player) ?? 0) + 1;
      used.set(player, attempts);
      return attempts > maxAttempts ? `attempt ${attempts} of at most ${maxAttempts} this season` : undefined;
    });
    return over.length > 0 ? refused(attemptsExhausted(over)) : accepted(passage);
  }

  /** Records a batch let through; `onBoard`: its players now on the board. Call inside the batch's transaction. */
  record(passage: Passage, onBoard: readonly string[]): void {
    this.competitors.settle(onBoard, passage.joins);
  }

  /** A player's join and attempts this season, or undefined when it has neither. */
  competitor(player: string): Competitor | undefined {
    const join = this.competitors.many([player]).get(player);
    const attempts = this.stats.attempts([player], this.competitors.season).get(player) ?? 0;
    if (join === undefined && attempts === 0) return undefined;
    return { joinedAt: join?.joinedAt ?? null, pending: join?.pending ?? false, attempts };
  }
}

/** Each item's players that `why` names a reason for, by the item's place in the batch, in batch order. */
function named<T>(
  items: readonly T[],
  playersOf: (item: T) => readonly string[],
  positions: readonly number[],
  why: (player: string) => string | undefined,
): GateDetail[] {
  const details: GateDetail[] = [];
  for (const [i, item] of items.entries()) {
    for (const player of playersOf(item)) {
      const reason = why(player);
      if (reason !== undefined) details.push({ index: positions[i], player, reason });
    }
  }
  return details;
}

/** Refusals the gates give, first to last: a sharded batch's parts answer the first any part gives. */
export const GATE_CODES: readonly string[] = ["game_closed", "not_joined", "attempts_exhausted"];

/** Whether an error is one the gates give. */
export const isGateRefusal = (error: ApiError): boolean => GATE_CODES.includes(error.code);
