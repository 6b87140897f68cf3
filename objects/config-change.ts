import type { GameConfig, GameConfigPatch } from "../protocol/config";
import { accepted, aggregateLocked, invalidRequest, type Outcome, ratingLocked, refused } from "../protocol/errors";

/**
 * The config after `patch`, or why the change is refused: how scores
 * aggregate and how the game is rated are fixed once the board has players
 * (`players`: every player it knows), and a gain bound on a board where lower
 * is better needs a max (a first report gains from the worst score allowed,
 * which would otherwise be 0, the best).
 */
export function changeConfig(config: GameConfig, patch: GameConfigPatch, players: number): Outcome<GameConfig> {
  if (patch.aggregate !== undefined && patch.aggregate !== config.aggregate && players > 0) {
    return refused(aggregateLocked(players));
  }
  if (patch.rating !== undefined && patch.rating !== config.rating && players > 0) {
    return refused(ratingLocked(players));
  }
  const changed = { ...config, ...patch };
  if (changed.order === "asc" && changed.bounds.maxGainPerSecond !== undefined && changed.bounds.max === undefined) {
    return refused(
      invalidRequest("bounds.maxGainPerSecond on a board where lower is better needs bounds.max", [
        { path: "bounds.max", message: "needed with maxGainPerSecond when order is asc" },
      ]),
    );
  }
  return accepted(changed);
}
