import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { accepted, type Outcome } from "../../protocol/errors";
import type { ViewSpec } from "../live/views";
import type { GameShard } from "./game-shard";
import { ShardSet, sum } from "./shard-set";
import { ShardViews } from "./shard-views";
import type { ShardSummary } from "./summary";

/**
 * The game object's side of a sharded game: its shards under the current
 * config, config changes pushed to them, what each last told of itself (for
 * the directory), and its live views gathered from them.
 */
export class ShardLink {
  /** Each shard's players on the board, as it last told. */
  private readonly told = new Map<number, number>();
  /** Each shard's first player, as it last told. */
  private readonly leaders = new Map<number, LeaderboardEntry>();
  readonly views = new ShardViews();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly namespace: DurableObjectNamespace<GameShard>) {}

  /** The game's shards; undefined for a game on one object. */
  shards(game: string | undefined, config: GameConfig): ShardSet | undefined {
    return game !== undefined && config.shards > 1 ? new ShardSet(this.namespace, game, config) : undefined;
  }

  /**
   * A config change reaches the shards before the game's object records it:
   * a new count needs them empty (not_empty), and a refusal puts back the
   * count they had. Nothing to do for a game on one object before and after.
   */
  async place(game: string, before: GameConfig, config: GameConfig): Promise<Outcome<null>> {
    if (config.shards === 1 && before.shards === 1) return accepted(null);
    const placed = await new ShardSet(this.namespace, game, config).place(before.shards);
    if (!placed.ok && before.shards > 1) await new ShardSet(this.namespace, game, before).place(config.shards);
    if (placed.ok) {
      this.told.clear();
      this.leaders.clear();
    }
    return placed;
  }

  /** A shard told how it stands. */
  heard({ index, ranked, leader }: ShardSummary): void {
    this.told.set(index, ranked);
    if (leader === undefined) this.leaders.delete(index);
    else this.leaders.set(index, leader);
  }

  /** The game's leader: the best of the shards' leaders (by score, then the earlier ts), as they last told. */
  leader(order: GameConfig["order"]): LeaderboardEntry | undefined {
    const sign = order === "desc" ? -1 : 1;
    const ordered = [...this.leaders.values()].sort((a, b) => sign * (a.score - b.score) || a.ts - b.ts);
    return ordered[0];
  }

  /** The game's players on the board, as its shards last told. */
  get players(): number {
    return sum([...this.told.values()]);
  }

  /** Gathers what the live views (`specs`) watch from a sharded game's shards, before a new view's snapshot. */
  async gather(shards: ShardSet | undefined, specs: ViewSpec[]): Promise<void> {
    if (shards !== undefined) await this.views.refresh(shards.boards(), specs);
  }

  /**
   * Gathers what the live views (`specs`) watch from the shards, then
   * tells the spectators (`changed`). One gathering at a time: asked again meanwhile, one more
   * follows it, so a flush never shows less than the newest change it heard of.
   */
  async refreshViews(shards: ShardSet, spectators: { specs(): ViewSpec[]; changed(): void }): Promise<void> {
    if (this.refreshing !== undefined) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.views.refresh(shards.boards(), spectators.specs());
        spectators.changed();
      } while (this.refreshAgain);
      this.followLater(shards, spectators);
    })()
      // The next change gathers again; a shard that did not answer leaves the views as they were.
      .catch((error) => console.error("live views of a sharded game: gathering from its shards failed", error))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /**
   * Followed players and sets are gathered at most once a second: a change
   * that came sooner is gathered once that second is up, or the views would
   * keep it from spectators until the next change.
   */
  private followLater(shards: ShardSet, spectators: { specs(): ViewSpec[]; changed(): void }): void {
    const due = this.views.followDue;
    if (due === undefined || this.followTimer !== undefined) return;
    this.followTimer = setTimeout(
      () => {
        this.followTimer = undefined;
        // Spectators all gone (or the game deleted): nothing to gather.
        if (spectators.specs().length > 0) void this.refreshViews(shards, spectators);
      },
      Math.max(0, due - Date.now()),
    );
  }
}
