import { describe, expect, it } from "vitest";
import { boardOrder } from "../../engine/board-order";
import { SeasonsAcross } from "../../objects/shards/seasons-across";
import type { LeaderboardEntry } from "../../protocol/boards";
import { DEFAULT_CONFIG, type GameConfig } from "../../protocol/config";

// The sharded close over fakes: shards that close by number as GameShard does, a book and records in memory. What
// the HTTP tests cannot do: fail one shard's answer to a close, then ask again.

/** A shard as ShardSeasons answers: closes a season once by number, keeps its closed board until released. */
class FakeShard {
  closed: { season: number; entries: LeaderboardEntry[] } | undefined;
  failNextClose = false;

  constructor(public open: LeaderboardEntry[]) {}

  async closeSeason(season: number) {
    if (this.failNextClose) {
      this.failNextClose = false;
      throw new Error("the shard did not answer");
    }
    if (this.closed?.season !== season) {
      this.closed = { season, entries: this.open };
      this.open = [];
    }
    return { season, players: this.closed.entries.length, poolMicros: 0 };
  }

  async seasonStandings(season: number, from: number, to: number) {
    return this.closed?.season === season ? this.closed.entries.slice(from, to) : [];
  }

  async releaseSeason(season: number) {
    if (this.closed?.season === season) this.closed = undefined;
  }

  async pool() {
    return 0;
  }
}

function across(config: GameConfig, shards: FakeShard[]) {
  const meta = new Map<string, unknown>();
  const tables = {
    meta: { read: (key: string) => meta.get(key), write: (key: string, value: unknown) => meta.set(key, value) },
    transaction: <T>(work: () => T) => work(),
  };
  let open = 1;
  const closed: { season: number; awards: unknown }[] = [];
  const staged: LeaderboardEntry[] = [];
  const book = {
    current: () => ({ number: open, startedAt: 0, endsAt: null }),
    pool: 100_000_000,
    feed: () => {},
    close: (_at: number, _final: unknown, next: { awards: unknown }) => {
      closed.push({ season: open, awards: next.awards });
      open++;
    },
    stage: (_season: number, _part: number, entries: LeaderboardEntry[]) => staged.push(...entries),
  };
  const set = {
    count: shards.length,
    order: boardOrder(config.order === "asc", config.tiebreak?.order),
    ask: <T>(count: number, call: (stub: FakeShard, i: number) => Promise<T>) =>
      Promise.all(shards.slice(0, count).map((stub, i) => call(stub, i))),
  };
  const seasons = new SeasonsAcross(
    tables as never,
    book as never,
    () => set as never,
    () => config,
  );
  return { seasons, closed, staged };
}

const entry = (player: string, score: number, subscore?: number): LeaderboardEntry =>
  ({ player, score, ts: 1, rank: 0, ...(subscore === undefined ? {} : { subscore }) }) as LeaderboardEntry;

describe("SeasonsAcross", () => {
  it("finishes a close cut short when asked again, and closes no other season", async () => {
    const a = new FakeShard([entry("a", 10)]);
    const b = new FakeShard([entry("b", 9)]);
    b.failNextClose = true;
    const { seasons, closed } = across({ ...DEFAULT_CONFIG, shards: 2 }, [a, b]);
    await expect(seasons.close(1000, 1)).rejects.toThrow("did not answer");
    // The alarm fires again (or an admin closes now): the same close goes on.
    expect(await seasons.close(2000, 1)).toBe(1);
    expect(closed.map((c) => c.season)).toEqual([1]);
  });

  it("closes a season once when the boundary and an admin ask for it at the same time", async () => {
    const a = new FakeShard([entry("a", 10)]);
    const b = new FakeShard([entry("b", 9)]);
    const { seasons, closed } = across({ ...DEFAULT_CONFIG, shards: 2 }, [a, b]);
    // The second waits its turn while the first awaits the shards, then finds season 1 closed.
    expect(await Promise.all([seasons.close(1000, 1), seasons.close(1001, 1)])).toEqual([1, 1]);
    expect(closed.map((c) => c.season)).toEqual([1]);
  });

  it("shares a rank across shards only on the same score and subscore: the awards and the standings", async () => {
    const config = {
      ...DEFAULT_CONFIG,
      shards: 2,
      ties: "shared",
      tiebreak: { order: "desc" },
      prizes: { poolSeed: 100, poolShare: 0, split: [{ from: 1, to: 1, share: 1 }] },
    } as GameConfig;
    const a = new FakeShard([entry("a", 10, 9)]);
    const b = new FakeShard([entry("b", 10, 5), entry("c", 10, 1)]);
    const { seasons, closed, staged } = across(config, [a, b]);
    await seasons.close(1000, 1);
    while (await seasons.stage());
    expect(closed[0].awards).toEqual([{ rank: 1, player: "a", amount: 100 }]);
    expect(staged.map((e) => [e.player, e.rank])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });
});
