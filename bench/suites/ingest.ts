// Ingestion over HTTP against wrangler dev (started here): 1000-report JSON
// batches to one game and to 100 games, single-report requests at moderate
// load, and 5000-line line-protocol bodies. Acks are durable.
//
// Every load also runs against bench/empty-worker, which reads the body and
// answers with no work: wrangler dev's own cost per request on this machine
// (its proxy, the runtime and the load generator share the same cores), so
// each figure comes with the ceiling the local harness allows. The optional
// per-ingest-key limit (INGEST_LIMIT) runs again on the single reports and
// the one game's batches, against the same loads without it.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { root } from "../../test/support/migrated-state";
import { type BenchContext, type BenchResult, compared, percentile } from "../report";

export interface Load {
  name: string;
  /** Reports per request. */
  n: number;
  clients: number;
  /** Open loop: each client sends one request every `everyMs` (0: as fast as answered). */
  everyMs: number;
  /** Sends one request to the server at `url`; resolves once answered. */
  send(url: string): Promise<void>;
}

export interface Measured {
  reportsPerSecond: number;
  p50: number;
  p99: number;
  /** Server CPU (wrangler and workerd, user+system) per request. */
  cpuMsPerRequest: number;
}

const CEILING = "empty Worker (wrangler dev ceiling)";
const EMPTY_WORKER = "bench/empty-worker/wrangler.toml";

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 1 : 10;
  const loads = ingestLoads();
  const podium = await measureAll(ctx, new DevServer(), "podium", loads, seconds);
  const ceiling = await measureAll(ctx, new DevServer(EMPTY_WORKER), "empty Worker", loads, seconds);
  return [...ceilingRows(loads, podium, ceiling), ...(await ingestLimitRows(ctx, loads, podium, seconds))];
}

/** A measure as a row of one load: `value` against `baseline`'s measure of the same load. */
type Measure = [measure: string, unit: string, pick: (m: Measured) => number, lowerIsBetter: boolean];

const THROUGHPUT: Measure = ["throughput", "reports/s", (m) => m.reportsPerSecond, false];
const P99: Measure = ["ack p99", "ms", (m) => m.p99, true];

function rows(name: string, load: Load, value: Measured, baseline: string, against: Measured, measures: Measure[]) {
  return measures.map(([measure, unit, pick, lowerIsBetter]) =>
    compared(
      {
        suite: "ingest",
        name: `${name}: ${measure}`,
        n: load.n,
        value: pick(value),
        unit,
        baseline,
        baselineValue: pick(against),
      },
      lowerIsBetter,
    ),
  );
}

function ceilingRows(loads: Load[], podium: Measured[], ceiling: Measured[]): BenchResult[] {
  return loads.flatMap((load, i) =>
    rows(load.name, load, podium[i], CEILING, ceiling[i], [
      THROUGHPUT,
      ["ack p50", "ms", (m) => m.p50, true],
      P99,
      ["server CPU per request", "ms", (m) => m.cpuMsPerRequest, true],
    ]),
  );
}

/** wrangler.toml with INGEST_LIMIT bound, high enough that no request is refused: what counting costs. */
const LIMITED_CONFIG = "wrangler.bench-ingest-limit.toml";

async function ingestLimitRows(
  ctx: BenchContext,
  loads: Load[],
  without: Measured[],
  seconds: number,
): Promise<BenchResult[]> {
  const picked = loads.flatMap((load, i) =>
    load.name.startsWith("single") || load.name.endsWith("one game") ? [{ load, without: without[i] }] : [],
  );
  const path = join(root, LIMITED_CONFIG);
  writeFileSync(
    path,
    `${readFileSync(join(root, "wrangler.toml"), "utf8")}
[[ratelimits]]
name = "INGEST_LIMIT"
namespace_id = "1003"
simple = { limit = 1000000, period = 60 }
`,
  );
  try {
    const limited = await measureAll(
      ctx,
      new DevServer(LIMITED_CONFIG),
      "podium with INGEST_LIMIT",
      picked.map((p) => p.load),
      seconds,
    );
    return picked.flatMap(({ load, without }, i) =>
      rows(`${load.name}, INGEST_LIMIT bound`, load, limited[i], "the same load without INGEST_LIMIT", without, [
        THROUGHPUT,
        P99,
      ]),
    );
  } finally {
    rmSync(path, { force: true });
  }
}

function ingestLoads(): Load[] {
  let counter = 0;
  const batch = (size: number) =>
    Array.from({ length: size }, () => {
      const i = counter++;
      return { player: `player-${(i * 7919) % 100_000}`, score: i % 1_000_000, ts: 1_700_000_000_000 + i };
    });
  const post = async (url: string, body: string, type: string, status: number) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": type },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== status) throw new Error(`${url}: ${res.status}`);
  };
  const json = (game: () => string, size: number) => (url: string) =>
    post(
      `${url}/v1/games/${game()}/scores`,
      JSON.stringify(size === 1 ? batch(1)[0] : { scores: batch(size) }),
      "application/json",
      200,
    );
  return [
    { name: "1000-report batches, one game", n: 1000, clients: 4, everyMs: 0, send: json(() => "ingest-one", 1000) },
    {
      name: "1000-report batches, 100 games",
      n: 1000,
      clients: 4,
      everyMs: 0,
      send: json(() => `ingest-${Math.floor(Math.random() * 100)}`, 1000),
    },
    { name: "single reports at 100 req/s", n: 1, clients: 4, everyMs: 40, send: json(() => "ingest-single", 1) },
    {
      name: "5000-line line protocol, one game",
      n: 5000,
      clients: 4,
      everyMs: 0,
      send: (url) =>
        post(
          `${url}/v1/write?precision=ms`,
          batch(5000)
            .map((r) => `scores,game=ingest-lines,player=${r.player} value=${r.score} ${r.ts}`)
            .join("\n"),
          "text/plain",
          204,
        ),
    },
  ];
}

async function measureAll(
  ctx: BenchContext,
  server: DevServer,
  label: string,
  loads: Load[],
  seconds: number,
): Promise<Measured[]> {
  await server.start();
  try {
    const measured: Measured[] = [];
    for (const load of loads) {
      const pace = load.everyMs > 0 ? `${(1000 / load.everyMs) * load.clients} requests/s` : "as fast as answered";
      ctx.progress(`${label}: ${load.name}, ${load.clients} clients, ${pace}, ${seconds}s`);
      measured.push(await drive(server, load, seconds));
    }
    return measured;
  } finally {
    await server.dispose();
  }
}

/** `load.clients` loops calling `load.send` for `seconds`. */
export async function drive(server: DevServer, load: Load, seconds: number): Promise<Measured> {
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  const cpuBefore = server.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: load.clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await load.send(server.url);
        const took = performance.now() - t;
        latencies.push(took);
        if (load.everyMs > took) await new Promise((r) => setTimeout(r, load.everyMs - took));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMsPerRequest = ((server.cpuSeconds() - cpuBefore) * 1000) / latencies.length;
  latencies.sort((a, b) => a - b);
  return {
    reportsPerSecond: (latencies.length * load.n) / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuMsPerRequest,
  };
}
