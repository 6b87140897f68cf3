// The main Worker over wrangler dev, as game servers and players reach it:
// a game configured with the admin key, filled with 1000-report JSON batches
// (several in flight), and a read's latency percentiles.
import { ADMIN_KEY, type DevServer, INGEST_KEY } from "../test/support/dev-server";
import type { BenchContext } from "./report";
import { percentile } from "./report";

const BATCH = 1000;
const IN_FLIGHT = 8;

export interface Fill {
  perSecond: number;
  cpuMsPer1000: number;
}

export async function configure(server: DevServer, game: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.url}/v1/games/${game}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 200) throw new Error(`configure ${game}: ${res.status} ${await res.text()}`);
}

/** A POST to `server` (such as the storage bench worker's routes) that must answer 200. */
export async function postOk(server: DevServer, path: string): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, { method: "POST" });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res;
}

/** Sends players `p0`..`p<players-1>` once each in batches, IN_FLIGHT at a time; every answer must be a 200. */
export async function fill(server: DevServer, game: string, players: number, ctx: BenchContext): Promise<Fill> {
  const batches = players / BATCH;
  let next = 0;
  let done = 0;
  const cpuBefore = server.cpuSeconds();
  const started = performance.now();
  const client = async () => {
    for (let b = next++; b < batches; b = next++) {
      const scores = Array.from({ length: BATCH }, (_, k) => {
        const i = b * BATCH + k;
        return { player: `p${i}`, score: (i * 7919) % 1_000_003, ts: 1_700_000_000_000 + (i % 3600_000) };
      });
      const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ scores }),
      });
      if (res.status !== 200) throw new Error(`fill ${game}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      if (++done % Math.max(1, Math.floor(batches / 10)) === 0) ctx.progress(`${game}: ${done * BATCH} reports`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, client));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: players / seconds, cpuMsPer1000: ((server.cpuSeconds() - cpuBefore) * 1000) / batches };
}

/** `reads` reads one after another (each a fresh `path(i)`); every answer must have `status`. */
export async function latencies(
  server: DevServer,
  path: (i: number) => string,
  reads: number,
  status = 200,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    const res = await fetch(`${server.url}${path(i)}`);
    await res.arrayBuffer();
    if (res.status !== status) throw new Error(`${path(i)}: ${res.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
