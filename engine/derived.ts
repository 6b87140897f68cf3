import { GroupBoard, type PlayerAccess } from "./groups";
import { MvpBoard } from "./mvps";
import { type Gain, Trending, type TrendRules } from "./trending";

export interface TeamStanding {
  rank: number;
  team: string;
  score: number;
  members: number;
  ts: number;
}

export interface CountryStanding {
  rank: number;
  country: string;
  score: number;
  players: number;
  ts: number;
}

export interface MvpEntry {
  rank: number;
  team: string;
  player: string;
  score: number;
  teamScore: number;
  share: number;
}

export interface TrendingEntry {
  rank: number;
  player: string;
  hotness: number;
  short: number;
  long: number;
  team?: string;
}

/** What the derived boards read of the players board beyond PlayerAccess. */
export interface BoardAccess extends PlayerAccess {
  teamOf(slot: number): number;
  countryOf(slot: number): number;
  playerOf(slot: number): string;
  /** The player's 1-based rank on the players board. */
  rankOf(slot: number): number;
  find(player: string): number;
  ties(): "first" | "shared";
}

/**
 * The boards a game derives from its players: teams and countries (groups
 * ranked by their members' sums), team MVPs, and trending players. The
 * players board tells them of every player joining or leaving it, and they
 * never scan it, but after a load or a change of rules.
 */
export class DerivedBoards {
  readonly teams: GroupBoard;
  readonly countries: GroupBoard;
  private readonly mvps: MvpBoard;
  private trending: Trending | undefined;

  constructor(
    private readonly board: BoardAccess,
    ascending: () => boolean,
    trend: TrendRules | undefined,
  ) {
    this.mvps = new MvpBoard(board, ascending);
    this.teams = new GroupBoard(board, (slot) => board.teamOf(slot), ascending, this.mvps);
    this.mvps.watch(this.teams);
    this.countries = new GroupBoard(board, (slot) => board.countryOf(slot), ascending);
    this.trending = trend === undefined ? undefined : new Trending(trend);
  }

  /** With `later`, the groups wait for `settle` (a batch settles once at its end). */
  join(slot: number, later = false): void {
    this.teams.join(slot, later);
    this.countries.join(slot, later);
  }

  /** With `rejoining`, groups wait for the player's `join` (or `settle`) to be ranked again. */
  leave(slot: number, rejoining = false): void {
    this.teams.leave(slot, rejoining);
    this.countries.leave(slot, rejoining);
  }

  /** A changed player did not come back on the board: rank its groups again. */
  settle(): void {
    this.teams.settle();
    this.countries.settle();
  }

  /** A player left the game for good (its slot may be reused). */
  forget(slot: number): void {
    this.trending?.forget(slot);
  }

  rebuild(boardOrder: ArrayLike<number>): void {
    this.teams.rebuild(boardOrder);
    this.countries.rebuild(boardOrder);
    this.mvps.rebuild();
  }

  /** Trending on with these windows, or off (undefined). */
  setTrend(rules: TrendRules | undefined): void {
    if (rules === undefined) this.trending = undefined;
    else if (this.trending === undefined) this.trending = new Trending(rules);
    else this.trending.reconfigure(rules);
  }

  /** Forgets what trending counted (slots are about to be handed out afresh). */
  clearTrending(): void {
    this.trending?.clear();
  }

  get trendingOn(): boolean {
    return this.trending !== undefined;
  }

  /** Counts reports for trending; `slots` are players' slots already known (saving a look-up each). */
  record(gains: readonly Gain[], now: number, slots?: Map<string, number>): void {
    const trending = this.trending;
    if (trending === undefined) return;
    for (const { player, ts, gain } of gains) {
      const slot = slots?.get(player) ?? this.board.find(player);
      if (slot !== -1) trending.record(slot, ts, gain, now);
    }
  }

  teamsPage(offset: number, limit: number): TeamStanding[] {
    const entries: TeamStanding[] = [];
    this.teams.page(offset, limit, this.board.ties() === "shared", (team, rank) =>
      entries.push(this.teamStanding(team, rank)),
    );
    return entries;
  }

  /** A team's standing and its members in board order; undefined when it has none on the board. */
  team(
    name: string,
    limit: number,
  ): (TeamStanding & { players: { rank: number; player: string; score: number; share: number | null }[] }) | undefined {
    const team = this.teams.idOf(name);
    const members = team === 0 ? undefined : this.teams.memberIndex(team);
    if (members === undefined) return undefined;
    const sum = this.teams.sum(team);
    const players: { rank: number; player: string; score: number; share: number | null }[] = [];
    members.forRange(0, limit, (slot) => {
      const score = this.board.score(slot);
      players.push({
        rank: this.board.rankOf(slot),
        player: this.board.playerOf(slot),
        score,
        share: sum === 0 ? null : score / sum,
      });
    });
    return { ...this.teamStanding(team, this.teams.rankOf(team, this.board.ties() === "shared")), players };
  }

  get mvpCount(): number {
    return this.mvps.size;
  }

  mvpsPage(offset: number, limit: number): MvpEntry[] {
    const entries: MvpEntry[] = [];
    this.mvps.page(offset, limit, (team, mvp, rank) => {
      const teamScore = this.teams.sum(team);
      const score = this.board.score(mvp);
      entries.push({
        rank,
        team: this.teams.nameOf(team),
        player: this.board.playerOf(mvp),
        score,
        teamScore,
        share: score / teamScore,
      });
    });
    return entries;
  }

  countriesPage(offset: number, limit: number): CountryStanding[] {
    const entries: CountryStanding[] = [];
    this.countries.page(offset, limit, this.board.ties() === "shared", (country, rank) =>
      entries.push({
        rank,
        country: this.countries.nameOf(country),
        score: this.countries.sum(country),
        players: this.countries.count(country),
        ts: this.countries.ts(country),
      }),
    );
    return entries;
  }

  /** Trending players at `now`, hottest first, then in board order. */
  trendingPage(now: number, limit: number): TrendingEntry[] {
    if (this.trending === undefined || limit <= 0) return [];
    const top = this.trending.top(
      now,
      limit,
      (slot) => this.board.onBoard(slot),
      (a, b) => this.board.keyOf(a) - this.board.keyOf(b) || this.board.tieBreak(a, b),
    );
    return top.map(({ slot, hotness, short, long }, i) => {
      const entry: TrendingEntry = { rank: i + 1, player: this.board.playerOf(slot), hotness, short, long };
      const team = this.board.teamOf(slot);
      if (team !== 0) entry.team = this.teams.nameOf(team);
      return entry;
    });
  }

  /** Players kept for trending (active in its long window). */
  get trendingPlayers(): number {
    return this.trending?.active ?? 0;
  }

  private teamStanding(team: number, rank: number): TeamStanding {
    return {
      rank,
      team: this.teams.nameOf(team),
      score: this.teams.sum(team),
      members: this.teams.count(team),
      ts: this.teams.ts(team),
    };
  }
}
