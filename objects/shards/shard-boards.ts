import { type Placed, rankConsecutive } from "../../engine/board-order";
import { type MergedGroup, mergedMvps, mergeGroups } from "../../engine/group-parts";
import { pageAcross, type SortedParts } from "../../engine/pages-across";
import type {
  CountryStanding,
  LeaderboardEntry,
  MvpEntry,
  PlayerStanding,
  TeamDetail,
  TeamStanding,
  TrendingEntry,
} from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { type FriendsPage, friendsPage } from "../friends";
import type { GameBoards, Page } from "../game-boards";
import { type ShardSet, sum } from "./shard-set";

/**
 * A sharded game's boards, each answered exactly from its shards: the
 * players board and standings by ShardSet, and the others from the shards'
 * parts:
 * - teams and countries: every shard's part of every group (its members'
 *   sum, count, newest ts, best member), merged and ranked as one board
 *   ranks them (mergeGroups), so a read costs one request per shard and
 *   moves every group with members on it; MVPs from the merged teams;
 * - a team's members: each shard's first members, merged, with ranks counted
 *   on every shard;
 * - a country's players: a page across the shards' country indexes, its
 *   ranks within the country and on the whole board counted on every shard;
 * - trending: each shard's hottest 100, merged (a player's hotness is its own).
 */
export class ShardBoards implements GameBoards {
  constructor(
    private readonly shards: ShardSet,
    private readonly config: GameConfig,
  ) {}

  page(offset: number, limit: number): Promise<Page<LeaderboardEntry>> {
    return this.shards.page(offset, limit);
  }

  standing(player: string, around: number): Promise<PlayerStanding | undefined> {
    return this.shards.standing(player, around);
  }

  async players(names: readonly string[]): Promise<FriendsPage> {
    const { total, entries } = await this.shards.entriesOf(names);
    return friendsPage(names, entries, total);
  }

  async teams(offset: number, limit: number): Promise<{ total: number; entries: TeamStanding[] }> {
    const teams = await this.groups("teams");
    return { total: teams.length, entries: teams.slice(offset, offset + limit).map(teamStanding) };
  }

  /** A team's standing and its first `limit` members with their ranks on the board; undefined with none on it. */
  async team(name: string, limit: number): Promise<TeamDetail | undefined> {
    const [teams, parts] = await Promise.all([
      this.groups("teams"),
      this.shards.ask(this.shards.count, (stub) => stub.teamMembers(name, limit)),
    ]);
    const team = teams.find((t) => t.name === name);
    if (team === undefined) return undefined;
    const members = parts.flat().sort(this.shards.order).slice(0, limit);
    const counts = members.length === 0 ? [] : await this.shards.countsAhead(members);
    const shared = this.config.ties === "shared";
    // A team's members and MVPs show score and share, as one object's do: no ts, no subscore.
    const players = members.map(({ ts: _, subscore: __, ...member }, k) => ({
      ...member,
      rank: sum(counts.map((c) => (shared ? c.counts[k].better : c.counts[k].ahead))) + 1,
      share: team.sum === 0 ? null : member.score / team.sum,
    }));
    return { ...teamStanding(team), players };
  }

  async mvps(offset: number, limit: number): Promise<Page<MvpEntry>> {
    const mvps = mergedMvps(await this.groups("teams"), this.config.order === "asc", this.config.tiebreak?.order);
    const entries = mvps
      .slice(offset, offset + limit)
      .map(({ name, sum, best: { ts: _, subscore: __, ...mvp } }, k) => ({
        ...mvp,
        rank: offset + k + 1,
        team: name,
        teamScore: sum,
        share: mvp.score / sum,
      }));
    return { total: mvps.length, entries };
  }

  async countries(offset: number, limit: number): Promise<{ total: number; entries: CountryStanding[] }> {
    const countries = await this.groups("countries");
    const entries = countries.slice(offset, offset + limit).map(({ rank, name, sum, count, ts }) => ({
      rank,
      country: name,
      score: sum,
      players: count,
      ts,
    }));
    return { total: countries.length, entries };
  }

  /** A country's players from `offset`, ranked within it, each with its rank on the whole board, and their count. */
  async countryPage(
    country: string,
    offset: number,
    limit: number,
  ): Promise<{ total: number; entries: (LeaderboardEntry & { globalRank: number })[] }> {
    const sizes = (await this.shards.ask(this.shards.count, (stub) => stub.countryCountsAhead(country, []))).map(
      (s) => s.ranked,
    );
    const parts: SortedParts<LeaderboardEntry> = {
      ranges: (ranges) =>
        this.shards.ask(this.shards.count, async (stub, i): Promise<LeaderboardEntry[]> => {
          const [from, to] = ranges[i];
          return to > from ? await stub.countryEntries(country, from, to) : [];
        }),
      at: (positions) =>
        this.shards.ask(
          this.shards.count,
          async (stub, i): Promise<Placed[]> =>
            positions[i].length > 0 ? await stub.countryPlacedAt(country, [...positions[i]]) : [],
        ),
      countsBefore: async (entries) => {
        const placed = entries.map(({ score, subscore, ts, player }) => ({ score, subscore, ts, player }));
        const counts = await this.shards.ask(this.shards.count, (stub) => stub.countryCountsAhead(country, placed));
        return counts.map((c) => c.counts.map((n) => n.ahead));
      },
    };
    const page = await pageAcross(sizes, offset, limit, parts, this.shards.order);
    if (page.length === 0) return { total: sum(sizes), entries: [] };
    const placed = page.map(({ score, subscore, ts, player }) => ({ score, subscore, ts, player }));
    const shared = this.config.ties === "shared";
    const [inCountry, global] = await Promise.all([
      this.shards.ask(this.shards.count, (stub) => stub.countryCountsAhead(country, placed.slice(0, 1))),
      this.shards.countsAhead(placed),
    ]);
    const firstRank = shared ? sum(inCountry.map((c) => c.counts[0].better)) + 1 : offset + 1;
    const entries = rankConsecutive(page, offset, firstRank, shared).map((entry, k) => ({
      ...entry,
      globalRank: sum(global.map((c) => (shared ? c.counts[k].better : c.counts[k].ahead))) + 1,
    }));
    return { total: sum(sizes), entries };
  }

  /** The hottest players: each shard's kept ones merged, hottest first, then in board order. */
  async trending(limit: number): Promise<TrendingEntry[]> {
    const parts = await this.shards.ask(this.shards.count, (stub) => stub.trending());
    const order = this.shards.order;
    return parts
      .flat()
      .sort((a, b) => b.hotness - a.hotness || order(a, b))
      .slice(0, limit)
      .map(({ score: _, ts: __, ...entry }, k) => ({ ...entry, rank: k + 1 }));
  }

  private async groups(kind: "teams" | "countries"): Promise<MergedGroup[]> {
    const parts = await this.shards.ask(this.shards.count, (stub) => stub.groupParts(kind));
    return mergeGroups(parts, this.config.order === "asc", this.config.ties === "shared", this.config.tiebreak?.order);
  }
}

function teamStanding({ rank, name, sum, count, ts }: MergedGroup): TeamStanding {
  return { rank, team: name, score: sum, members: count, ts };
}
