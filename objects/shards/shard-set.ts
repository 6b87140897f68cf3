import { boardOrder, type Placed } from "../../engine/board-order";
import { pageAcross } from "../../engine/pages-across";
import type { LeaderboardEntry, PlayerStanding } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { accepted, type Outcome } from "../../protocol/errors";
import { shardMaxPlayers, shardName, shardOf } from "../../protocol/shards";
import type { CountsAhead, GameShard } from "./game-shard";

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

  private get count(): number {
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
    const outcomes = await this.each(
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
    return this.each(this.count, (stub) => stub.size());
  }

  /** Entries at [offset, offset + limit) of the game's board, with their ranks on it, and its total. */
  async page(offset: number, limit: number): Promise<{ total: number; entries: LeaderboardEntry[] }> {
    const sizes = (await this.sizes()).map((s) => s.ranked);
    const total = sizes.reduce((sum, n) => sum + n, 0);
    return { total, entries: await this.entriesAt(sizes, offset, limit) };
  }

  /** A player's standing on the game's board, with `around` neighbours each side; undefined when not on it. */
  async standing(player: string, around: number): Promise<PlayerStanding | undefined> {
    const entry = await this.stub(shardOf(this.game, player, this.count)).entry(player);
    if (entry === undefined) return undefined;
    const [counts, sizes] = await Promise.all([this.countsAhead(entry), this.sizes()]);
    const position = counts.reduce((sum, c) => sum + c.ahead, 0);
    const rank = this.config.ties === "first" ? position + 1 : counts.reduce((sum, c) => sum + c.better, 0) + 1;
    const ranked = sizes.map((s) => s.ranked);
    const standing: PlayerStanding = { ...entry, rank, total: ranked.reduce((sum, n) => sum + n, 0) };
    if (around > 0) {
      const from = Math.max(0, position - around);
      standing.around = await this.entriesAt(ranked, from, position - from + around + 1);
    }
    return standing;
  }

  /** Deletes every shard's players and storage, of `shards` shards. */
  async delete(shards = this.count): Promise<void> {
    await this.each(shards, (stub) => stub.deleteShard());
  }

  /** The entries at [offset, offset + limit) across the shards, ranked as on one board. */
  private async entriesAt(sizes: number[], offset: number, limit: number): Promise<LeaderboardEntry[]> {
    const order = boardOrder(this.config.order === "asc");
    const entries = await pageAcross<LeaderboardEntry>(sizes, offset, limit, this.parts(), order);
    if (entries.length === 0) return entries;
    // Shared ties: the page's first entry shares the rank of the first with its score, wherever that is.
    const firstRank =
      this.config.ties === "first"
        ? offset + 1
        : (await this.countsAhead(entries[0])).reduce((sum, c) => sum + c.better, 0) + 1;
    let previous: LeaderboardEntry | undefined;
    return entries.map((entry, i) => {
      const rank =
        i === 0
          ? firstRank
          : this.config.ties === "shared" && previous?.score === entry.score
            ? previous.rank
            : offset + i + 1;
      previous = { ...entry, rank };
      return previous;
    });
  }

  private parts() {
    return {
      ranges: (ranges: readonly (readonly [number, number])[]) =>
        Promise.all(ranges.map(([from, to], index) => (to > from ? this.stub(index).entries(from, to) : []))),
      countsBefore: async (entry: Placed) => (await this.countsAhead(entry)).map((c) => c.ahead),
    };
  }

  private countsAhead(entry: Placed): Promise<CountsAhead[]> {
    const { score, ts, player } = entry;
    return this.each(this.count, (stub) => stub.countsAhead({ score, ts, player }));
  }

  private each<T>(
    shards: number,
    call: (stub: DurableObjectStub<GameShard>, index: number) => Promise<T>,
  ): Promise<T[]> {
    return Promise.all(Array.from({ length: shards }, (_, index) => call(this.stub(index), index)));
  }

  private stub(index: number): DurableObjectStub<GameShard> {
    return this.namespace.getByName(shardName(this.game, index));
  }
}
