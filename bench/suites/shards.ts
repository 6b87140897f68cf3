// Sharded games over wrangler dev (started here), filled through the Worker
// with 1000-report JSON batches, several in flight, as game servers send them:
// - the big game: 10^7 players over 16 shards (quick: 4x10^4 over 4): the fill
//   rate, workerd's memory per player, and the reads a board answers most (the
//   top 15, a standing with around 5, a page deep in the middle), each against
//   the same read of a one-object game of 10^6 players in the same server;
// - the write path on 1, 4 and 16 shards at 10^6 players (quick 4x10^4): reports
//   per second and server CPU per 1000 reports;
// - a 1-shard game against the default (unsharded) game;
// - each shard's engine heap per player at its share of the big game (Node).
import { Ranking } from "../../engine/ranking";
import { DevServer } from "../../test/support/dev-server";
import { settledHeap } from "../measure";
import { configure, type Fill, fill, latencies } from "../over-http";
import { type BenchContext, type BenchResult, compared } from "../report";

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const big = ctx.quick ? { players: 40_000, shards: 4 } : { players: 10_000_000, shards: 16 };
  const mid = ctx.quick ? 40_000 : 1_000_000;
  const readCount = ctx.quick ? 50 : 200;
  const results: BenchResult[] = [];
  const server = new DevServer();
  await server.start();
  try {
    const row = (name: string, n: number, value: number, unit: string, baseline?: [string, number], lower = true) =>
      compared({ suite: "shards", name, n, value, unit, baseline: baseline?.[0], baselineValue: baseline?.[1] }, lower);

    // The write path by shard count, each game filled from empty.
    const fills = new Map<number, Fill>();
    for (const shards of [1, 4, 16]) {
      const game = `write-${shards}`;
      // Shards fill unevenly (by hash), and each holds at most its share of maxPlayers: leave room.
      await configure(server, game, { shards, maxPlayers: shards === 1 ? mid : Math.ceil(mid * 1.1) });
      ctx.progress(`filling ${mid.toLocaleString("en-US")} players over ${shards} shard(s)`);
      fills.set(shards, await fill(server, game, mid, ctx));
    }
    const one = fills.get(1) as Fill;
    for (const [shards, f] of fills) {
      results.push(
        row(
          `fill through the Worker, ${shards} shard(s)`,
          mid,
          f.perSecond,
          "reports/s",
          ["1 shard", one.perSecond],
          false,
        ),
        row(`server CPU per 1000 reports, ${shards} shard(s)`, mid, f.cpuMsPer1000, "ms", [
          "1 shard",
          one.cpuMsPer1000,
        ]),
      );
    }
    const unsharded = "write-default";
    ctx.progress("filling the same players on a game with the default config");
    const plain = await fill(server, unsharded, mid, ctx);
    results.push(
      row(
        "fill through the Worker, shards: 1 set",
        mid,
        one.perSecond,
        "reports/s",
        ["default config", plain.perSecond],
        false,
      ),
    );

    // The big game, and the reads against the one-object game of `mid` players.
    const game = "big";
    await configure(server, game, { shards: big.shards, maxPlayers: Math.ceil(big.players * 1.1) });
    ctx.progress(`filling ${big.players.toLocaleString("en-US")} players over ${big.shards} shards`);
    const before = totalRss(server);
    const filled = await fill(server, game, big.players, ctx);
    const bytes = totalRss(server) - before;
    results.push(
      row(
        `fill through the Worker, ${big.shards} shards`,
        big.players,
        filled.perSecond,
        "reports/s",
        undefined,
        false,
      ),
      row(`workerd memory per player, ${big.shards} shards`, big.players, bytes / big.players, "B"),
    );
    const reads: [string, (g: string, n: number) => string][] = [
      ["top 15", (g) => `/v1/games/${g}/leaderboard?limit=15`],
      ["standing with around 5", (g, n) => `/v1/games/${g}/players/p${Math.floor(n / 3)}?around=5`],
      ["a page of 15 at the middle", (g, n) => `/v1/games/${g}/leaderboard?limit=15&offset=${Math.floor(n / 2)}`],
    ];
    for (const [name, path] of reads) {
      ctx.progress(`${readCount} reads: ${name}`);
      const sharded = await latencies(server, () => path(game, big.players), readCount);
      const base = await latencies(server, () => path("write-1", mid), readCount);
      results.push(
        row(`${name} p50, ${big.shards} shards`, big.players, sharded.p50, "ms", [`one object, ${mid}`, base.p50]),
        row(`${name} p99, ${big.shards} shards`, big.players, sharded.p99, "ms", [`one object, ${mid}`, base.p99]),
      );
    }
  } finally {
    await server.dispose();
  }

  ctx.progress("engine heap per player at one shard's share (Node)");
  const share = Math.ceil(big.players / big.shards);
  const empty = await settledHeap();
  const board = new Ranking();
  board.load(
    Array.from({ length: share }, (_, i) => ({ player: `p${i * big.shards}`, score: i % 1_000_000, ts: i })),
    share,
  );
  const heap = (await settledHeap()) - empty;
  results.push({
    suite: "shards",
    name: "one shard's engine heap per player (Node)",
    n: share,
    value: heap / share,
    unit: "B",
  });
  return results;
}

function totalRss(server: DevServer): number {
  return [...server.workerdMemory().values()].reduce((sum, m) => sum + m.rss, 0);
}
