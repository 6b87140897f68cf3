import type { GameConfig } from "../../protocol/config";
import type { CohortPlaces, Placement } from "../storage/cohort-places";

/**
 * A game's cohorts (buckets): where each player of the open season is
 * placed. A player is placed once a season, at its first report (or join),
 * in the newest cohort with room (1, 2, ...), in arrival order. Placements
 * live in SQLite only, written in the transaction of the write that placed
 * them; memory holds the newest cohort's number and size (CohortPlaces).
 * A game without cohorts pays one check per write.
 */
export class Cohorts {
  constructor(
    private readonly places: CohortPlaces,
    private readonly config: () => Pick<GameConfig, "cohorts" | "ties">,
  ) {}

  /** Whether the game has cohorts: reads show them only then. */
  get on(): boolean {
    return this.config().cohorts !== null;
  }

  /** How a cohort's equal values rank: the game's own ties. */
  get ties(): GameConfig["ties"] {
    return this.config().ties;
  }

  /**
   * Places the players of a write that are new to the board (`knows`: the
   * board before the write), in order; call inside the write's transaction.
   * Players placed before (by a join, or before they left the board) keep
   * their cohort.
   */
  arrived(players: readonly { player: string }[], knows: (player: string) => boolean): void {
    const settings = this.config().cohorts;
    if (settings === null) return;
    const arrivals = players.flatMap(({ player }) => (knows(player) ? [] : [player]));
    if (arrivals.length > 0) this.placeAll(arrivals, settings.size);
  }

  /** Places one player unless it has a cohort already (a join); call inside that write's transaction. */
  place(player: string): void {
    const settings = this.config().cohorts;
    if (settings !== null) this.placeAll([player], settings.size);
  }

  /** A player's cohort, on a game with cohorts. */
  cohortOf(player: string): number | undefined {
    return this.on ? this.places.cohortOf(player) : undefined;
  }

  /** Whether cohort `n` has been opened this season. */
  exists(cohort: number): boolean {
    return this.on && cohort >= 1 && cohort <= this.places.newest().cohort;
  }

  /** The game info's `cohorts`: how many the open season has opened (the newest one's number); none without cohorts. */
  info(): { cohorts?: number } {
    return this.on ? { cohorts: this.places.newest().cohort } : {};
  }

  /** A cohort's players this season (those off the board too). */
  members(cohort: number): string[] {
    return this.exists(cohort) ? this.places.members(cohort) : [];
  }

  private placeAll(players: readonly string[], size: number): void {
    const placed = this.places.placedAmong(players);
    let { cohort, members } = this.places.newest();
    const placements: Placement[] = [];
    for (const player of players) {
      if (placed.has(player)) continue;
      if (cohort === 0 || members >= size) {
        cohort++;
        members = 0;
      }
      members++;
      placed.add(player);
      placements.push([player, cohort]);
    }
    this.places.write(placements);
  }
}
