import type { PlayerStanding } from "../../protocol/boards";
import type { Joined } from "../../protocol/competition";
import type { GameConfig } from "../../protocol/config";
import { accepted, found, type Outcome, playerNotFound } from "../../protocol/errors";
import type { GameBoards } from "../game-boards";
import type { PlayerBoard } from "../players/player-board";
import type { ShardSet } from "../shards/shard-set";
import type { Competitor } from "./gates";

/** A player's attempts as standings show them: only on a game with maxAttempts. */
export function attemptsOf(
  competitor: Competitor | undefined,
  { maxAttempts }: Pick<GameConfig, "maxAttempts">,
): { attempts?: number; attemptsLeft?: number } {
  if (maxAttempts === null) return {};
  const attempts = competitor?.attempts ?? 0;
  return { attempts, attemptsLeft: Math.max(0, maxAttempts - attempts) };
}

/**
 * The game object's side of joins and attempts, for one call: a join
 * written where the player is (its own board, or its shard) and answered
 * with the player's standing-to-be, and standings with their attempts.
 */
export class Entrants {
  constructor(
    private readonly local: PlayerBoard,
    private readonly shards: ShardSet | undefined,
    private readonly boards: GameBoards,
    private readonly config: Pick<GameConfig, "maxAttempts">,
    private readonly season: number,
  ) {}

  async join(game: string, player: string): Promise<Outcome<Joined>> {
    const { shards, boards } = this;
    const joined = shards === undefined ? this.local.join(game, player) : await shards.of(player).join(game, player);
    if (!joined.ok) return joined;
    const standing = await boards.standing(player, 0);
    return accepted({
      player,
      season: this.season,
      joinedAt: joined.value.joinedAt as number,
      rank: standing?.rank ?? null,
      score: standing?.score ?? null,
      total: standing?.total ?? (await boards.page(0, 0)).total,
      ...attemptsOf(joined.value, this.config),
    });
  }

  /** A player's standing, with its attempts on a game with maxAttempts; 404 when not on the board. */
  async standing(player: string, around: number): Promise<Outcome<PlayerStanding>> {
    const standing = await this.boards.standing(player, around);
    if (standing === undefined || this.config.maxAttempts === null)
      return found(standing, () => playerNotFound(player));
    return accepted({ ...standing, ...attemptsOf(await this.competitor(player), this.config) });
  }

  private async competitor(player: string): Promise<Competitor | undefined> {
    const { shards } = this;
    return shards === undefined ? this.local.gates.competitor(player) : await shards.of(player).competitor(player);
  }
}
