import { Epochs } from "./epochs";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";

/** A player's cohort: placed once per season (see objects/cohorts/placement.ts). */
export type Placement = readonly [player: string, cohort: number];

/** Where a closed season's placements come from while its standings are archived. */
export interface PlacementSource {
  /** Whether the season placed anyone: when not, its standings carry no cohort and cost nothing more. */
  readonly any: boolean;
  many(players: readonly string[]): Map<string, number>;
}

/**
 * The open season's placements (player -> cohort) in the object's SQLite,
 * never in the ranked memory: a game holds up to a million players, and its
 * reads need one cohort (at most 1000 members) or one player at a time.
 * Rows are keyed by epoch, which a season close advances (`retire`), so the
 * closed season's placements stay readable while its standings are archived
 * and go in release steps after, as the players' meta does.
 */
export class CohortPlaces {
  private readonly epochs: Epochs;
  /** Whether the retired epoch placed anyone. */
  private retiredAny: boolean;
  /** The open season's newest cohort, read once after a start or a removal, then kept by `write`. */
  private top: { cohort: number; members: number } | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
    meta: MetaTable,
  ) {
    this.epochs = new Epochs(sql, meta, "cohort_places", "cohortEpoch", schema.exists);
    this.retiredAny = schema.exists && this.epochs.holdsRowsOf(this.epoch - 1);
  }

  /** The newest cohort of the open season and how many it holds; 0 and 0 before anyone is placed. */
  newest(): { readonly cohort: number; readonly members: number } {
    this.top ??= this.readNewest();
    return this.top;
  }

  private readNewest(): { cohort: number; members: number } {
    if (!this.schema.exists) return { cohort: 0, members: 0 };
    const row = this.sql
      .exec<{ cohort: number; members: number }>(
        "SELECT cohort, COUNT(*) AS members FROM cohort_places WHERE epoch = ? GROUP BY cohort ORDER BY cohort DESC LIMIT 1",
        this.epoch,
      )
      .toArray()[0];
    return row ?? { cohort: 0, members: 0 };
  }

  /** Which of `players` the open season has placed, in one statement. */
  placedAmong(players: readonly string[]): Set<string> {
    return new Set(this.read(this.epoch, players).keys());
  }

  /** A player's cohort in the open season. */
  cohortOf(player: string): number | undefined {
    if (!this.schema.exists) return undefined;
    return this.sql
      .exec<{ cohort: number }>("SELECT cohort FROM cohort_places WHERE epoch = ? AND player = ?", this.epoch, player)
      .toArray()[0]?.cohort;
  }

  /** A cohort's players in the open season (those off the board too). */
  members(cohort: number): string[] {
    if (!this.schema.exists) return [];
    const rows = this.sql.exec<{ player: string }>(
      "SELECT player FROM cohort_places WHERE epoch = ? AND cohort = ?",
      this.epoch,
      cohort,
    );
    return rows.toArray().map((r) => r.player);
  }

  /**
   * Records placements, each in the newest cohort or the one after it; call
   * inside the transaction of the write that placed them. One statement for all.
   */
  write(placements: readonly Placement[]): void {
    if (placements.length === 0) return;
    const top = { ...this.newest() };
    for (const [, cohort] of placements) {
      if (cohort === top.cohort) top.members++;
      else Object.assign(top, { cohort, members: 1 });
    }
    this.top = top;
    this.sql.exec(
      "INSERT OR REPLACE INTO cohort_places (epoch, player, cohort) SELECT ?, value ->> 0, value ->> 1 FROM jsonb_each(jsonb(?))",
      this.epoch,
      JSON.stringify(placements),
    );
  }

  /** Forgets a player's placement (the player was removed); call inside that transaction. */
  delete(player: string): void {
    if (!this.schema.exists) return;
    this.sql.exec("DELETE FROM cohort_places WHERE epoch = ? AND player = ?", this.epoch, player);
    // The newest cohort may have shrunk, or gone: read again, as a restart would.
    this.top = undefined;
  }

  /** The placements of the season retired by the last close, while its standings are archived. */
  get retired(): PlacementSource {
    return { any: this.retiredAny, many: (players) => this.read(this.epoch - 1, players) };
  }

  /** A season closed: the next one places afresh. Call inside the close's transaction. */
  retire(): void {
    this.retiredAny = this.epochs.holdsRowsOf(this.epoch);
    this.epochs.retire(this.retiredAny);
    this.top = { cohort: 0, members: 0 };
  }

  /** Whether rows of a retired season remain (see `releaseStep`). */
  get retaining(): boolean {
    return this.epochs.retaining;
  }

  /** Drops some rows of retired seasons (their standings are archived); true while more remain. */
  releaseStep(): boolean {
    return this.epochs.releaseStep();
  }

  private read(epoch: number, players: readonly string[]): Map<string, number> {
    const found = new Map<string, number>();
    if (players.length === 0 || !this.schema.exists) return found;
    const rows = this.sql.exec<{ player: string; cohort: number }>(
      "SELECT player, cohort FROM cohort_places WHERE epoch = ? AND player IN (SELECT value FROM json_each(?))",
      epoch,
      JSON.stringify(players),
    );
    for (const { player, cohort } of rows) found.set(player, cohort);
    return found;
  }

  private get epoch(): number {
    return this.epochs.epoch;
  }
}
