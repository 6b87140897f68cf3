import { boardOrder, type EntryOrder, type Placed, rankConsecutive } from "../../engine/board-order";
import { aroundAcross, pageAcross, type SortedParts } from "../../engine/pages-across";
import { topShare } from "../../engine/tiers";
import type { LeaderboardEntry, PlayerStanding } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { accepted, type Outcome } from "../../protocol/errors";
import { shardMaxPlayers, shardName, shardOf } from "../../protocol/shards";
import type { GameShard, ShardCounts } from "./game-shard";
import { ShardBoards } from "./shard-boards";

/** What one shard holds: all its players, and those on the board. */
export interface ShardSize {
  known: number;
  ranked: number;
}

/**
 * A sharded game's shards, as the game's own object reaches them: every read
 * asks the shards in parallel and merges what they answer, exactly.
 *
 * - A page at `offset` is `pageAcross` over the shards (each in board order):
 *   a top page is one request per shard; a deep one takes rounds of counts
 *   (about 30 at 10^7 players) before one fetch of a few thousand entries.
 * - A player's rank is one plus the players ahead of its entry in every
 *   shard (by score alone with shared ties), one count per shard.
 */
export class ShardSet {
  constructor(
    private readonly namespace: DurableObjectNamespace<GameShard>,
    private readonly game: string,
    private readonly config: GameConfig,
  ) {}

  get count(): number {
    return this.config.shards;
  }

  /**
   * Gives every shard the config (with its share of maxPlayers) and its
   * placement, `previous` being the count before (1: none). When the count
   * changes each shard must be empty (not_empty otherwise); then the shards
   * past the new count, or all of them when the game goes back to one
   * object, are deleted.
   */
  async place(previous: number): Promise<Outcome<null>> {
    const shards = this.count;
    const config = { ...this.config, maxPlayers: shardMaxPlayers(this.config.maxPlayers, shards) };
    const held = (count: number) => (count === 1 ? 0 : count);
    const outcomes = await this.ask(
      Math.max(held(shards), held(previous)),
      async (stub, index): Promise<Outcome<null>> => await stub.place(this.game, { index, shards }, config),
    );
    const refusal = outcomes.find((o) => !o.ok);
    if (refusal !== undefined) return refusal;
    await Promise.all(
      Array.from({ length: held(previous) - held(shards) }, (_, k) => this.stub(held(shards) + k).deleteShard()),
    );
    return accepted(null);
  }

  async sizes(): Promise<ShardSize[]> {
    return this.ask(this.count, (stub) => stub.size());
  }

  /** The game's players on the board, and each shard's. */
  async spread(): Promise<{ players: number; shards: { shard: number; players: number }[] }> {
    const sizes = await this.sizes();
    return {
      players: sum(sizes.map((s) => s.ranked)),
      shards: sizes.map((s, shard) => ({ shard, players: s.ranked })),
    };
  }

  /** Entries at [offset, offset + limit) of the game's board, with their ranks on it, and its total. */
  async page(offset: number, limit: number): Promise<{ total: number; entries: LeaderboardEntry[] }> {
    if (offset === 0) {
      // The top: one request per shard, each answering its top and its size.
      const tops = await this.ask(this.count, (stub) => stub.top(limit));
      const entries = tops
        .flatMap((t) => t.entries)
        .sort(this.order)
        .slice(0, limit);
      return { total: sum(tops.map((t) => t.ranked)), entries: await this.ranked(entries, 0) };
    }
    const sizes = (await this.sizes()).map((s) => s.ranked);
    const entries = await pageAcross<LeaderboardEntry>(sizes, offset, limit, this.parts(), this.order);
    return { total: sum(sizes), entries: await this.ranked(entries, offset) };
  }

  /**
   * A player's standing on the game's board, with `around` neighbours each
   * side and its rank in its country; undefined when not on the board. Two
   * steps: the player's entry from its shard, then each shard's count ahead
   * of it (on the board and in its country) with its entries around that
   * place, which hold every neighbour (no rounds: the counts are the split).
   */
  async standing(player: string, around: number): Promise<PlayerStanding | undefined> {
    const entry = await this.of(player).entry(player);
    if (entry === undefined) return undefined;
    const { score, subscore, ts } = entry;
    const near = await this.ask(this.count, (stub) =>
      stub.near({ score, subscore, ts, player }, around, entry.country),
    );
    const shared = this.config.ties === "shared";
    const position = sum(near.map((n) => n.counts[0].ahead));
    const rank = shared ? sum(near.map((n) => n.counts[0].better)) + 1 : position + 1;
    const total = sum(near.map((n) => n.ranked));
    const standing: PlayerStanding = { ...entry, rank, total, top: topShare(rank, total) };
    if (entry.country !== undefined) {
      standing.countryRank =
        sum(near.map((n) => (shared ? (n.inCountry?.better ?? 0) : (n.inCountry?.ahead ?? 0)))) + 1;
    }
    if (around > 0) {
      const windows = near.map((n) => ({ ahead: n.counts[0].ahead, entries: n.entries }));
      standing.around = await this.ranked(aroundAcross(windows, around, this.order), Math.max(0, position - around));
    }
    return standing;
  }

  /**
   * Some players' entries, each from the shard that holds it, ranked on the
   * game's board by every shard's count ahead of it; and the board's total.
   */
  async entriesOf(players: readonly string[]): Promise<{ total: number; entries: LeaderboardEntry[] }> {
    const held: string[][] = Array.from({ length: this.count }, () => []);
    for (const player of players) held[shardOf(this.game, player, this.count)].push(player);
    const parts = await this.ask(this.count, async (stub, i) =>
      held[i].length > 0 ? await stub.entriesOf(held[i]) : [],
    );
    const found = parts.flat();
    const counts = await this.countsAhead(found);
    const shared = this.config.ties === "shared";
    const entries = found.map((entry, k) => ({
      ...entry,
      rank: sum(counts.map((c) => (shared ? c.counts[k].better : c.counts[k].ahead))) + 1,
    }));
    return { total: sum(counts.map((c) => c.ranked)), entries };
  }

  /** The shard that holds `player`. */
  of(player: string): DurableObjectStub<GameShard> {
    return this.stub(shardOf(this.game, player, this.count));
  }

  /** The game's boards beyond its players, across the shards. */
  boards(): ShardBoards {
    return new ShardBoards(this, this.config);
  }

  /** Deletes every shard's players and storage, of `shards` shards. */
  async delete(shards = this.count): Promise<void> {
    await this.ask(shards, (stub) => stub.deleteShard());
  }

  get order(): EntryOrder {
    return boardOrder(this.config.order === "asc", this.config.tiebreak?.order);
  }

  /**
   * Entries of consecutive places from `offset`, ranked as on one board: with
   * shared ties, the first by the players with a better score in every shard.
   */
  async ranked<E extends Placed>(entries: E[], offset: number): Promise<(E & { rank: number })[]> {
    const shared = this.config.ties === "shared";
    const better = async () => sum((await this.countsAhead([entries[0]])).map((c) => c.counts[0].better));
    const first = entries.length > 0 && shared ? (await better()) + 1 : offset + 1;
    return rankConsecutive(entries, offset, first, shared);
  }

  private parts(): SortedParts<LeaderboardEntry> {
    return {
      ranges: (ranges) =>
        Promise.all(ranges.map(([from, to], index) => (to > from ? this.stub(index).entries(from, to) : []))),
      at: (positions) =>
        Promise.all(positions.map((asked, index) => (asked.length > 0 ? this.stub(index).placedAt([...asked]) : []))),
      countsBefore: async (entries) => (await this.countsAhead(entries)).map((c) => c.counts.map((n) => n.ahead)),
    };
  }

  /** Every shard's players ahead of each entry, with its size. */
  countsAhead(entries: readonly Placed[]): Promise<ShardCounts[]> {
    const placed = entries.map(({ score, subscore, ts, player }) => ({ score, subscore, ts, player }));
    return this.ask(this.count, (stub) => stub.countsAhead(placed));
  }

  /** Asks each of the first `shards` shards at once. */
  ask<T>(shards: number, call: (stub: DurableObjectStub<GameShard>, index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: shards }, (_, index) => call(this.stub(index), index)));
  }

  private stub(index: number): DurableObjectStub<GameShard> {
    return this.namespace.getByName(shardName(this.game, index));
  }
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
