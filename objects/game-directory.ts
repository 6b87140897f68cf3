import { drizzle } from "drizzle-orm/d1";
import { games } from "../worker/db/schema";

export interface DirectoryEntry {
  game: string;
  players: number;
  updatedAt: number;
  createdAt: number;
}

/** At most one D1 write per game per interval, however fast reports arrive. */
const MIN_INTERVAL_MS = 1000;
const RETRY_MS = 5000;

/**
 * Keeps a game's row in the D1 games directory current: the first change is
 * written at once, later ones coalesce into one trailing write per second.
 * D1 is one database shared by every game, so a write per report would cap
 * the whole service near D1's ~1,000 queries/s.
 */
export class DirectoryPublisher {
  private lastWrite = 0;
  private dirty = false;
  private writing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: D1Database,
    private readonly read: () => DirectoryEntry | undefined,
  ) {}

  /** Notes that the game changed; the directory follows within a second. */
  touch(): void {
    this.dirty = true;
    if (this.writing || this.timer !== undefined) return;
    const wait = this.lastWrite + MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) void this.write();
    else this.schedule(wait);
  }

  private schedule(wait: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
  }

  private async write(): Promise<void> {
    // Copy the row before awaiting: other requests run while D1 answers.
    const entry = this.read();
    if (entry === undefined) return;
    this.dirty = false;
    this.writing = true;
    this.lastWrite = Date.now();
    try {
      await drizzle(this.db)
        .insert(games)
        .values(entry)
        .onConflictDoUpdate({
          target: games.game,
          set: { players: entry.players, updatedAt: entry.updatedAt },
        });
    } catch (error) {
      console.error(`games directory: writing ${entry.game} failed, retrying`, error);
      this.dirty = true;
      this.lastWrite = Date.now() + RETRY_MS - MIN_INTERVAL_MS;
    } finally {
      this.writing = false;
    }
    if (this.dirty) this.touch();
  }
}
