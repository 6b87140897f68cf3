// Live spectators: N websocket spectators of one game while a load generator
// posts 1000-report batches. Podium (coalesced per-view diffs) against the
// naive baseline in bench/naive-live (full top-15 snapshot to every socket
// after every report request), same load, same run. Then the game object's
// own CPU per update, from the isolate's profile (bench/object-cpu.ts).

import { Ranking } from "../../engine/ranking";
import { diffEntries, visibleEntries } from "../../objects/live/views";
import { BoardReads } from "../../objects/reads";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { ObjectCpu } from "../object-cpu";
import { type BenchContext, type BenchResult, compared, percentile } from "../report";
import { relayRows } from "./live-relays";

const MARKER = "~marker";
const MARKER_BASE = 1e12;
const BATCH = 1000;
const POSTERS = 4; // concurrent clients posting as fast as they are answered

interface Measures {
  delays: number[];
  messagesPerSecond: number;
  bytesPerSecond: number;
  broadcasts: number;
  batchesPerSecond: number;
  cpuMsPerBroadcast: number;
  cpuMsPerSecond: number;
  /** Podium only: the profiled window's row. */
  objectCpu?: BenchResult;
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const spectators = ctx.quick ? 100 : 1000;
  const seconds = ctx.quick ? 2 : 10;
  const podium = await measureServer(
    ctx,
    new DevServer("wrangler.toml", undefined, { inspector: true }),
    "podium",
    spectators,
    seconds,
  );
  const naive = await measureServer(ctx, new DevServer("bench/naive-live/wrangler.toml"), "naive", spectators, seconds);
  const baseline = "naive (snapshot per report request)";
  const row = (name: string, value: number, baselineValue: number, unit: string, lowerIsBetter: boolean) =>
    compared({ suite: "live", name, n: spectators, value, unit, baseline, baselineValue }, lowerIsBetter);
  const p = (m: Measures, q: number) =>
    percentile(
      [...m.delays].sort((a, b) => a - b),
      q,
    );
  return [
    row("delay ack->update p50", p(podium, 0.5), p(naive, 0.5), "ms", true),
    row("delay ack->update p99", p(podium, 0.99), p(naive, 0.99), "ms", true),
    row("messages sent per second", podium.messagesPerSecond, naive.messagesPerSecond, "msg/s", true),
    row("bytes sent per second", podium.bytesPerSecond, naive.bytesPerSecond, "B/s", true),
    row("server CPU per update sent", podium.cpuMsPerBroadcast, naive.cpuMsPerBroadcast, "ms", true),
    row("server CPU for spectators", podium.cpuMsPerSecond, naive.cpuMsPerSecond, "ms/s", true),
    row("batches ingested with spectators", podium.batchesPerSecond, naive.batchesPerSecond, "batch/s", false),
    ...(podium.objectCpu === undefined ? [] : [podium.objectCpu]),
    ...objectWork(ctx),
    await distinctViews(ctx, ctx.quick ? 100 : 500, seconds),
    ...(await relayRows(ctx)),
  ];
}

/**
 * Spectators who each follow a different player (here, players who do not
 * exist: the cheapest way to make a view) against as many sharing one view,
 * under the same load: server CPU above ingestion alone. Every distinct view
 * is diffed on each update; its state is saved when updates pause.
 */
async function distinctViews(ctx: BenchContext, sockets: number, seconds: number): Promise<BenchResult> {
  const server = new DevServer();
  await server.start();
  try {
    const game = "bench-views";
    await fetch(`${server.url}/v1/games/${game}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: "{}",
    });
    let cpu = server.cpuSeconds();
    const alone = await load(server, game, seconds, 0);
    const ingestPerBatch = (server.cpuSeconds() - cpu) / alone.size;
    const spectatorCpu = async (label: string, query: (i: number) => string) => {
      ctx.progress(`views: ${sockets} sockets, ${label}`);
      const watchers = await Promise.all(Array.from({ length: sockets }, (_, i) => watch(server, game, query(i))));
      await new Promise((r) => setTimeout(r, 500));
      cpu = server.cpuSeconds();
      const acks = await load(server, game, seconds, 1_000_000);
      const used = server.cpuSeconds() - cpu - ingestPerBatch * acks.size;
      for (const w of watchers) w.socket.close();
      await new Promise((r) => setTimeout(r, 1000));
      return (used * 1000) / seconds;
    };
    const shared = await spectatorCpu("one shared view", () => "?limit=15");
    const distinct = await spectatorCpu("each following a different player", (i) => `?limit=15&player=ghost-${i}`);
    return compared(
      {
        suite: "live",
        name: "server CPU for spectators, each on its own view",
        n: sockets,
        value: distinct,
        unit: "ms/s",
        baseline: "as many sharing one view",
        baselineValue: shared,
      },
      true,
    );
  } finally {
    await server.dispose();
  }
}

/**
 * The object's own work per update, without socket I/O (which wrangler dev's
 * local proxy dominates above): Podium diffs one view and encodes it once;
 * the naive board re-sorts every player and encodes a full snapshot. Node,
 * since workerd freezes the clock while code runs.
 */
function objectWork(ctx: BenchContext): BenchResult[] {
  const players = ctx.quick ? 20_000 : 100_000;
  const rounds = ctx.quick ? 5 : 60;
  ctx.progress(`object work per update at ${players} players (Node)`);
  const batch = (round: number) =>
    Array.from({ length: BATCH }, (_, k) => ({
      player: `player-${((round * BATCH + k) * 7919) % players}`,
      score: (round * 131 + k * 17) % 1_000_000,
      ts: 1_700_000_000_000 + round,
    }));
  const board = new Ranking();
  board.load(batch(0).concat(...Array.from({ length: players / BATCH }, (_, r) => batch(r + 1))), 0);
  const spec = { limit: 15, around: 2 };
  const reads = new BoardReads(
    () => board,
    () => ({ many: () => new Map() }),
    () => ({ many: () => new Map() }),
  );
  let seen = visibleEntries(reads, spec, 0);
  const naive = new Map(board.page(0, players).map((e) => [e.player, e.score]));
  let podiumMs = 0;
  let naiveMs = 0;
  for (let round = 0; round < rounds; round++) {
    const reports = batch(1000 + round);
    board.apply(board.plan(reports), 0);
    let t = performance.now();
    const next = visibleEntries(reads, spec, 0);
    JSON.stringify({
      type: "update",
      seq: round,
      total: board.rankedPlayers,
      entries: diffEntries("players", seen, next),
    });
    seen = next;
    podiumMs += performance.now() - t;
    for (const r of reports) naive.set(r.player, r.score);
    t = performance.now();
    const top = [...naive].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 15);
    JSON.stringify({ type: "snapshot", seq: round, total: naive.size, entries: top });
    naiveMs += performance.now() - t;
  }
  return [
    compared(
      {
        suite: "live",
        name: "object work per update (Node, no I/O)",
        n: players,
        value: podiumMs / rounds,
        unit: "ms",
        baseline: "naive re-sort + snapshot",
        baselineValue: naiveMs / rounds,
      },
      true,
    ),
  ];
}

async function measureServer(
  ctx: BenchContext,
  server: DevServer,
  label: string,
  spectators: number,
  seconds: number,
): Promise<Measures> {
  ctx.progress(`${label}: starting wrangler dev`);
  await server.start();
  try {
    const game = "bench-live";
    ctx.progress(`${label}: ${seconds}s of load with no spectators (CPU of ingestion alone)`);
    let cpu = server.cpuSeconds();
    const alone = await load(server, game, seconds, 0);
    const ingestPerBatch = (server.cpuSeconds() - cpu) / alone.size;

    ctx.progress(`${label}: connecting ${spectators} spectators`);
    const watchers = await Promise.all(Array.from({ length: spectators }, () => watch(server, game)));
    await new Promise((r) => setTimeout(r, 500));
    for (const w of watchers) w.reset();

    ctx.progress(`${label}: ${seconds}s of load with ${spectators} spectators`);
    cpu = server.cpuSeconds();
    const acks = await load(server, game, seconds, 1_000_000);
    const withSpectators = server.cpuSeconds() - cpu;
    const forSpectators = withSpectators - ingestPerBatch * acks.size;
    await new Promise((r) => setTimeout(r, 3000)); // the backlog of the last updates

    const delays: number[] = [];
    for (const w of watchers) {
      for (const [batch, ackedAt] of acks) {
        const seenAt = w.firstSeen(batch);
        if (seenAt !== undefined) delays.push(Math.max(0, seenAt - ackedAt));
      }
    }
    const missed = watchers.length * acks.size - delays.length;
    if (missed > 0) ctx.progress(`${label}: ${missed} batch markers never reached a spectator`);
    const messages = watchers.reduce((sum, w) => sum + w.messages, 0);
    const bytes = watchers.reduce((sum, w) => sum + w.bytes, 0);
    const broadcasts = watchers[0]?.messages ?? 0;
    ctx.progress(
      `${label}: ${acks.size} batches, ${broadcasts} updates per spectator, ${messages} messages; ` +
        `CPU ${withSpectators.toFixed(2)} s, of which spectators ~${forSpectators.toFixed(2)} s`,
    );
    const objectCpu =
      server.inspectorUrl === ""
        ? undefined
        : await profiledWindow(ctx, server, game, watchers, seconds, (withSpectators * 1000) / acks.size);
    for (const w of watchers) w.socket.close();
    return {
      objectCpu,
      delays,
      messagesPerSecond: messages / seconds,
      bytesPerSecond: bytes / seconds,
      broadcasts,
      batchesPerSecond: acks.size / seconds,
      cpuMsPerBroadcast: broadcasts === 0 ? Number.NaN : (forSpectators * 1000) / broadcasts,
      cpuMsPerSecond: (forSpectators * 1000) / seconds,
    };
  } finally {
    await server.dispose();
  }
}

/**
 * The same load and spectators again, with the isolate profiled: the game
 * object's CPU per update sent, apart from the Worker's and the runtime's.
 * The isolate's total is checked against the CPU of the workerd thread that
 * runs it (which also does socket I/O and SQLite commits outside the
 * isolate) and of all the server's processes (wrangler and the proxy's
 * workerd too) over the same window; the sampling overhead is the profiler
 * thread's CPU, and the process CPU per batch against the unprofiled window.
 */
async function profiledWindow(
  ctx: BenchContext,
  server: DevServer,
  game: string,
  watchers: { messages: number }[],
  seconds: number,
  unprofiledMsPerBatch: number,
): Promise<BenchResult> {
  ctx.progress(`podium: ${seconds}s of the same load, profiling the isolate`);
  const cpu = await ObjectCpu.attach(server);
  // After attaching: V8 logs every compiled function when a profile starts, once.
  const before = server.cpuByThread();
  const sentBefore = watchers[0]?.messages ?? 0;
  const acks = await load(server, game, seconds, 2_000_000);
  const updates = (watchers[0]?.messages ?? 0) - sentBefore;
  const after = server.cpuByThread();
  const report = await cpu.stop();
  const threads = [...after]
    .map(([id, t]) => ({ comm: t.comm, ms: (t.seconds - (before.get(id)?.seconds ?? 0)) * 1000 }))
    .sort((a, b) => b.ms - a.ms);
  const processMs = threads.reduce((sum, t) => sum + t.ms, 0);
  // The busiest workerd thread: the main thread of the workerd that holds the isolate, not the proxy's.
  const isolateThreadMs = threads.find((t) => t.comm === "workerd")?.ms ?? Number.NaN;
  const profilerMs = threads.filter((t) => t.comm.startsWith("v8:Prof")).reduce((sum, t) => sum + t.ms, 0);
  const overhead = processMs / acks.size / unprofiledMsPerBatch - 1;
  const ms = (bucket: string) => report.byBucket[bucket] ?? 0;
  const buckets = Object.entries(report.byBucket)
    .sort((a, b) => b[1] - a[1])
    .map(([bucket, value]) => `${bucket} ${value.toFixed(0)}`)
    .join(", ");
  ctx.progress(
    `podium: ${acks.size} batches, ${updates} updates; isolate ${report.totalMs.toFixed(0)} ms (${buckets}) ` +
      `in ${report.wallMs} ms, ${report.samples} samples every ${(report.periodMs * 1000).toFixed(0)} us`,
  );
  const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
  ctx.progress(
    `podium: over the same window, the isolate's workerd thread ${isolateThreadMs.toFixed(0)} ms ` +
      `(the isolate ${percent(report.totalMs, isolateThreadMs)} of it), all processes ${processMs.toFixed(0)} ms ` +
      `(${percent(report.totalMs, processMs)}; busiest threads ${threads
        .slice(0, 5)
        .map((t) => `${t.comm} ${t.ms.toFixed(0)}`)
        .join(", ")})`,
  );
  ctx.progress(
    `podium: sampling overhead: the profiler thread ${profilerMs.toFixed(0)} ms ` +
      `(${percent(profilerMs, isolateThreadMs)} of the isolate's thread); process CPU per batch ` +
      `${(processMs / acks.size).toFixed(1)} ms profiled, ${unprofiledMsPerBatch.toFixed(1)} ms not (${(overhead * 100).toFixed(0)}%)`,
  );
  return {
    suite: "live",
    name: "game object CPU per update sent (inspector)",
    n: watchers.length,
    value: updates === 0 ? Number.NaN : ms("game") / updates,
    unit: "ms",
    note:
      `game ${ms("game").toFixed(0)} ms, worker ${ms("worker").toFixed(0)} ms, isolate ${report.totalMs.toFixed(0)} ms ` +
      `of its thread's ${isolateThreadMs.toFixed(0)} ms and all processes' ${processMs.toFixed(0)} ms; ` +
      `${acks.size} batches, ${updates} updates; profiler thread ${profilerMs.toFixed(0)} ms`,
  };
}

/** POSTERS clients post batches as fast as they are answered for `seconds`; returns each batch's ack time. */
export async function load(
  server: DevServer,
  game: string,
  seconds: number,
  firstMarker: number,
): Promise<Map<number, number>> {
  const acks = new Map<number, number>();
  const end = Date.now() + seconds * 1000;
  let next = firstMarker;
  const poster = async () => {
    while (Date.now() < end) {
      const marker = next++;
      const scores = Array.from({ length: BATCH - 1 }, (_, k) => ({
        player: `player-${((marker * BATCH + k) * 7919) % 100_000}`,
        score: (marker * 131 + k * 17) % 1_000_000,
      }));
      scores.push({ player: MARKER, score: MARKER_BASE + marker });
      const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ scores }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`load: ${res.status}`);
      acks.set(marker, Date.now());
    }
  };
  await Promise.all(Array.from({ length: POSTERS }, poster));
  return acks;
}

export type Watcher = Awaited<ReturnType<typeof watch>>;

/** A spectator that only counts and finds the marker: full JSON parsing would load the client, not the server. */
export function watch(server: DevServer, game: string, query = "?limit=15") {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/v1/games/${game}/live${query}`);
  const firstSeenAt = new Map<number, number>();
  let highest = -1;
  const watcher = {
    socket,
    /** Each new highest marker seen, and when: both grow in insertion order. */
    firstSeenAt,
    messages: 0,
    bytes: 0,
    reset() {
      watcher.messages = 0;
      watcher.bytes = 0;
    },
    /** When this spectator first saw batch `marker` (or a later one). */
    firstSeen(marker: number): number | undefined {
      let best: number | undefined;
      for (const [seen, at] of firstSeenAt) if (seen >= marker && (best === undefined || at < best)) best = at;
      return best;
    },
  };
  socket.addEventListener("message", (event) => {
    const text = event.data as string;
    watcher.messages++;
    watcher.bytes += text.length;
    const at = text.indexOf(`"${MARKER}","score":`);
    if (at === -1) return;
    const value = Number.parseInt(text.slice(at + MARKER.length + 11, at + MARKER.length + 11 + 16), 10) - MARKER_BASE;
    if (value > highest) {
      highest = value;
      firstSeenAt.set(value, Date.now());
    }
  });
  return new Promise<typeof watcher>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(watcher));
    socket.addEventListener("error", () => reject(new Error("websocket failed")));
  });
}
