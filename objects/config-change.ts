import { type GameConfig, type GameConfigPatch, MAX_PLAYERS_LIMIT } from "../protocol/config";
import {
  accepted,
  aggregateLocked,
  invalidRequest,
  needsOneShard,
  notEmpty,
  type Outcome,
  ratingLocked,
  refused,
  seasonStillHeld,
  tiebreakLocked,
} from "../protocol/errors";

/**
 * The config after `patch`, or why the change is refused:
 * - how scores aggregate, how equal scores order (tiebreak), how the game is rated and how many shards hold it
 *   are fixed once the board has players (`players`: every player this
 *   object knows; a sharded game's shards check their own), and the shard
 *   count also while a closed season's board is held until its standings
 *   are gathered (`gathering`: by the shards, or by the game's object);
 * - each shard holds at most MAX_PLAYERS_LIMIT players;
 * - a gain bound on a board where lower is better needs a max (a first
 *   report gains from the worst score allowed, which would otherwise be 0,
 *   the best);
 * - cohorts are turned on only while the board is empty;
 * - ratings that need every player of a result in one object, dense ties
 *   and cohorts are refused on a sharded game.
 */
export function changeConfig(
  config: GameConfig,
  patch: GameConfigPatch,
  players: number,
  gathering?: number,
): Outcome<GameConfig> {
  if (patch.aggregate !== undefined && patch.aggregate !== config.aggregate && players > 0) {
    return refused(aggregateLocked(players));
  }
  if (patch.rating !== undefined && patch.rating !== config.rating && players > 0) {
    return refused(ratingLocked(players));
  }
  // Stored states hold a subscore exactly when the game has a tiebreak.
  if (patch.tiebreak !== undefined && !sameTiebreak(patch.tiebreak, config.tiebreak) && players > 0) {
    return refused(tiebreakLocked(players));
  }
  if (patch.shards !== undefined && patch.shards !== config.shards && players > 0) {
    return refused(notEmpty(players, "shards"));
  }
  if (patch.shards !== undefined && patch.shards !== config.shards && gathering !== undefined) {
    return refused(seasonStillHeld(gathering));
  }
  // Players already on the board arrived before cohorts: none would have a place.
  if (patch.cohorts && config.cohorts === null && players > 0) return refused(notEmpty(players, "cohorts"));
  const changed = { ...config, ...patch };
  if (changed.maxPlayers > changed.shards * MAX_PLAYERS_LIMIT) {
    const most = (changed.shards * MAX_PLAYERS_LIMIT).toLocaleString("en-US");
    return refused(
      invalidRequest(`maxPlayers is more than ${changed.shards} shards hold (${most}); raise shards`, [
        { path: "maxPlayers", message: `at most ${MAX_PLAYERS_LIMIT} per shard` },
      ]),
    );
  }
  if (changed.order === "asc" && changed.bounds.maxGainPerSecond !== undefined && changed.bounds.max === undefined) {
    return refused(
      invalidRequest("bounds.maxGainPerSecond on a board where lower is better needs bounds.max", [
        { path: "bounds.max", message: "needed with maxGainPerSecond when order is asc" },
      ]),
    );
  }
  // ELO and OpenSkill move every player of a result by the others' ratings, which other shards hold.
  if (changed.shards > 1 && (changed.rating === "elo" || changed.rating === "openskill")) {
    return refused(needsOneShard(`rating: ${changed.rating}`));
  }
  // A dense rank counts the distinct values better across every shard, which no shard's counts add up to.
  if (changed.shards > 1 && changed.ties === "dense") return refused(needsOneShard("ties: dense"));
  // Placing players in arrival order needs one place that sees every arrival.
  if (changed.shards > 1 && changed.cohorts !== null) return refused(needsOneShard("cohorts"));
  return accepted(changed);
}

function sameTiebreak(a: GameConfig["tiebreak"], b: GameConfig["tiebreak"]): boolean {
  return a?.order === b?.order;
}
