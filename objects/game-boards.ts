import type {
  CountryStanding,
  LeaderboardEntry,
  MvpEntry,
  PlayerStanding,
  TeamDetail,
  TeamStanding,
  TrendingEntry,
} from "../protocol/boards";
import { type FriendsPage, friendsPage } from "./friends";
import type { BoardReads } from "./reads";

/** A page of a board: its entries and how many it holds. */
export interface Page<E> {
  total: number;
  entries: E[];
}

/**
 * A game's boards as the API answers them: from the game object's own board,
 * or across its shards (ShardBoards). Every read of the game goes through one
 * of the two, so a route reads a game the same way however many objects hold
 * its players.
 */
export interface GameBoards {
  page(offset: number, limit: number): Promise<Page<LeaderboardEntry>>;
  /** A country's players, ranked within it, each with `globalRank`. */
  countryPage(country: string, offset: number, limit: number): Promise<Page<LeaderboardEntry>>;
  standing(player: string, around: number): Promise<PlayerStanding | undefined>;
  /** Some players' entries in board order, ranked on the whole board, and the names not on it. */
  players(names: readonly string[]): Promise<FriendsPage>;
  teams(offset: number, limit: number): Promise<Page<TeamStanding>>;
  team(name: string, limit: number): Promise<TeamDetail | undefined>;
  mvps(offset: number, limit: number): Promise<Page<MvpEntry>>;
  countries(offset: number, limit: number): Promise<Page<CountryStanding>>;
  trending(limit: number): Promise<TrendingEntry[]>;
}

/** The game object's own board, read now (`expire`: the window applied as of now, before each read). */
export class LocalBoards implements GameBoards {
  constructor(
    private readonly reads: BoardReads,
    private readonly expire: (now: number) => void,
  ) {}

  async page(offset: number, limit: number): Promise<Page<LeaderboardEntry>> {
    this.expire(Date.now());
    return { total: this.reads.total("players"), entries: this.reads.page(offset, limit) };
  }

  async countryPage(country: string, offset: number, limit: number): Promise<Page<LeaderboardEntry>> {
    this.expire(Date.now());
    return { total: this.reads.total("players", country), entries: this.reads.countryPage(country, offset, limit) };
  }

  async standing(player: string, around: number): Promise<PlayerStanding | undefined> {
    this.expire(Date.now());
    return this.reads.standing(player, around);
  }

  async players(names: readonly string[]): Promise<FriendsPage> {
    this.expire(Date.now());
    return friendsPage(names, this.reads.entriesOf(names), this.reads.total("players"));
  }

  async teams(offset: number, limit: number): Promise<Page<TeamStanding>> {
    this.expire(Date.now());
    return { total: this.reads.total("teams"), entries: this.reads.teams(offset, limit) };
  }

  async team(name: string, limit: number): Promise<TeamDetail | undefined> {
    this.expire(Date.now());
    return this.reads.team(name, limit);
  }

  async mvps(offset: number, limit: number): Promise<Page<MvpEntry>> {
    this.expire(Date.now());
    return { total: this.reads.total("mvps"), entries: this.reads.mvps(offset, limit) };
  }

  async countries(offset: number, limit: number): Promise<Page<CountryStanding>> {
    this.expire(Date.now());
    return { total: this.reads.total("countries"), entries: this.reads.countries(offset, limit) };
  }

  async trending(limit: number): Promise<TrendingEntry[]> {
    const now = Date.now();
    this.expire(now);
    return this.reads.trending(now, limit);
  }
}
