// Friends reads over wrangler dev (started here): a one-object game filled
// with 10^6 players (quick: 2x10^4) through the Worker, then GET
// ?players= with 100 names spread over the whole board, each read a
// different set, against a plain top-100 page of the same game.
import { DevServer } from "../../test/support/dev-server";
import { configure, fill, latencies } from "../over-http";
import { type BenchContext, type BenchResult, compared } from "../report";

const FRIENDS = 100;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const players = ctx.quick ? 20_000 : 1_000_000;
  const reads = ctx.quick ? 60 : 300;
  const game = "friends";
  const server = new DevServer();
  await server.start();
  try {
    await configure(server, game, { maxPlayers: players });
    ctx.progress(`filling ${players.toLocaleString("en-US")} players`);
    await fill(server, game, players, ctx);
    // Reads are timed once the fill's background work (compaction, stats flushes) is done, as a board at rest.
    await server.idle();
    // One name per stretch of the board's players, shifted each read: no two reads ask the same set.
    const stretch = players / FRIENDS;
    const friends = (i: number) =>
      Array.from({ length: FRIENDS }, (_, k) => `p${k * stretch + ((i * 7919 + k * 104_729) % stretch)}`).join(",");
    ctx.progress(`${reads} friends reads of ${FRIENDS} players and ${reads} top-${FRIENDS} pages`);
    await latencies(server, (i) => `/v1/games/${game}/leaderboard?players=${friends(i + reads)}`, 20);
    const top = await latencies(server, () => `/v1/games/${game}/leaderboard?limit=${FRIENDS}`, reads);
    const read = await latencies(server, (i) => `/v1/games/${game}/leaderboard?players=${friends(i)}`, reads);
    // What any request costs over wrangler dev here (its proxy, the Worker's routing): the floor under both.
    const floor = await latencies(server, () => "/v1/no-such-route", reads, 404);
    const row = (p: "p50" | "p99", note?: string) =>
      compared(
        {
          suite: "friends",
          name: `friends read of ${FRIENDS} players, ${p} over wrangler dev`,
          n: players,
          value: read[p],
          unit: "ms",
          baseline: `a top-${FRIENDS} page, ${p}`,
          baselineValue: top[p],
          ...(note === undefined ? {} : { note }),
        },
        true,
      );
    return [
      row("p50"),
      row("p99", "goal: at most 10 ms"),
      ...(["p50", "p99"] as const).map((p) => ({
        suite: "friends",
        name: `a 404 over wrangler dev, ${p}: the floor under every read`,
        n: players,
        value: floor[p],
        unit: "ms",
      })),
    ];
  } finally {
    await server.dispose();
  }
}
