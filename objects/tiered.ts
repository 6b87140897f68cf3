import { type Tier, tierOf } from "../engine/tiers";
import type { LeaderboardEntry, PlayerStanding } from "../protocol/boards";
import type { GameConfig } from "../protocol/config";
import type { AnyLiveEntry, LiveBoardName, LiveEntry } from "../protocol/live";
import type { FriendsPage } from "./friends";
import type { GameBoards, Page } from "./game-boards";
import type { ViewSource } from "./live/views";

export { topShare } from "../engine/tiers";

type TierSettings = Pick<GameConfig, "tiers" | "order">;

/**
 * Players' entries with their `tier`, decided by their rank on the whole
 * board (`globalRank` on a country's page) among `total` players. The same
 * function serves the API's reads and the live views, so both agree.
 */
export function withTiers<E extends LeaderboardEntry>(entries: E[], total: number, settings: TierSettings): E[] {
  const { tiers, order } = settings;
  if (tiers === null) return entries;
  return entries.map((entry) => {
    const tier = tierOf(tiers, { rank: entry.globalRank ?? entry.rank, score: entry.score }, total, order === "asc");
    return tier === undefined ? entry : { ...entry, tier };
  });
}

/** Whether a country's page needs the whole board's total: only `top` bounds count players. */
const needsTotal = (tiers: readonly Tier[] | null) => tiers?.some((t) => t.top !== undefined) ?? false;

/** A game's boards with every players' entry in its tier (the others unchanged). */
export class TieredBoards implements GameBoards {
  constructor(
    private readonly boards: GameBoards,
    private readonly settings: TierSettings,
  ) {}

  async page(offset: number, limit: number): Promise<Page<LeaderboardEntry>> {
    const page = await this.boards.page(offset, limit);
    return { ...page, entries: withTiers(page.entries, page.total, this.settings) };
  }

  async countryPage(country: string, offset: number, limit: number): Promise<Page<LeaderboardEntry>> {
    const page = await this.boards.countryPage(country, offset, limit);
    if (this.settings.tiers === null || page.entries.length === 0) return page;
    const total = needsTotal(this.settings.tiers) ? (await this.boards.page(0, 0)).total : 0;
    return { ...page, entries: withTiers(page.entries, total, this.settings) };
  }

  async standing(player: string, around: number): Promise<PlayerStanding | undefined> {
    const standing = await this.boards.standing(player, around);
    if (standing === undefined || this.settings.tiers === null) return standing;
    const [tiered] = withTiers([standing], standing.total, this.settings);
    if (standing.around === undefined) return tiered;
    return { ...tiered, around: withTiers(standing.around, standing.total, this.settings) };
  }

  async players(names: readonly string[]): Promise<FriendsPage> {
    const page = await this.boards.players(names);
    return { ...page, entries: withTiers(page.entries, page.total, this.settings) };
  }

  teams = (offset: number, limit: number) => this.boards.teams(offset, limit);
  team = (name: string, limit: number) => this.boards.team(name, limit);
  mvps = (offset: number, limit: number) => this.boards.mvps(offset, limit);
  countries = (offset: number, limit: number) => this.boards.countries(offset, limit);
  trending = (limit: number) => this.boards.trending(limit);
}

/** A live view source with every players' entry in its tier, as the API's reads show it. */
export class TieredSource implements ViewSource {
  constructor(
    private readonly source: ViewSource,
    private readonly settings: TierSettings,
  ) {}

  page(offset: number, limit: number): LiveEntry[] {
    return this.tiered(this.source.page(offset, limit));
  }

  around(player: string, radius: number): LiveEntry[] | undefined {
    const entries = this.source.around(player, radius);
    return entries === undefined ? undefined : this.tiered(entries);
  }

  countryPage(country: string, offset: number, limit: number): LiveEntry[] {
    return this.tiered(this.source.countryPage(country, offset, limit));
  }

  players(names: readonly string[]): LiveEntry[] {
    return this.tiered(this.source.players(names));
  }

  cohortPage(cohort: number, offset: number, limit: number): LiveEntry[] {
    return this.tiered(this.source.cohortPage?.(cohort, offset, limit) ?? []);
  }

  cohortTotal = (cohort: number): number => this.source.cohortTotal?.(cohort) ?? 0;
  hasCohort = (cohort: number): boolean => this.source.hasCohort?.(cohort) ?? false;

  teams = (offset: number, limit: number): AnyLiveEntry[] => this.source.teams(offset, limit);
  mvps = (offset: number, limit: number): AnyLiveEntry[] => this.source.mvps(offset, limit);
  trending = (now: number, limit: number): AnyLiveEntry[] => this.source.trending(now, limit);
  countries = (offset: number, limit: number): AnyLiveEntry[] => this.source.countries(offset, limit);
  total = (board: LiveBoardName, country?: string): number => this.source.total(board, country);

  private tiered(entries: LiveEntry[]): LiveEntry[] {
    return withTiers(entries, this.source.total("players"), this.settings);
  }
}
