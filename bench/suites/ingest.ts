// Ingestion over HTTP against wrangler dev (started here): 1000-report JSON
// batches to one game and to 100 games, single-report requests at moderate
// load, and 5000-line line-protocol bodies. Acks are durable.
import { DevServer, INGEST_KEY } from "../../scripts/dev-server";
import { type BenchContext, type BenchResult, percentile } from "../report";

interface Load {
  reportsPerSecond: number;
  p50: number;
  p99: number;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 3 : 10;
  const server = new DevServer();
  await server.start();
  const results: BenchResult[] = [];
  const add = (name: string, load: Load, n: number) => {
    results.push({ suite: "ingest", name: `${name}: throughput`, n, value: load.reportsPerSecond, unit: "reports/s" });
    results.push({ suite: "ingest", name: `${name}: ack p50`, n, value: load.p50, unit: "ms" });
    results.push({ suite: "ingest", name: `${name}: ack p99`, n, value: load.p99, unit: "ms" });
  };
  try {
    let counter = 0;
    const batch = (size: number) =>
      Array.from({ length: size }, () => {
        const i = counter++;
        return { player: `player-${(i * 7919) % 100_000}`, score: i % 1_000_000, ts: 1_700_000_000_000 + i };
      });
    const json = (game: () => string, size: number) => async () => {
      const res = await fetch(`${server.url}/v1/games/${game()}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(size === 1 ? batch(1)[0] : { scores: batch(size) }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ingest: ${res.status}`);
      return size;
    };

    ctx.progress(`1000-report batches to one game, 4 clients, ${seconds}s`);
    add(
      "1000-report batches, one game",
      await drive(
        4,
        seconds,
        json(() => "ingest-one", 1000),
      ),
      1000,
    );
    ctx.progress(`1000-report batches to 100 games, 4 clients, ${seconds}s`);
    add(
      "1000-report batches, 100 games",
      await drive(
        4,
        seconds,
        json(() => `ingest-${Math.floor(Math.random() * 100)}`, 1000),
      ),
      1000,
    );
    ctx.progress(`single reports at a moderate 100 requests/s, ${seconds}s`);
    add(
      "single reports at 100 req/s",
      await drive(
        4,
        seconds,
        json(() => "ingest-single", 1),
        40,
      ),
      1,
    );
    ctx.progress(`5000-line line-protocol bodies, 4 clients, ${seconds}s`);
    add(
      "5000-line line protocol, one game",
      await drive(4, seconds, async () => {
        const lines = batch(5000).map((r) => `scores,game=ingest-lines,player=${r.player} value=${r.score} ${r.ts}`);
        const res = await fetch(`${server.url}/v1/write?precision=ms`, {
          method: "POST",
          headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "text/plain" },
          body: lines.join("\n"),
        });
        await res.arrayBuffer();
        if (res.status !== 204) throw new Error(`write: ${res.status}`);
        return 5000;
      }),
      5000,
    );
  } finally {
    await server.dispose();
  }
  return results;
}

/**
 * `clients` loops calling `send` (which returns reports sent) for `seconds`,
 * as fast as answered, or one call per `everyMs` each (open loop).
 */
async function drive(clients: number, seconds: number, send: () => Promise<number>, everyMs = 0): Promise<Load> {
  const latencies: number[] = [];
  let reports = 0;
  const end = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        // Not `reports += await send()`: that reads `reports` before the await and loses concurrent updates.
        const sent = await send();
        reports += sent;
        const took = performance.now() - t;
        latencies.push(took);
        if (everyMs > took) await new Promise((r) => setTimeout(r, everyMs - took));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { reportsPerSecond: reports / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}
