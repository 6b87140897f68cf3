import type { TieMode } from "../../engine/rules";
import type { LeaderboardEntry } from "../../protocol/boards";
import type { PlacementSource } from "../storage/cohort-places";

/** Entries read per page while catching up with a part staged before a restart. */
const CATCH_UP = 5000;

/**
 * A closed season's standings, each entry with its `cohort` and `cohortRank`,
 * read part by part in board order as the season is staged for its archive.
 * A cohort's order is the board's order, so walking the board once and
 * counting each cohort's members met so far ranks every cohort exactly, at
 * one look-up per part (placements by player, one statement). Each cohort
 * keeps its count, its last rank and last value, in arrays by cohort number
 * (cohorts are numbered from 1 without gaps). Staging resumed mid-way after
 * a restart first walks the parts already written.
 */
export class CohortArchive {
  private next = 0;
  private counts = new Int32Array(0);
  private ranks = new Int32Array(0);
  private scores = new Float64Array(0);
  private subscores = new Float64Array(0);

  constructor(
    private readonly page: (offset: number, limit: number) => LeaderboardEntry[],
    private readonly places: PlacementSource,
    private readonly ties: TieMode,
  ) {}

  /** The entries from `offset`: staging reads on from where it stopped. */
  read(offset: number, limit: number): LeaderboardEntry[] {
    if (!this.places.any) return this.page(offset, limit);
    if (offset < this.next) this.restart();
    while (this.next < offset) if (this.take(this.next, Math.min(CATCH_UP, offset - this.next)).length === 0) break;
    return this.take(offset, limit);
  }

  private take(offset: number, limit: number): LeaderboardEntry[] {
    const entries = this.page(offset, limit);
    const cohorts = this.places.many(entries.map((e) => e.player));
    this.next = offset + entries.length;
    return entries.map((entry) => {
      const cohort = cohorts.get(entry.player);
      return cohort === undefined ? entry : { ...entry, cohort, cohortRank: this.rank(cohort, entry) };
    });
  }

  /** The next member of `cohort` in board order: its rank within the cohort under the game's ties. */
  private rank(cohort: number, entry: LeaderboardEntry): number {
    this.grow(cohort);
    const count = ++this.counts[cohort];
    const subscore = entry.subscore ?? 0;
    const same = count > 1 && this.scores[cohort] === entry.score && this.subscores[cohort] === subscore;
    const rank =
      this.ties === "first"
        ? count
        : same
          ? this.ranks[cohort]
          : this.ties === "dense"
            ? this.ranks[cohort] + 1
            : count;
    this.ranks[cohort] = rank;
    this.scores[cohort] = entry.score;
    this.subscores[cohort] = subscore;
    return rank;
  }

  private grow(cohort: number): void {
    if (cohort < this.counts.length) return;
    const length = Math.max(cohort + 1, this.counts.length * 2, 64);
    const grown = <T extends Int32Array | Float64Array>(old: T, fresh: T) => {
      fresh.set(old);
      return fresh;
    };
    this.counts = grown(this.counts, new Int32Array(length));
    this.ranks = grown(this.ranks, new Int32Array(length));
    this.scores = grown(this.scores, new Float64Array(length));
    this.subscores = grown(this.subscores, new Float64Array(length));
  }

  private restart(): void {
    this.next = 0;
    this.counts.fill(0);
    this.ranks.fill(0);
  }
}
