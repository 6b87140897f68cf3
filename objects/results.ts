import type { Plan } from "../engine/batch-plan";
import type { PlayerState } from "../engine/rules";
import type { Gain } from "../engine/trending";
import type { GameConfig } from "../protocol/config";
import type { PlayerStats } from "../protocol/results";
import { eloChanges, NEW_SKILL, openskillUpdate, type Skill, skillScore } from "./ratings";
import { newStats, type StoredStats } from "./storage/stats";

/** What a batch of results does: the board's new states (rated games), and every player's new stats. */
export interface ResultPlan extends Plan {
  stats: Map<string, StoredStats>;
}

export interface ResultContext {
  config: Pick<GameConfig, "rating" | "elo" | "order">;
  /** The stored stats of the players involved. */
  stats: ReadonlyMap<string, StoredStats>;
  /** A player's state on the board now. */
  scoreOf(player: string): PlayerState | undefined;
  trending: boolean;
  /** On a shard: whether a player is its own; stats and scores are kept for those only. */
  holds?: (player: string) => boolean;
}

/**
 * Plans results in order, each from the state the ones before it left:
 * - for stats, the first group wins, every other group loses, and a result
 *   with one group is a draw;
 * - on a rated game, every player of a result gets a score: its wins, its
 *   ELO rating, or its OpenSkill ordinal (mu - 3 sigma).
 * Pure: nothing is written until the caller persists the plan.
 */
export function planResults(
  results: readonly { groups: string[][]; ts: number }[],
  context: ResultContext,
): ResultPlan {
  const { rating, elo, order } = context.config;
  const rows = new Map<string, StoredStats>();
  const states = new Map<string, PlayerState>();
  const gains: Gain[] = [];
  let rise = 0;
  const sign = order === "desc" ? 1 : -1;
  const statsOf = (player: string, ts: number) => {
    let stats = rows.get(player);
    if (stats === undefined) {
      stats = structuredClone(context.stats.get(player) ?? newStats(ts));
      rows.set(player, stats);
    }
    return stats;
  };
  const initial = rating === "elo" ? elo.initial : rating === "openskill" ? skillScore(NEW_SKILL) : 0;
  const scoreOf = (player: string) => states.get(player)?.score ?? context.scoreOf(player)?.score ?? initial;
  const skillOf = (player: string): Skill => {
    const { mu, sigma } = rows.get(player) as StoredStats;
    return mu === null || sigma === null ? NEW_SKILL : { mu, sigma };
  };

  const holds = context.holds ?? (() => true);
  for (const { groups, ts } of results) {
    const players = groups.flat().filter(holds);
    const before = new Map(players.map((player) => [player, scoreOf(player)]));
    for (const [place, group] of groups.entries()) {
      for (const player of group) {
        if (!holds(player)) continue;
        const stats = statsOf(player, ts);
        stats.played++;
        stats.firstSeen = Math.min(stats.firstSeen, ts);
        stats.lastSeen = Math.max(stats.lastSeen, ts);
        if (groups.length === 1) {
          stats.draws++;
          stats.streak = 0;
        } else if (place === 0) {
          stats.wins++;
          stats.streak = stats.streak > 0 ? stats.streak + 1 : 1;
          stats.bestStreak = Math.max(stats.bestStreak, stats.streak);
        } else {
          stats.losses++;
          stats.streak = stats.streak < 0 ? stats.streak - 1 : -1;
        }
      }
    }
    if (rating === "none") continue;
    const after = new Map<string, number>();
    if (rating === "wins") {
      for (const player of players) after.set(player, (rows.get(player) as StoredStats).wins);
    } else if (rating === "elo") {
      for (const [player, change] of eloChanges(groups, (p) => before.get(p) as number, elo.k)) {
        after.set(player, (before.get(player) as number) + change);
      }
    } else {
      for (const [player, skill] of openskillUpdate(groups, skillOf)) {
        const stats = rows.get(player) as StoredStats;
        stats.mu = skill.mu;
        stats.sigma = skill.sigma;
        after.set(player, skillScore(skill));
      }
    }
    for (const player of players) {
      const score = after.get(player) as number;
      const held = states.get(player) ?? context.scoreOf(player);
      // A result that leaves the score as it was keeps when it was reached: ties stay by who got there first.
      const reached = held !== undefined && held.score === score ? held.ts : ts;
      const state: PlayerState = { player, score, ts: reached };
      if (held?.team !== undefined) state.team = held.team;
      // Results leave a subscore as it was (a new player's counts 0).
      if (held?.subscore !== undefined) state.subscore = held.subscore;
      states.set(player, state);
      const stats = rows.get(player) as StoredStats;
      stats.best = stats.best === null ? score : sign > 0 ? Math.max(stats.best, score) : Math.min(stats.best, score);
      const gain = sign * (score - (before.get(player) as number));
      if (gain > 0) rise += gain;
      if (context.trending) gains.push({ player, ts, gain: gain === 0 ? 0 : gain });
    }
  }
  return { states: [...states.values()], gains, tallies: [], rise, violations: [], stats: rows };
}

/** A player's stats as the API shows them: OpenSkill's mu and sigma only on a game rated by it. */
export function statsOf(player: string, stored: StoredStats, rating: GameConfig["rating"]): PlayerStats {
  const { mu, sigma, attempts, attemptsEpoch, ...rest } = stored;
  const stats: PlayerStats = { player, ...rest };
  if (rating === "openskill" && mu !== null && sigma !== null) stats.rating = { mu, sigma };
  return stats;
}
