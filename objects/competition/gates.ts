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
import type { Competitor, CompetitorsTable } from "../storage/competitors";

/** What the gates read of a game's config. */
export type GateRules = Pick<GameConfig, "open" | "join" | "maxAttempts">;

/** Whether a game gates its writes at all. */
export const gated = ({ open, join, maxAttempts }: GateRules): boolean => open !== null || join || maxAttempts !== null;

/** Whether a game keeps joins and attempts that each batch reads and writes. */
const counting = ({ join, maxAttempts }: GateRules): boolean => join || maxAttempts !== null;

/** A batch the gates let through: what to record in its transaction (see Gates.record). */
export interface Passage {
  /** Each player's accepted reports in the batch (empty for results, and on a game that does not count). */
  attempts: Map<string, number>;
  /** The batch's players' rows as read for the check. */
  before: Map<string, Competitor>;
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
  constructor(private readonly competitors: CompetitorsTable) {}

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
    const before = this.competitors.many([...new Set(items.flatMap(playersOf))]);
    const passage: Passage = { attempts: new Map(), before };
    if (!counting(rules)) return accepted(passage);
    if (rules.join) {
      const strangers = named(items, playersOf, positions, (player) =>
        before.get(player)?.joinedAt == null ? "has not joined this season" : undefined,
      );
      if (strangers.length > 0) return refused(notJoined(strangers));
    }
    if (!attempt) return accepted(passage);
    const { maxAttempts } = rules;
    const over = named(items, playersOf, positions, (player) => {
      const used = (before.get(player)?.attempts ?? 0) + (passage.attempts.get(player) ?? 0) + 1;
      passage.attempts.set(player, (passage.attempts.get(player) ?? 0) + 1);
      return maxAttempts !== null && used > maxAttempts
        ? `attempt ${used} of at most ${maxAttempts} this season`
        : undefined;
    });
    return over.length > 0 ? refused(attemptsExhausted(over)) : accepted(passage);
  }

  /** Records a batch let through; `onBoard`: its players now on the board. Call inside the batch's transaction. */
  record(passage: Passage, onBoard: readonly string[]): void {
    this.competitors.record(passage.attempts, onBoard, passage.before);
  }

  /** A player's row this season, or undefined. */
  competitor(player: string): Competitor | undefined {
    return this.competitors.many([player]).get(player);
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
