import { describe, expect, it } from "vitest";
import type { TieMode } from "../../engine/rules";
import { CohortArchive } from "../../objects/cohorts/archive-ranks";
import { rankCohort } from "../../objects/cohorts/cohort-ranks";
import type { LeaderboardEntry } from "../../protocol/boards";

/** A board of `n` players in board order, scores falling by one every `run` players (equal runs tie). */
function board(n: number, run: number, ties: TieMode): LeaderboardEntry[] {
  const entries: LeaderboardEntry[] = [];
  for (let i = 0; i < n; i++) {
    const score = 1000 - Math.floor(i / run);
    const previous = entries.at(-1);
    const same = previous !== undefined && previous.score === score;
    const rank =
      ties === "first" || !same
        ? ties === "dense"
          ? (previous?.rank ?? 0) + (same ? 0 : 1)
          : i + 1
        : (previous as LeaderboardEntry).rank;
    entries.push({ rank, player: `p${i}`, score, ts: i });
  }
  return entries;
}

/** Cohorts by a scattered arrival order: player i's cohort. */
const cohortOf = (i: number) => ((i * 7919) % 13) + 1;

describe("cohort ranks", () => {
  for (const ties of ["first", "shared", "dense"] as const) {
    it(`agree between a read (rankCohort) and the archive's walk, resumed mid-way (${ties})`, () => {
      const entries = board(600, 3, ties);
      const places = {
        any: true,
        many: (players: readonly string[]) => new Map(players.map((p) => [p, cohortOf(Number(p.slice(1)))])),
      };
      const page = (offset: number, limit: number) => entries.slice(offset, offset + limit);
      const walked = [0, 1, 2, 3, 4, 5].flatMap((part) => new CohortArchive(page, places, ties).read(part * 100, 100));
      const fresh = new CohortArchive(page, places, ties);
      const straight = [0, 1, 2, 3, 4, 5].flatMap((part) => fresh.read(part * 100, 100));
      expect(walked).toEqual(straight);
      for (let cohort = 1; cohort <= 13; cohort++) {
        const members = entries.filter((e) => cohortOf(Number(e.player.slice(1))) === cohort);
        const ranked = rankCohort(
          [...members].reverse().map((e) => ({ ...e })),
          ties,
        );
        expect(ranked.map((e) => e.globalRank)).toEqual(members.map((e) => e.rank));
        const archived = straight.filter((e) => e.cohort === cohort);
        expect(archived.map((e) => [e.player, e.cohortRank])).toEqual(ranked.map((e) => [e.player, e.rank]));
      }
    });
  }

  it("ranks by the tie mode: first 1,2,3; shared 1,1,3; dense 1,1,2", () => {
    const members = () => [
      { rank: 4, player: "c", score: 5, ts: 3 },
      { rank: 1, player: "a", score: 9, ts: 1 },
      { rank: 1, player: "b", score: 9, ts: 2 },
    ];
    expect(rankCohort(members(), "first").map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(rankCohort(members(), "shared").map((e) => e.rank)).toEqual([1, 1, 3]);
    expect(rankCohort(members(), "dense").map((e) => e.rank)).toEqual([1, 1, 2]);
  });

  it("passes a closed season without placements through untouched", () => {
    const entries = board(10, 1, "first");
    const archive = new CohortArchive(
      (o, l) => entries.slice(o, o + l),
      { any: false, many: () => new Map() },
      "first",
    );
    expect(archive.read(0, 10)).toEqual(entries);
  });
});
