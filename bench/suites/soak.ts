// The soak: writers posting batches with ids and spectators (half following
// a player) against one game on `wrangler dev`, with a kill -9 of the server
// in the middle and a restart on the same state. It checks as it measures:
// every acknowledged id counts exactly once, and every spectator converges
// on the true board after reconnecting. A failed check fails the run.

import { createClient, LiveFeed, type PodiumClient } from "../../client/index";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, percentile } from "../report";

const GAME = "soak";
const WRITERS = 4;
const BATCH = 500;
const PLAYERS = 2000;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 12 : 60;
  const spectatorCount = ctx.quick ? 40 : 200;
  const server = new DevServer();
  await server.start();
  try {
    const param = { game: GAME };
    const put = await createClient(server.url, { key: ADMIN_KEY }).v1.games[":game"].$put({
      param,
      json: { aggregate: "sum" },
    });
    if (put.status !== 200) throw new Error(`configure: ${put.status}`);
    const podium = createClient(server.url, { key: INGEST_KEY });
    const memoryBefore = workerdRss(server);

    ctx.progress(`${spectatorCount} spectators, half following a player`);
    const spectators = Array.from({ length: spectatorCount }, (_, i) =>
      i % 2 === 0
        ? new LiveFeed(server.url, GAME, { limit: 15, maxBackoffMs: 1000 })
        : new LiveFeed(server.url, GAME, {
            limit: 15,
            player: `p${(i * 37) % PLAYERS}`,
            around: 2,
            maxBackoffMs: 1000,
          }),
    );
    await Promise.all(spectators.map((s) => s.open()));

    ctx.progress(
      `${seconds} s of ${WRITERS} writers posting ${BATCH}-report batches with ids; kill -9 at ${seconds / 2} s`,
    );
    const expected = new Map<string, number>();
    const latencies: number[] = [];
    let acked = 0;
    let retries = 0;
    let duplicates = 0;
    const started = Date.now();
    const end = started + seconds * 1000;
    const writer = async (w: number) => {
      for (let seq = 0; Date.now() < end; seq++) {
        const scores = Array.from({ length: BATCH }, (_, k) => ({
          player: `p${(w * 7919 + seq * 104_729 + k * 31) % PLAYERS}`,
          score: 1,
          id: `w${w}-${seq}-${k}`,
        }));
        // The same batch until it is acknowledged: ids make a resend after an unanswered attempt safe.
        for (;;) {
          const t = performance.now();
          try {
            const res = await podium.v1.games[":game"].scores.$post({ param, json: { scores } });
            if (res.ok) {
              const body = await res.json();
              latencies.push(performance.now() - t);
              acked += BATCH;
              duplicates += body.duplicates;
              break;
            }
          } catch {
            // The server is down: try again shortly.
          }
          retries++;
          await new Promise((r) => setTimeout(r, 200));
        }
        for (const { player } of scores) expected.set(player, (expected.get(player) ?? 0) + 1);
      }
    };
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, (seconds / 2) * 1000));
      ctx.progress("kill -9 of wrangler dev, then a restart on the same state");
      await server.stop("SIGKILL");
      await server.start();
      ctx.progress("restarted");
    })();
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), killer]);
    const elapsed = (Date.now() - started) / 1000;

    ctx.progress("checking every acknowledged id counted exactly once");
    const board = { total: 0, entries: [] as { player: string; score: number }[] };
    for (let offset = 0; offset === 0 || offset < board.total; offset += 1000) {
      const res = await podium.v1.games[":game"].leaderboard.$get({
        param,
        query: { limit: "1000", offset: String(offset) },
      });
      if (!res.ok) throw new Error(`leaderboard: ${res.status}`);
      const page = await res.json();
      board.total = page.total;
      board.entries.push(...page.entries);
    }
    const wrong = board.entries.filter((e) => e.score !== expected.get(e.player));
    if (board.total !== expected.size || board.entries.length !== expected.size || wrong.length > 0) {
      throw new Error(
        `soak: ${wrong.length} players off and ${board.total} on the board for ${expected.size} reported ` +
          `(e.g. ${JSON.stringify(wrong.slice(0, 3))}, expected ${wrong[0] ? expected.get(wrong[0].player) : "-"})`,
      );
    }

    ctx.progress("checking every spectator converged");
    const converged = await convergence(podium, spectators);
    if (converged < spectators.length) {
      throw new Error(`soak: ${spectators.length - converged} of ${spectators.length} spectators did not converge`);
    }
    const memoryAfter = workerdRss(server);
    const reconnects = spectators.reduce((sum, s) => sum + s.reconnects, 0);
    for (const s of spectators) s.close();
    ctx.progress(
      `${acked} reports acked in ${elapsed.toFixed(0)} s, ${retries} resends, ${duplicates} came back as duplicates, ` +
        `${reconnects} spectator reconnects; all ${spectators.length} spectators converged`,
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    const row = (name: string, value: number, unit: string, note?: string): BenchResult => ({
      suite: "soak",
      name,
      n: spectatorCount,
      value,
      unit,
      ...(note ? { note } : {}),
    });
    return [
      row("reports acked per second, through a kill -9", acked / elapsed, "reports/s"),
      row("ack latency p50", percentile(sorted, 0.5), "ms"),
      row(
        "ack latency p99",
        percentile(sorted, 0.99),
        "ms",
        "acknowledged attempts; resends after the kill not counted",
      ),
      row("acked ids counted other than once", 0, "ids", `${acked} acked, ${duplicates} resent as duplicates`),
      row("spectators converged after reconnecting", converged, "sockets", `${reconnects} reconnects`),
      row("workerd RSS before the load", memoryBefore / 2 ** 20, "MB"),
      row("workerd RSS after (restarted process)", memoryAfter / 2 ** 20, "MB"),
    ];
  } finally {
    await server.dispose();
  }
}

function workerdRss(server: DevServer): number {
  let total = 0;
  for (const { rss } of server.workerdMemory().values()) total += rss;
  return total;
}

/** Waits until each spectator's board equals what the API says it should show; returns how many do. */
async function convergence(podium: PodiumClient, spectators: LiveFeed[]): Promise<number> {
  const deadline = Date.now() + 15_000;
  const param = { game: GAME };
  let matching = 0;
  while (Date.now() < deadline) {
    const res = await podium.v1.games[":game"].leaderboard.$get({ param, query: { limit: "15" } });
    if (!res.ok) throw new Error(`leaderboard: ${res.status}`);
    const top = await res.json();
    matching = 0;
    for (const s of spectators) {
      let want = top.entries.map(({ player, rank, score }) => ({ player, rank, score }));
      const follows = s.following;
      if (follows !== undefined) {
        const standingRes = await podium.v1.games[":game"].players[":player"].$get({
          param: { game: GAME, player: follows },
          query: { around: "2" },
        });
        const standing = standingRes.ok ? await standingRes.json() : { around: [] };
        const seen = new Set(want.map((e) => e.player));
        for (const { player, rank, score } of standing.around ?? [])
          if (!seen.has(player)) want.push({ player, rank, score });
        want = want.sort((a, b) => a.rank - b.rank);
      }
      const seen = s.entries().map(({ player, rank, score }) => ({ player, rank, score }));
      if (JSON.stringify(seen) === JSON.stringify(want)) matching++;
    }
    if (matching === spectators.length) return matching;
    await new Promise((r) => setTimeout(r, 500));
  }
  return matching;
}
