import { MAX_TRENDING, type PlayerStanding } from "../../protocol/boards";
import type { AnyLiveEntry, LiveBoardName, LiveEntry } from "../../protocol/live";
import type { GameBoards, Page } from "../game-boards";
import { boardOf, type ViewSource, type ViewSpec } from "../live/views";

/** Followed players' neighbourhoods are asked of the shards at most this often (the contract's once a second). */
const FOLLOW_EVERY_MS = 1000;

const EMPTY: Page<never> = { total: 0, entries: [] };

/**
 * What a sharded game's live views show, gathered from its shards before
 * each flush and read by the game's spectators as they read one board
 * (ViewSource). A refresh asks only for what the views watch: the top of
 * each board as deep as its deepest view, each watched country's top, and,
 * at most once a second, each followed player's neighbourhood and each
 * watched set of players.
 */
export class ShardViews implements ViewSource {
  private top: Page<LiveEntry> = EMPTY;
  private countryTops = new Map<string, Page<LiveEntry>>();
  private groups: Partial<Record<Exclude<LiveBoardName, "players">, Page<AnyLiveEntry>>> = {};
  private followed = new Map<string, LiveEntry[] | undefined>();
  private followedAt = Number.NEGATIVE_INFINITY;
  private friends = new Map<string, LiveEntry[]>();
  /** When a refresh left followed players and sets as they were (too soon), when they may be gathered again. */
  followDue: number | undefined;

  /** Gathers what `specs` watch from the shards (`boards`). */
  async refresh(boards: GameBoards, specs: readonly ViewSpec[]): Promise<void> {
    const deepest = (board: LiveBoardName) =>
      Math.max(
        0,
        ...specs
          .filter((s) => boardOf(s) === board && s.country === undefined && s.players === undefined)
          .map((s) => s.limit),
      );
    const countries = new Map<string, number>();
    for (const { country, limit } of specs) {
      if (country !== undefined) countries.set(country, Math.max(limit, countries.get(country) ?? 0));
    }
    const now = Date.now();
    const follow = now - this.followedAt >= FOLLOW_EVERY_MS;
    const watched = follow ? specs.filter((s) => s.player !== undefined && boardOf(s) === "players") : [];
    const sets = follow ? specs.flatMap((s) => (s.players === undefined ? [] : [s.players])) : [];
    const following = specs.some(
      (s) => (s.player !== undefined && boardOf(s) === "players") || s.players !== undefined,
    );
    this.followDue = !follow && following ? this.followedAt + FOLLOW_EVERY_MS : undefined;
    const onPlayers = specs.some((s) => boardOf(s) === "players");
    const ask = <T>(limit: number, read: () => Promise<T>, none: T) => (limit > 0 ? read() : Promise.resolve(none));
    const [players, teams, mvps, trending, countriesBoard, tops, neighbourhoods, friends] = await Promise.all([
      // Every players view shows the board's total (and tiers count on it): asked with a limit of 0 when no top is watched.
      onPlayers ? boards.page(0, deepest("players")) : EMPTY,
      ask(deepest("teams"), () => boards.teams(0, deepest("teams")), EMPTY),
      ask(deepest("mvps"), () => boards.mvps(0, deepest("mvps")), EMPTY),
      ask(deepest("trending"), () => boards.trending(MAX_TRENDING), []),
      ask(deepest("countries"), () => boards.countries(0, deepest("countries")), EMPTY),
      Promise.all([...countries].map(([c, limit]) => boards.countryPage(c, 0, limit))),
      Promise.all(watched.map((s) => boards.standing(s.player as string, s.around))),
      Promise.all(sets.map((names) => boards.players(names))),
    ]);
    this.top = players;
    this.groups = { teams, mvps, countries: countriesBoard, trending: { total: trending.length, entries: trending } };
    this.countryTops = new Map([...countries.keys()].map((c, i) => [c, tops[i]]));
    if (follow) {
      this.followedAt = now;
      this.followed = new Map(
        watched.map((s, i) => [followKey(s.player as string, s.around), neighbours(neighbourhoods[i], s.around)]),
      );
      this.friends = new Map(sets.map((names, i) => [names.join("\n"), friends[i].entries]));
    }
  }

  page(offset: number, limit: number): LiveEntry[] {
    return this.top.entries.slice(offset, offset + limit);
  }

  around(player: string, radius: number): LiveEntry[] | undefined {
    return this.followed.get(followKey(player, radius));
  }

  players(names: readonly string[]): LiveEntry[] {
    return this.friends.get(names.join("\n")) ?? [];
  }

  countryPage(country: string, offset: number, limit: number): LiveEntry[] {
    return (this.countryTops.get(country)?.entries ?? []).slice(offset, offset + limit);
  }

  teams(offset: number, limit: number): AnyLiveEntry[] {
    return this.groupPage("teams", offset, limit);
  }

  mvps(offset: number, limit: number): AnyLiveEntry[] {
    return this.groupPage("mvps", offset, limit);
  }

  trending(_now: number, limit: number): AnyLiveEntry[] {
    return this.groupPage("trending", 0, limit);
  }

  countries(offset: number, limit: number): AnyLiveEntry[] {
    return this.groupPage("countries", offset, limit);
  }

  total(board: LiveBoardName, country?: string): number {
    if (board !== "players") return this.groups[board]?.total ?? 0;
    return country === undefined ? this.top.total : (this.countryTops.get(country)?.total ?? 0);
  }

  private groupPage(board: Exclude<LiveBoardName, "players">, offset: number, limit: number): AnyLiveEntry[] {
    return (this.groups[board]?.entries ?? []).slice(offset, offset + limit);
  }
}

const followKey = (player: string, around: number) => `${around}\n${player}`;

/** A followed player's neighbourhood, the player included (alone with `around` 0), or undefined off the board. */
function neighbours(standing: PlayerStanding | undefined, around: number): LiveEntry[] | undefined {
  if (standing === undefined) return undefined;
  if (around > 0) return standing.around;
  const { total: _, top: __, countryRank: ___, around: ____, ...entry } = standing;
  return [entry];
}
