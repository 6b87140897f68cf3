// Storage inside workerd: batches applied through the GameBoard's real code
// path (RPC from a bench entry point, no HTTP per batch), then the rebuild
// after the object is gone: wrangler dev restarted on the same state, timed
// to the first answered read.
import { DevServer } from "../../scripts/dev-server";
import type { BenchContext, BenchResult } from "../report";

const PER_REQUEST = 20; // batches of 1000 per /fill request

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const sizes = ctx.quick ? [100_000] : [100_000, 1_000_000];
  const results: BenchResult[] = [];
  for (const players of sizes) {
    const server = new DevServer("bench/storage-worker/wrangler.toml");
    await server.start();
    try {
      const game = `storage-${players}`;
      const batches = players / 1000;
      ctx.progress(`applying ${batches} batches of 1000 (${players.toLocaleString("en-US")} players)`);
      const started = performance.now();
      for (let from = 0; from < batches; from += PER_REQUEST) {
        const res = await fetch(
          `${server.url}/fill?game=${game}&from=${from}&batches=${PER_REQUEST}&players=${players}`,
          {
            method: "POST",
          },
        );
        if (res.status !== 200) throw new Error(`fill: ${res.status} ${await res.text()}`);
        if ((from / PER_REQUEST) % 10 === 9) ctx.progress(`${(from + PER_REQUEST) * 1000} reports applied`);
      }
      const seconds = (performance.now() - started) / 1000;
      results.push({
        suite: "storage",
        name: "apply 1000-report batches (RPC, durable)",
        n: players,
        value: players / seconds,
        unit: "reports/s",
      });

      // Let background compaction run, then take the object away with the process (hard kill).
      await new Promise((r) => setTimeout(r, ctx.quick ? 2000 : 8000));
      await server.stop("SIGKILL");
      ctx.progress("restarting wrangler dev to time the rebuild");
      await server.start();
      const t = performance.now();
      const res = await fetch(`${server.url}/read?game=${game}`);
      const body = (await res.json()) as { ok: boolean; value?: { total: number } };
      const rebuildMs = performance.now() - t;
      if (!body.ok || body.value?.total !== players)
        throw new Error(`rebuild read: ${JSON.stringify(body).slice(0, 200)}`);
      results.push({
        suite: "storage",
        name: "rebuild after eviction (first read)",
        n: players,
        value: rebuildMs,
        unit: "ms",
      });
    } finally {
      await server.dispose();
    }
  }
  return results;
}
