import type { LeaderboardEntry } from "../../protocol/boards";

/** What a shard tells its game's object after its board changed. */
export interface ShardSummary {
  index: number;
  /** Its players on the board. */
  ranked: number;
  /** When its board last changed. */
  updatedAt: number;
  /** Its first player, named (the game's leader is the best of its shards' leaders). */
  leader?: LeaderboardEntry;
}

/**
 * Tells the game's object of a shard's changes, at most once per interval
 * however fast they come: the first change starts the wait, and the one
 * message at its end says how the shard stands then. The pending timer keeps
 * the shard awake only while changes come.
 */
export class SummaryNotice {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: () => Promise<void>) {}

  changed(everyMs: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      try {
        await this.send();
      } catch (error) {
        // The next change tells again; until then the game's directory and samples wait.
        console.error("shard: telling the game's object of a change failed", error);
      }
    }, everyMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
