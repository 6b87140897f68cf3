// Event hooks under a storm of leader changes, over wrangler dev (started
// here): ten 1000-report batches a second, every report a new best, so the
// leader changes 10^4 times a second. The same load runs on a game without
// hooks and on one with leader.changed and top.changed every second to a
// local receiver; the difference in the server's CPU is what hooks cost.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { configure } from "../over-http";
import { type BenchContext, type BenchResult, compared } from "../report";

const BATCHES_PER_SECOND = 10;
const BATCH = 1000;

/** A receiver that answers 204 and counts what it gets, by event type. */
async function receiver(): Promise<{ url: string; received: Map<string, number>; close(): void }> {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const { type } = JSON.parse(body) as { type: string };
      received.set(type, (received.get(type) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => server.close(),
  };
}

/** `seconds` of the storm on `game`; the server's CPU seconds (wrangler and workerd) it took. */
async function storm(server: DevServer, game: string, seconds: number, from: number): Promise<number> {
  const cpuBefore = server.cpuSeconds();
  let score = from;
  for (let second = 0; second < seconds; second++) {
    const started = Date.now();
    for (let b = 0; b < BATCHES_PER_SECOND; b++) {
      // Each report beats every one before it: a new leader each time.
      const scores = Array.from({ length: BATCH }, (_, k) => ({ player: `p${(score + k) % 5000}`, score: score + k }));
      score += BATCH;
      const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ scores }),
      });
      if (res.status !== 200) throw new Error(`storm ${game}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      await res.arrayBuffer();
    }
    const wait = 1000 - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
  return server.cpuSeconds() - cpuBefore;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 2 : 20;
  const hooks = await receiver();
  const server = new DevServer();
  await server.start();
  try {
    const webhook = { url: hooks.url, events: ["leader.changed", "top.changed"], top: 3, every: 1 };
    await configure(server, "hooks-off", { aggregate: "max" });
    await configure(server, "hooks-on", { aggregate: "max", webhook });
    // One warm-up second each, then the timed storms, each twice, alternating.
    await storm(server, "hooks-off", 1, 0);
    await storm(server, "hooks-on", 1, 0);
    ctx.progress(`${seconds} s of 10^4 leader changes a second, without hooks and with, twice each`);
    hooks.received.clear();
    const started = performance.now();
    let off = 0;
    let on = 0;
    for (let round = 0; round < 2; round++) {
      off += await storm(server, "hooks-off", seconds / 2, (round + 1) * 1e8);
      on += await storm(server, "hooks-on", seconds / 2, (round + 1) * 1e8);
    }
    // The last second's events arrive after it.
    await sleep(2500);
    const events = [...hooks.received.values()].reduce((a, b) => a + b, 0);
    const elapsed = (performance.now() - started) / 1000;
    return [
      compared(
        {
          suite: "hooks",
          name: "server CPU a second under 10^4 leader changes a second, leader.changed + top.changed every 1 s",
          n: BATCHES_PER_SECOND * BATCH,
          value: (on * 1000) / seconds,
          unit: "ms",
          baseline: "the same storm without hooks",
          baselineValue: (off * 1000) / seconds,
          note: "goal: hooks under 5% of the CPU (ratio >= 0.95)",
        },
        true,
      ),
      {
        suite: "hooks",
        name: "events posted a second while storms come and go (coalesced: at most 2)",
        n: BATCHES_PER_SECOND * BATCH,
        value: events / elapsed,
        unit: "events/s",
        note: [...hooks.received].map(([type, count]) => `${type} ${count}`).join(", "),
      },
    ];
  } finally {
    await server.dispose();
    hooks.close();
  }
}
