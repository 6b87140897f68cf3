// The matches workload's model of one game: every player's rating (the
// textbook ELO, or the openskill package run here) and stats, from the results
// and counters the demo sent.
import { rating as newRating, ordinal, rate } from "openskill";
import type { PlayerStats } from "../../protocol/results";
import { boardOrder } from "./harness";

export const ELO = { k: 32, initial: 1500 };

export type Result = { id: string; ts: number } & (
  | { winner: string; loser: string }
  | { draw: string[] }
  | { placements: string[][] }
);

/** A player's stats as the server keeps them (OpenSkill's rating flattened), but for reports: the demo sends none. */
type Stats = Omit<PlayerStats, "player" | "reports" | "rating"> & { mu?: number; sigma?: number };

/** What the demo sent to one game: each player's rating, stats and counters. */
export class RatingModel {
  readonly score = new Map<string, number>();
  readonly ts = new Map<string, number>();
  readonly stats = new Map<string, Stats>();
  readonly skill = new Map<string, { mu: number; sigma: number }>();

  constructor(readonly rating: "elo" | "openskill") {}

  private statsOf(player: string, ts: number): Stats {
    let stats = this.stats.get(player);
    if (stats === undefined) {
      stats = {
        played: 0,
        wins: 0,
        losses: 0,
        draws: 0,
        streak: 0,
        bestStreak: 0,
        best: null,
        firstSeen: ts,
        lastSeen: ts,
        counters: {},
      };
      this.stats.set(player, stats);
    }
    return stats;
  }

  result(result: Result): void {
    const groups =
      "winner" in result ? [[result.winner], [result.loser]] : "draw" in result ? [result.draw] : result.placements;
    for (const [place, group] of groups.entries()) {
      for (const player of group) {
        const s = this.statsOf(player, result.ts);
        s.played++;
        s.firstSeen = Math.min(s.firstSeen, result.ts);
        s.lastSeen = Math.max(s.lastSeen, result.ts);
        if (groups.length === 1) {
          s.draws++;
          s.streak = 0;
        } else if (place === 0) {
          s.wins++;
          s.streak = s.streak > 0 ? s.streak + 1 : 1;
          s.bestStreak = Math.max(s.bestStreak, s.streak);
        } else {
          s.losses++;
          s.streak = s.streak < 0 ? s.streak - 1 : -1;
        }
      }
    }
    const after = this.rating === "elo" ? this.elo(groups) : this.openskill(groups);
    for (const [player, score] of after) {
      this.score.set(player, score);
      this.ts.set(player, result.ts);
      const s = this.stats.get(player) as Stats;
      s.best = s.best === null ? score : Math.max(s.best, score);
    }
  }

  /** The textbook ELO: each pair of a result is a game with K/(n-1), from the ratings before it. */
  private elo(groups: string[][]): Map<string, number> {
    const players = groups.flatMap((group, place) => group.map((player) => ({ player, place })));
    const before = (p: string) => this.score.get(p) ?? ELO.initial;
    const change = new Map(players.map(({ player }) => [player, 0]));
    const k = ELO.k / (players.length - 1);
    for (let i = 0; i < players.length; i++) {
      for (let j = i + 1; j < players.length; j++) {
        const [a, b] = [players[i], players[j]];
        const expected = 1 / (1 + 10 ** ((before(b.player) - before(a.player)) / 400));
        const actual = a.place < b.place ? 1 : a.place === b.place ? 0.5 : 0;
        const delta = k * (actual - expected);
        change.set(a.player, (change.get(a.player) as number) + delta);
        change.set(b.player, (change.get(b.player) as number) - delta);
      }
    }
    return new Map(players.map(({ player }) => [player, before(player) + (change.get(player) as number)]));
  }

  private openskill(groups: string[][]): Map<string, number> {
    const players = groups.flat();
    const rated = rate(
      players.map((p) => [this.skill.get(p) ?? newRating()]),
      { rank: groups.flatMap((group, place) => group.map(() => place + 1)) },
    );
    return new Map(
      players.map((player, i) => {
        const { mu, sigma } = rated[i][0];
        this.skill.set(player, { mu, sigma });
        const s = this.stats.get(player) as Stats;
        s.mu = mu;
        s.sigma = sigma;
        return [player, ordinal({ mu, sigma })];
      }),
    );
  }

  count(player: string, counters: Record<string, number>): void {
    const s = this.stats.get(player) as Stats;
    for (const [name, n] of Object.entries(counters)) s.counters[name] = (s.counters[name] ?? 0) + n;
  }

  board(): { player: string; score: number }[] {
    return [...this.score]
      .map(([player, score]) => ({ player, score, ts: this.ts.get(player) as number }))
      .sort(boardOrder)
      .map(({ player, score }) => ({ player, score }));
  }
}
