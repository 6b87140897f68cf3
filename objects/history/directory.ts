import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { games } from "../../protocol/d1-schema";
import { gameKind } from "../../protocol/game-kind";

/** The games row: the game's size and activity, and what the home page shows of it. */
export type DirectoryEntry = typeof games.$inferInsert;

/** What a game's object knows of itself for its row. */
export interface DirectoryFacts {
  players: number;
  leader: LeaderboardEntry | undefined;
  season: number;
  spectators: number;
}

/** The game's row; undefined before the game exists. */
export function directoryRow(
  { game, updatedAt, createdAt, config }: { game?: string; updatedAt: number; createdAt: number; config: GameConfig },
  { players, leader, season, spectators }: DirectoryFacts,
): DirectoryEntry | undefined {
  if (game === undefined) return undefined;
  return {
    ...{ game, players, updatedAt, createdAt, spectators },
    kind: gameKind(config),
    leader: leader?.player ?? null,
    leaderName: leader?.name ?? null,
    leaderCountry: leader?.country ?? null,
    leaderScore: leader?.score ?? null,
    // A game with no seasons is in one endless season: no number worth showing.
    season: config.season === null ? null : season,
  };
}

/** At most one D1 write per game per interval, however fast reports arrive. */
const MIN_INTERVAL_MS = 1000;
const RETRY_MS = 5000;
/**
 * Spectators alone (no board change) are written at most this often: a
 * popular game's sockets come and go all the time, and its count is only a
 * hint on the home page.
 */
export const SPECTATORS_INTERVAL_MS = 10_000;

/**
 * Keeps a game's row in the D1 games directory current: the first change is
 * written at once, later ones coalesce into one trailing write per second.
 * D1 is one database shared by every game, so a write per report would cap
 * the whole service near D1's ~1,000 queries/s.
 */
export class DirectoryPublisher {
  private lastWrite = 0;
  private dirty = false;
  private paused = false;
  private writing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;

  constructor(
    private readonly db: D1Database,
    private readonly read: () => DirectoryEntry | undefined,
  ) {}

  /**
   * Notes that the game changed; the directory follows within `interval`
   * (a second for the board, SPECTATORS_INTERVAL_MS for spectators). A
   * sooner change brings a later pending write forward.
   */
  changed(interval = MIN_INTERVAL_MS): void {
    this.dirty = true;
    if (this.paused || this.writing !== undefined) return;
    const due = this.lastWrite + interval;
    if (this.timer !== undefined) {
      if (this.timerAt <= due) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const wait = due - Date.now();
    if (wait <= 0) void this.write();
    else this.schedule(wait);
  }

  /**
   * Runs `work` with no directory write in flight or starting (changes only
   * mark the row dirty), then writes again, forgetting the changes made
   * meanwhile. Call it outside blockConcurrencyWhile: a write's answer cannot
   * reach an object whose input gate is closed, so waiting for it inside
   * never returns.
   */
  async pausedFor<T>(work: () => Promise<T>): Promise<T> {
    this.paused = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.writing;
      return await work();
    } finally {
      this.paused = false;
      this.dirty = false;
    }
  }

  /** Deletes the game's row. */
  async remove(game: string): Promise<void> {
    await drizzle(this.db).delete(games).where(eq(games.game, game));
  }

  private schedule(wait: number): void {
    this.timerAt = Date.now() + wait;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
  }

  private write(): Promise<void> {
    this.writing = this.writeRow().finally(() => {
      this.writing = undefined;
      if (this.dirty) this.changed();
    });
    return this.writing;
  }

  private async writeRow(): Promise<void> {
    // Copy the row before awaiting: other requests run while D1 answers.
    const entry = this.read();
    this.dirty = false;
    // A game deleted (or not yet created) has no row to write; its next change asks again.
    if (entry === undefined) return;
    this.lastWrite = Date.now();
    try {
      await drizzle(this.db)
        .insert(games)
        .values(entry)
        .onConflictDoUpdate({ target: games.game, set: changesOf(entry) });
    } catch (error) {
      console.error(`games directory: writing ${entry.game} failed, retrying`, error);
      this.dirty = true;
      this.lastWrite = Date.now() + RETRY_MS - MIN_INTERVAL_MS;
    }
  }
}

/** What a later write changes of the row: all but its key and creation time. */
function changesOf({ game: _, createdAt: __, ...changes }: DirectoryEntry): Partial<DirectoryEntry> {
  return changes;
}
