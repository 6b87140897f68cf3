import type { Ranking } from "../engine/ranking";
import type { RankedEntry } from "../engine/rules";
import { topShare } from "../engine/tiers";
import {
  type CountryStanding,
  type LeaderboardEntry,
  MAX_TRENDING,
  type MvpEntry,
  type PlayerStanding,
  type TeamDetail,
  type TeamStanding,
  type TrendingEntry,
} from "../protocol/boards";
import type { LiveBoardName } from "../protocol/live";
import type { Meta } from "../protocol/reports";
import { type CohortEntry, rankCohort } from "./cohorts/cohort-ranks";
import type { Cohorts } from "./cohorts/cohorts";
import { friendsPage } from "./friends";
import type { ViewSource } from "./live/views";
import type { MetaSource } from "./storage/player-meta";
import type { StoredProfile } from "./storage/profiles";

/** Where display names come from (the profiles table; anything alike in tests). */
export interface Profiles {
  many(players: readonly string[]): Map<string, StoredProfile>;
}

/** Trending is recomputed at most this often: a scan of every active player. */
const TRENDING_EVERY_MS = 1000;
/** Trending players kept between two computations: the most a page of trending shows. */
export const TRENDING_KEPT = MAX_TRENDING;

/**
 * A game's boards as the API shows them: the engine's entries with each
 * player's display name (from the profiles) beside its country (from the
 * engine), and its meta (from the meta table). Shared by the RPC reads and the live views, so both show the same.
 */
export class BoardReads implements ViewSource {
  private trendingAt = Number.NEGATIVE_INFINITY;
  private trendingCache: TrendingEntry[] = [];

  constructor(
    private readonly ranking: () => Ranking,
    private readonly profiles: () => Profiles,
    private readonly metas: () => MetaSource,
    /** The open season's cohorts; absent for a board that has none (a closed one, a shard's). */
    private readonly cohorts?: () => Cohorts,
  ) {}

  /** Forgets the trending cache (the board was rebuilt or its rules changed). */
  reset(): void {
    this.trendingAt = Number.NEGATIVE_INFINITY;
  }

  page(offset: number, limit: number): LeaderboardEntry[] {
    return this.named(this.ranking().page(offset, limit));
  }

  countryPage(country: string, offset: number, limit: number): LeaderboardEntry[] {
    return this.named(this.ranking().derived.countryPage(country, offset, limit));
  }

  /** A cohort's members on the board, ranked within it, each with `globalRank`. */
  cohortPage(cohort: number, offset: number, limit: number): LeaderboardEntry[] {
    return this.named(this.cohortBoard(cohort).slice(offset, offset + limit));
  }

  hasCohort(cohort: number): boolean {
    return this.cohorts?.().exists(cohort) ?? false;
  }

  /** A cohort's members on the board. */
  cohortTotal(cohort: number): number {
    return this.cohortBoard(cohort).length;
  }

  around(player: string, radius: number): LeaderboardEntry[] | undefined {
    const entries = this.ranking().around(player, radius);
    return entries === undefined ? undefined : this.named(entries);
  }

  /** These players' entries (ranks on this board) with their names; players not on it are left out. */
  entriesOf(players: readonly string[]): LeaderboardEntry[] {
    const ranking = this.ranking();
    return this.named(players.flatMap((player) => ranking.entry(player) ?? []));
  }

  /** These players' entries in board order (a live friends view). */
  players(names: readonly string[]): LeaderboardEntry[] {
    return friendsPage(names, this.entriesOf(names), this.ranking().rankedPlayers).entries;
  }

  /** What a board's `total` counts: players (of a country), teams, MVPs, trending players, countries. */
  total(board: LiveBoardName, country?: string): number {
    const ranking = this.ranking();
    switch (board) {
      case "players":
        return country === undefined ? ranking.rankedPlayers : ranking.derived.rankedPlayersIn(country);
      case "teams":
        return ranking.derived.rankedTeams;
      case "mvps":
        return ranking.derived.rankedMvps;
      case "trending":
        return this.trendingCache.length;
      case "countries":
        return ranking.derived.rankedCountries;
    }
  }

  standing(player: string, around: number): PlayerStanding | undefined {
    const ranking = this.ranking();
    const entry = ranking.entry(player);
    if (entry === undefined) return undefined;
    const [named] = this.named([entry]);
    const total = ranking.rankedPlayers;
    const standing: PlayerStanding = { ...named, total, top: topShare(entry.rank, total) };
    const countryRank = ranking.derived.countryRank(player);
    if (countryRank !== undefined) standing.countryRank = countryRank;
    const cohort = this.cohorts?.().cohortOf(player);
    if (cohort !== undefined) {
      standing.cohort = cohort;
      standing.cohortRank = this.cohortBoard(cohort).find((e) => e.player === player)?.rank;
    }
    if (around > 0) standing.around = this.named(ranking.around(player, around) ?? []);
    return standing;
  }

  teams(offset: number, limit: number): TeamStanding[] {
    return this.ranking().derived.teamsPage(offset, limit);
  }

  team(team: string, limit: number): TeamDetail | undefined {
    const detail = this.ranking().derived.team(team, limit);
    if (detail === undefined) return undefined;
    return { ...detail, players: this.named(detail.players) };
  }

  mvps(offset: number, limit: number): MvpEntry[] {
    return this.named(this.ranking().derived.mvpsPage(offset, limit));
  }

  countries(offset: number, limit: number): CountryStanding[] {
    return this.ranking().derived.countriesPage(offset, limit);
  }

  /** The hottest players, recomputed at most once a second. */
  trending(now: number, limit: number): TrendingEntry[] {
    if (now - this.trendingAt >= TRENDING_EVERY_MS || now < this.trendingAt) {
      this.trendingCache = this.named(this.ranking().derived.trendingPage(now, TRENDING_KEPT));
      this.trendingAt = now;
    }
    return this.trendingCache.slice(0, limit);
  }

  /** A cohort's board, derived from its members' entries (see rankCohort). */
  private cohortBoard(cohort: number): CohortEntry[] {
    const cohorts = this.cohorts?.();
    if (cohorts === undefined) return [];
    const ranking = this.ranking();
    return rankCohort(
      cohorts.members(cohort).flatMap((player) => ranking.entry(player) ?? []),
      cohorts.ties,
    );
  }

  /** Entries with each player's display name, country and meta, once set. */
  named<T extends { player: string }>(entries: T[]): (T & { name?: string; country?: string; meta?: Meta })[] {
    if (entries.length === 0) return entries;
    const ranking = this.ranking();
    const players = entries.map((e) => e.player);
    const profiles = this.profiles().many(players);
    const metas = this.metas().many(players);
    return entries.map((entry) => {
      const profile = profiles.get(entry.player);
      const country = (entry as Partial<RankedEntry>).country ?? ranking.countryOf(entry.player);
      const meta = metas.get(entry.player);
      if (profile?.name === undefined && country === undefined && meta === undefined) return entry;
      const decorated: T & { name?: string; country?: string; meta?: Meta } = { ...entry };
      if (profile?.name !== undefined) decorated.name = profile.name;
      if (country !== undefined) decorated.country = country;
      if (meta !== undefined) decorated.meta = meta;
      return decorated;
    });
  }
}
