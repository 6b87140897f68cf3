// Where a 1000-report JSON batch's time goes (profile before changing
// anything): a game filled over the Worker, then ~10 s of batches posted one
// after another while V8's profiler samples the Worker's isolate (the Worker
// and the game's object share it under `wrangler dev`). Prints self time per
// bucket, per source file and per function.
//
//   npx tsx bench/profile-hot-path.ts             (both scenarios)
//   ONLY=10^5 npx tsx bench/profile-hot-path.ts   (the scenarios whose title starts so)
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../test/support/dev-server";
import { ObjectCpu, type ObjectCpuReport } from "./object-cpu";
import { configure, fill } from "./over-http";
import { percentile } from "./report";

const BATCH = 1000;
const WARMUP_BATCHES = 30;
const WINDOW_MS = 10_000;

interface Scenario {
  title: string;
  /**
   * "fill": new players through the object over RPC, as the storage bench's durable apply row (no HTTP per batch);
   * "rpc": the same path after an untimed fill, existing players moving, as the storage bench's all-off row.
   */
  kind?: "fill" | "rpc";
  players: number;
  config: Record<string, unknown>;
  /** For "fill" and "rpc": the storage bench worker's switches (e.g. "attempts=1&cohorts=1"). */
  query?: string;
  topFiles: number;
}

const ALL: Scenario[] = [
  {
    title: "10^6 new players through the object (RPC, the storage bench's fill)",
    kind: "fill",
    players: 1_000_000,
    config: {},
    topFiles: 15,
  },
  {
    title: "10^5 existing players through the object (RPC, the storage bench's all-off row)",
    kind: "rpc",
    players: 100_000,
    config: {},
    topFiles: 15,
  },
  {
    title: "10^5 existing players through the object (RPC), maxAttempts and cohorts of 1000 on",
    kind: "rpc",
    players: 100_000,
    config: {},
    query: "attempts=1&cohorts=1",
    topFiles: 15,
  },
  { title: "10^6 players, default config (stats, trending, history on)", players: 1_000_000, config: {}, topFiles: 15 },
  // "All off" as bench/storage-worker's derived=0: no trending, no history snapshot in the window. Stats have no switch.
  {
    title: "10^5 players, everything off (trend null, snapshotEvery 86400)",
    players: 100_000,
    config: { trend: null, snapshotEvery: 86_400 },
    topFiles: 10,
  },
];

const SCENARIOS = ALL.filter(({ title }) => process.env.ONLY === undefined || title.startsWith(process.env.ONLY));
const ctx = { quick: false, progress: (message: string) => console.error(`  ${message}`) };

/**
 * The storage bench's durable apply: 20 batches of new players per request, the whole fill sampled; or ("rpc")
 * the fill untimed and then a window of batches moving existing players.
 */
async function profileFill(scenario: Scenario): Promise<void> {
  const server = new DevServer("bench/storage-worker/wrangler.toml", undefined, { inspector: true });
  await server.start();
  try {
    const game = `${scenario.kind}-${scenario.players}`;
    const apply = async (from: number) => {
      const started = performance.now();
      const url = `${server.url}/fill?game=${game}&from=${from}&batches=20&players=${scenario.players}&${scenario.query ?? ""}`;
      const res = await fetch(url, { method: "POST" });
      if (res.status !== 200) throw new Error(`fill: ${res.status} ${await res.text()}`);
      return (performance.now() - started) / 20;
    };
    const filled = scenario.players / BATCH;
    if (scenario.kind === "rpc") {
      for (let from = 0; from < filled; from += 20) await apply(from);
      await server.idle();
    }
    const cpu = await ObjectCpu.attach(server);
    const cpuBefore = server.cpuSeconds();
    const times: number[] = [];
    const [first, last] = scenario.kind === "rpc" ? [filled, filled + 300] : [0, filled];
    for (let from = first; from < last; from += 20) {
      const perBatch = await apply(from);
      // Per batch: each request applies 20.
      for (let k = 0; k < 20; k++) times.push(perBatch);
    }
    const serverCpuMs = (server.cpuSeconds() - cpuBefore) * 1000;
    print(scenario, await cpu.stop(), times, serverCpuMs);
  } finally {
    await server.dispose();
  }
}

async function profile(scenario: Scenario): Promise<void> {
  if (scenario.kind !== undefined) return await profileFill(scenario);
  const server = new DevServer("wrangler.toml", undefined, { inspector: true });
  await server.start();
  try {
    const game = `hot-${scenario.players}`;
    await configure(server, game, { maxPlayers: scenario.players, ...scenario.config });
    ctx.progress(`${scenario.title}: filling`);
    const filled = await fill(server, game, scenario.players, ctx);
    ctx.progress(`filled at ${(filled.perSecond / 1000).toFixed(1)}k reports/s; waiting for background work`);
    await server.idle();
    let b = 0;
    const post = async () => {
      // Existing players, spread over the board, each report moving its player (aggregate "last").
      const scores = Array.from({ length: BATCH }, (_, k) => {
        const i = (b * BATCH + k) * 7919;
        return { player: `p${i % scenario.players}`, score: (i * 31) % 1_000_003, ts: Date.now() - 1000 };
      });
      b++;
      const started = performance.now();
      const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ scores }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`batch: ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP_BATCHES; i++) await post();
    const cpu = await ObjectCpu.attach(server);
    const times: number[] = [];
    const cpuBefore = server.cpuSeconds();
    const until = performance.now() + WINDOW_MS;
    while (performance.now() < until) times.push(await post());
    const serverCpuMs = (server.cpuSeconds() - cpuBefore) * 1000;
    const report = await cpu.stop();
    print(scenario, report, times, serverCpuMs);
    // The game must still read back: the window's batches were applied, not refused.
    const read = await fetch(`${server.url}/v1/games/${game}/leaderboard?limit=1`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    if (read.status !== 200) throw new Error(`read: ${read.status}`);
  } finally {
    await server.dispose();
  }
}

function print(scenario: Scenario, report: ObjectCpuReport, times: number[], serverCpuMs: number): void {
  const batches = times.length;
  const sorted = [...times].sort((x, y) => x - y);
  const mean = times.reduce((s, t) => s + t, 0) / batches;
  console.log(`\n## ${scenario.title}`);
  console.log(
    `${batches} batches in ${(report.wallMs / 1000).toFixed(1)} s: ${mean.toFixed(1)} ms a batch (p50 ` +
      `${percentile(sorted, 0.5).toFixed(1)}, p99 ${percentile(sorted, 0.99).toFixed(1)}); isolate sampled ` +
      `${report.totalMs.toFixed(0)} ms (${(report.totalMs / batches).toFixed(2)} ms a batch, ${report.samples} ` +
      `samples every ${(report.periodMs * 1000).toFixed(0)} us); server processes ${(serverCpuMs / batches).toFixed(1)} ms CPU a batch`,
  );
  table("bucket", report.byBucket, report.totalMs, batches, Number.POSITIVE_INFINITY);
  for (const [bucket, files] of Object.entries(report.filesByBucket)) {
    if ((report.byBucket[bucket] ?? 0) >= report.totalMs * 0.05)
      table(`files in ${bucket}`, files, report.totalMs, batches, 8);
  }
  table("file (self)", report.byFile, report.totalMs, batches, scenario.topFiles);
  table("function (self)", report.byFunction, report.totalMs, batches, 20);
  // Callers hold their callees: the runtime's entry frames and our outer functions first.
  const ours = Object.fromEntries(Object.entries(report.byFunctionTotal).filter(([name]) => name.includes(".ts:")));
  table("function of ours (total, callees included)", ours, report.totalMs, batches, 25);
}

function table(title: string, ms: Record<string, number>, totalMs: number, batches: number, top: number): void {
  const rows = Object.entries(ms)
    .sort(([, x], [, y]) => y - x)
    .slice(0, top);
  console.log(`\n| ${title} | ms | ms/batch | share |\n|---|---:|---:|---:|`);
  for (const [name, value] of rows) {
    console.log(
      `| ${name} | ${value.toFixed(0)} | ${(value / batches).toFixed(2)} | ${((100 * value) / totalMs).toFixed(1)}% |`,
    );
  }
}

for (const scenario of SCENARIOS) await profile(scenario);
