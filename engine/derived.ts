import type { Placed } from "./board-order";
import type { GroupPart } from "./group-parts";
import { GroupBoard, type PlayerAccess } from "./groups";
import type { MemberIndex } from "./member-index";
import { MvpBoard } from "./mvps";
import { PendingPlayers } from "./pending-players";
import type { RankedEntry, TieMode } from "./rules";
import { type Gain, Trending, type TrendRules } from "./trending";

export interface TeamStanding {
  rank: number;
  team: string;
  score: number;
  members: number;
  ts: number;
}

/** A team's member on its team's page: `share` of the team's sum, null when the sum is 0. */
export interface TeamMember {
  rank: number;
  player: string;
  score: number;
  share: number | null;
}

export interface TeamDetail extends TeamStanding {
  players: TeamMember[];
}

export interface CountryStanding {
  rank: number;
  country: string;
  score: number;
  players: number;
  ts: number;
}

/** A player on its country's page: `rank` within the country, `globalRank` on the whole board. */
export interface CountryEntry extends RankedEntry {
  globalRank: number;
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
  ties(): TieMode;
  /** Whether two slots hold the same value (score, and subscore under a tiebreak). */
  sameValue(a: number, b: number): boolean;
  /** The player's entry with this `rank`. */
  entryOf(slot: number, rank: number): RankedEntry;
  /** `index`'s players ahead of an entry that need not be in it; `better`: better values only. */
  aheadIn(index: MemberIndex, entry: Placed, better: boolean): number;
  /** The 1-based rank under shared ties of `slot` in `index`, which holds it. */
  sharedRankIn(index: MemberIndex, slot: number): number;
  /** The slot's subscore; undefined without a tiebreak. */
  subscore(slot: number): number | undefined;
  /** `tieBreak` as if the slots held these subscores (0 without a tiebreak) and times. */
  tieBreakWith(a: number, subA: number, timeA: number, b: number, subB: number, timeB: number): number;
  /** The players on the board, in board order. */
  boardOrder(): ArrayLike<number>;
  rankedPlayers(): number;
}

/** What callers read of the derived boards: their pages and counts, and nothing that changes them. */
export interface DerivedView {
  /** Teams with members on the board. */
  readonly rankedTeams: number;
  /** Teams ever named (each costs memory until the board is reloaded). */
  readonly knownTeams: number;
  /** Whether some player has ever named this team. */
  knowsTeam(team: string): boolean;
  teamsPage(offset: number, limit: number): TeamStanding[];
  /** A team's standing and its members in board order; undefined when it has none on the board. */
  team(name: string, limit: number): TeamDetail | undefined;
  /** Teams with an MVP (a positive score). */
  readonly rankedMvps: number;
  mvpsPage(offset: number, limit: number): MvpEntry[];
  /** Countries with players on the board. */
  readonly rankedCountries: number;
  countriesPage(offset: number, limit: number): CountryStanding[];
  /** Players of a country on the board; 0 for a country with none. */
  rankedPlayersIn(country: string): number;
  /** A country's players on the board from 0-based `offset`. */
  countryPage(country: string, offset: number, limit: number): CountryEntry[];
  /** A player's rank within its country; undefined without a country or off the board. */
  countryRank(player: string): number | undefined;
  /** Players kept for trending (active in its long window). */
  readonly trendingPlayers: number;
  /** Trending players at `now`, hottest first, then in board order. */
  trendingPage(now: number, limit: number): TrendingEntry[];
  /** This board's part of each team or country with members on it (a shard's share of a sharded game's). */
  groupParts(kind: "teams" | "countries"): GroupPart[];
  /** A team's first `limit` members on this board, in board order. */
  teamMembers(team: string, limit: number): Placed[];
  /** A country's players here ahead of an entry of any board (within the country); `better`: better values only (score, then subscore). */
  countAheadIn(country: string, entry: Placed, better: boolean): number;
}

/**
 * The boards a game derives from its players: teams and countries (groups
 * ranked by their members' sums), team MVPs, and trending players. Teams,
 * countries and MVPs catch up on their first read after a change: the players
 * board notes each player before it changes, a read replays the notes, and
 * boards nobody reads cost a batch next to nothing. When more players are
 * noted than replaying would pay for (or after a load or a change of rules),
 * the notes are dropped and the next read rebuilds from the board in one pass.
 */
export class DerivedBoards implements DerivedView {
  readonly teams: GroupBoard;
  readonly countries: GroupBoard;
  private readonly mvps: MvpBoard;
  private trending: Trending | undefined;
  private readonly pending: PendingPlayers;
  /** Whether the next read rebuilds teams, countries and MVPs from the board. */
  private stale = false;

  constructor(
    private readonly board: BoardAccess,
    ascending: () => boolean,
    trend: TrendRules | undefined,
  ) {
    this.pending = new PendingPlayers(board, ascending);
    const seen = this.pending.seen;
    this.mvps = new MvpBoard(seen, ascending);
    this.teams = new GroupBoard(seen, (slot) => seen.teamOf(slot), ascending, this.mvps);
    this.mvps.watch(this.teams);
    this.countries = new GroupBoard(seen, (slot) => seen.countryOf(slot), ascending);
    this.trending = trend === undefined ? undefined : new Trending(trend);
  }

  /** A player is about to change (join or leave the board, or change its state, team or country). */
  note(slot: number): void {
    if (this.stale) return;
    this.pending.note(slot);
    // Replaying costs several index operations per player; a rebuild, a pass over the board.
    if (this.pending.size > 4 + (this.board.rankedPlayers() >> 3)) this.invalidate();
  }

  /** The board was loaded or re-ranked: rebuild on the next read. */
  invalidate(): void {
    this.stale = true;
    this.pending.clear();
  }

  /** A player left the game for good: its slot may be reused, so what was noted of it is replayed now. */
  forget(slot: number): void {
    this.trending?.forget(slot);
    if (this.pending.has(slot)) this.catchUp();
  }

  /** Brings teams, countries and MVPs up to date with the board. */
  private catchUp(): void {
    if (this.stale) {
      const order = this.board.boardOrder();
      this.teams.rebuild(order);
      this.countries.rebuild(order);
      this.stale = false;
      return;
    }
    if (this.pending.size === 0) return;
    this.pending.replay((slot, wasOnBoard) => {
      this.teams.take(slot, wasOnBoard);
      this.countries.take(slot, wasOnBoard);
      this.pending.moved();
      const onBoard = this.board.onBoard(slot);
      this.teams.put(slot, onBoard);
      this.countries.put(slot, onBoard);
    });
    this.teams.settle();
    this.countries.settle();
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

  get rankedTeams(): number {
    this.catchUp();
    return this.teams.size;
  }

  get knownTeams(): number {
    return this.teams.known;
  }

  knowsTeam(team: string): boolean {
    return this.teams.idOf(team) !== 0;
  }

  teamsPage(offset: number, limit: number): TeamStanding[] {
    this.catchUp();
    const entries: TeamStanding[] = [];
    this.teams.page(offset, limit, this.board.ties(), (team, rank) => entries.push(this.teamStanding(team, rank)));
    return entries;
  }

  team(name: string, limit: number): TeamDetail | undefined {
    this.catchUp();
    const team = this.teams.idOf(name);
    const members = team === 0 ? undefined : this.teams.memberIndex(team);
    if (members === undefined) return undefined;
    const sum = this.teams.sum(team);
    const players: TeamMember[] = [];
    members.forRange(0, limit, (slot) => {
      const score = this.board.score(slot);
      players.push({
        rank: this.board.rankOf(slot),
        player: this.board.playerOf(slot),
        score,
        share: sum === 0 ? null : score / sum,
      });
    });
    return { ...this.teamStanding(team, this.teams.rankOf(team, this.board.ties())), players };
  }

  get rankedMvps(): number {
    this.catchUp();
    return this.mvps.size;
  }

  mvpsPage(offset: number, limit: number): MvpEntry[] {
    this.catchUp();
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

  get rankedCountries(): number {
    this.catchUp();
    return this.countries.size;
  }

  countriesPage(offset: number, limit: number): CountryStanding[] {
    this.catchUp();
    const entries: CountryStanding[] = [];
    this.countries.page(offset, limit, this.board.ties(), (country, rank) =>
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

  rankedPlayersIn(country: string): number {
    this.catchUp();
    const id = this.countries.idOf(country);
    return id === 0 ? 0 : this.countries.count(id);
  }

  countryPage(country: string, offset: number, limit: number): CountryEntry[] {
    this.catchUp();
    const id = this.countries.idOf(country);
    const members = id === 0 ? undefined : this.countries.memberIndex(id);
    if (members === undefined) return [];
    const entries: CountryEntry[] = [];
    const ties = this.board.ties();
    let previous = -1;
    let rank = 0;
    members.forRange(offset, limit, (slot, position) => {
      if (ties === "first") rank = position + 1;
      else if (ties === "shared") rank = this.board.sharedRankIn(members, slot);
      else if (previous === -1) rank = denseRankAt(members, position, this.board);
      else if (!this.board.sameValue(previous, slot)) rank++;
      previous = slot;
      entries.push({ ...this.board.entryOf(slot, rank), globalRank: this.board.rankOf(slot) });
    });
    return entries;
  }

  countryRank(player: string): number | undefined {
    this.catchUp();
    const slot = this.board.find(player);
    if (slot === -1 || !this.board.onBoard(slot)) return undefined;
    const country = this.board.countryOf(slot);
    const members = country === 0 ? undefined : this.countries.memberIndex(country);
    if (members === undefined) return undefined;
    const ties = this.board.ties();
    if (ties === "shared") return this.board.sharedRankIn(members, slot);
    const position = members.positionOf(slot, this.board.keyOf(slot));
    return ties === "dense" ? denseRankAt(members, position, this.board) : position + 1;
  }

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

  get trendingPlayers(): number {
    return this.trending?.active ?? 0;
  }

  groupParts(kind: "teams" | "countries"): GroupPart[] {
    this.catchUp();
    const groups = kind === "teams" ? this.teams : this.countries;
    const parts: GroupPart[] = [];
    groups.forEach((group) => {
      const part: GroupPart = {
        name: groups.nameOf(group),
        sum: groups.sum(group),
        count: groups.count(group),
        ts: groups.ts(group),
      };
      const members = groups.memberIndex(group);
      if (kind === "teams" && members !== undefined) part.best = this.placed(this.mvps.largest(members));
      parts.push(part);
    });
    return parts;
  }

  teamMembers(team: string, limit: number): Placed[] {
    this.catchUp();
    const id = this.teams.idOf(team);
    const members = id === 0 ? undefined : this.teams.memberIndex(id);
    const placed: Placed[] = [];
    members?.forRange(0, limit, (slot) => placed.push(this.placed(slot)));
    return placed;
  }

  countAheadIn(country: string, entry: Placed, better: boolean): number {
    this.catchUp();
    const id = this.countries.idOf(country);
    const members = id === 0 ? undefined : this.countries.memberIndex(id);
    return members === undefined ? 0 : this.board.aheadIn(members, entry, better);
  }

  private placed(slot: number): Placed {
    const placed: Placed = {
      player: this.board.playerOf(slot),
      score: this.board.score(slot),
      ts: this.board.time(slot),
    };
    const subscore = this.board.subscore(slot);
    if (subscore !== undefined) placed.subscore = subscore;
    return placed;
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

/**
 * The dense rank within a country of its player at `position`: one past the
 * distinct values ahead of it, counted by walking them (a country keeps no
 * count of its distinct values, so deep places of a large country cost more).
 */
function denseRankAt(members: MemberIndex, position: number, board: BoardAccess): number {
  let rank = 0;
  let previous = -1;
  members.forRange(0, position + 1, (slot) => {
    if (previous === -1 || !board.sameValue(previous, slot)) rank++;
    previous = slot;
  });
  return rank;
}
