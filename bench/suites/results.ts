// Results, ratings and stats inside workerd, through the GameBoard's real code
// path (RPC from the storage bench's entry point, durable before each answer):
// 1v1 ELO results/s against 1000-report batches on the same players; 8-player
// OpenSkill placements/s against the same placements rated by ELO; a player's
// stats read at 10^6 players against the in-memory standing read; SQLite
// bytes per stats row.
import type { StatsEntry } from "../../objects/storage/report-deltas";
import { newStats } from "../../objects/storage/stats";
import { statsLimits } from "../../objects/storage/stats-limits";
import { DevServer } from "../../test/support/dev-server";
import { settledHeap, tableBytes } from "../measure";
import { postOk } from "../over-http";
import { type BenchContext, type BenchResult, compared, percentile } from "../report";

const PER_REQUEST = 20; // batches of 1000 players' worth per request

/** The stats game's board: the quick run's is about the smallest whose held rows flush while it fills (see statsLimits). */
const statsPlayers = (ctx: BenchContext) => (ctx.quick ? 200_000 : 1_000_000);

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const server = new DevServer("bench/storage-worker/wrangler.toml");
  await server.start();
  const results: BenchResult[] = [await pendingMemory(ctx)];
  try {
    results.push(await eloResults(server, ctx));
    results.push(await openskillPlacements(server, ctx));
    results.push(await statsReads(server, ctx));
    await server.stop("SIGKILL");
    results.push(statsRowBytes(server.stateDir, statsPlayers(ctx)));
  } finally {
    await server.dispose();
  }
  return results;
}

/**
 * The heap the stats held for a flush take at a full board's limit (125,000
 * in weight, when a write flushes first; a smaller board holds more, in the
 * heap its board leaves), in Node, as the object holds them:
 * report deltas (weight 1), or whole rows (weight 2), each player's
 * counters (half of them with two) in their own object.
 */
async function pendingMemory(ctx: BenchContext): Promise<BenchResult> {
  const limit = statsLimits(1_000_000).pendingLimit;
  ctx.progress(`heap of stats held for a flush at their limit of ${limit.toLocaleString("en-US")} (Node)`);
  const heapOf = async (count: number, entry: (i: number) => StatsEntry) => {
    const before = await settledHeap();
    const pending = new Map<string, StatsEntry>();
    for (let i = 0; i < count; i++) pending.set(`m:${String(i).padStart(12, "0")}`, entry(i));
    const bytes = (await settledHeap()) - before;
    if (pending.size !== count) throw new Error("pending rows lost");
    return bytes;
  };
  const at = 1_700_000_000_000;
  const deltas = await heapOf(limit, (i) => ({
    delta: true,
    reports: 1 + (i % 3),
    attempts: 1 + (i % 3),
    epoch: 0,
    peak: i * 3,
    desc: true,
    first: at + i,
    last: at + i + 5,
  }));
  const whole = await heapOf(limit / 2, (i) => {
    const row = { ...newStats(at + i), played: i % 50, wins: i % 20, reports: i, best: i * 3 };
    if (i % 2 === 0) row.counters = { kills: i % 30, matches: i % 50 };
    return row;
  });
  return {
    suite: "results",
    name: "stats held for a flush, at their limit, heap (Node)",
    n: limit,
    value: Math.max(deltas, whole) / 2 ** 20,
    unit: "MB",
    note:
      `${limit.toLocaleString("en-US")} report deltas ${(deltas / 2 ** 20).toFixed(1)} MB (${(deltas / limit).toFixed(0)} B each), ` +
      `${(limit / 2).toLocaleString("en-US")} whole rows ${(whole / 2 ** 20).toFixed(1)} MB; beside a 10^6-player board (56 MB) in the object's 128 MB`,
  };
}

/** Seconds to send `batches` batches in requests of PER_REQUEST, after `warm` untimed ones. */
async function timed(server: DevServer, path: (from: number, batches: number) => string, batches: number, warm = 0) {
  for (let from = 0; from < warm; from += PER_REQUEST)
    await postOk(server, path(from, Math.min(PER_REQUEST, warm - from)));
  const started = performance.now();
  for (let from = warm; from < warm + batches; from += PER_REQUEST) {
    await postOk(server, path(from, Math.min(PER_REQUEST, warm + batches - from)));
  }
  return (performance.now() - started) / 1000;
}

async function eloResults(server: DevServer, ctx: BenchContext): Promise<BenchResult> {
  const players = 100_000;
  const batches = ctx.quick ? 40 : 200;
  // Every player is on the board before the clock starts: the timed batches are updates.
  const warm = players / 1000;
  ctx.progress(`${batches} batches of 1000 ELO 1v1 results over ${players.toLocaleString("en-US")} players`);
  const elo = await timed(
    server,
    (from, n) => `/results?game=elo&from=${from}&batches=${n}&players=${players}&size=2&rating=elo`,
    batches,
    warm,
  );
  ctx.progress("the same number of 1000-report batches on the same players");
  const reports = await timed(
    server,
    (from, n) => `/fill?game=reports&from=${from}&batches=${n}&players=${players}`,
    batches,
    warm,
  );
  const perSecond = (batches * 1000) / elo;
  return compared(
    {
      suite: "results",
      name: "1v1 ELO results, 1000 per batch (RPC, durable)",
      n: players,
      value: perSecond,
      unit: "results/s",
      baseline: "1000-report batches, same players (reports/s)",
      baselineValue: (batches * 1000) / reports,
      note: `goal: at least 50k results/s (${perSecond >= 50_000 ? "met" : "not met"}); a result writes 2 players' stats`,
    },
    false,
  );
}

async function openskillPlacements(server: DevServer, ctx: BenchContext): Promise<BenchResult> {
  const players = ctx.quick ? 20_000 : 100_000;
  const batches = ctx.quick ? 20 : 100;
  const warm = players / 1000;
  const path = (rating: string) => (from: number, n: number) =>
    `/results?game=ffa-${rating}&from=${from}&batches=${n}&players=${players}&size=8&rating=${rating}`;
  ctx.progress(`${batches * 125} OpenSkill free-for-alls of 8 players, then the same rated by ELO`);
  const openskill = await timed(server, path("openskill"), batches, warm);
  const elo = await timed(server, path("elo"), batches, warm);
  return compared(
    {
      suite: "results",
      name: "8-player free-for-alls rated by OpenSkill, 125 per batch (RPC, durable)",
      n: players,
      value: (batches * 125) / openskill,
      unit: "placements/s",
      baseline: "the same placements rated by ELO (28 pairs each)",
      baselineValue: (batches * 125) / elo,
    },
    false,
  );
}

async function statsReads(server: DevServer, ctx: BenchContext): Promise<BenchResult> {
  const players = statsPlayers(ctx);
  const reads = ctx.quick ? 50 : 2000;
  const batches = players / 1000;
  ctx.progress(`filling ${players.toLocaleString("en-US")} players (each has a stats row)`);
  for (let from = 0; from < batches; from += PER_REQUEST) {
    await postOk(server, `/fill?game=stats&from=${from}&batches=${PER_REQUEST}&players=${players}`);
    if ((from / PER_REQUEST) % 10 === 9) ctx.progress(`${(from + PER_REQUEST) * 1000} players`);
  }
  const latencies = async (path: string) => {
    const times: number[] = [];
    for (let i = 0; i < reads; i++) {
      // Spread over the whole table, so the page cache does not answer from a few hot pages.
      const player = `m:${String((i * 7_919_113) % players).padStart(12, "0")}`;
      const t = performance.now();
      const res = await fetch(`${server.url}${path}?game=stats&player=${player}`);
      const body = (await res.json()) as { ok: boolean };
      times.push(performance.now() - t);
      if (!body.ok) throw new Error(`${path} ${player}: ${JSON.stringify(body).slice(0, 200)}`);
    }
    return times.sort((a, b) => a - b);
  };
  ctx.progress(`${reads} stats reads and ${reads} standing reads of random players`);
  const stats = await latencies("/stats");
  const standing = await latencies("/standing");
  return compared(
    {
      suite: "results",
      name: "a player's stats read (SQLite), p50 over HTTP + RPC",
      n: players,
      value: percentile(stats, 0.5),
      unit: "ms",
      baseline: "the player's standing (in memory), p50",
      baselineValue: percentile(standing, 0.5),
      note: `p99 ${percentile(stats, 0.99).toFixed(2)} ms (standing p99 ${percentile(standing, 0.99).toFixed(2)} ms)`,
    },
    true,
  );
}

/**
 * The stats table's share of the object's SQLite file, per row in it (the
 * rows held for a flush, up to its limit, may still wait in the log).
 */
function statsRowBytes(stateDir: string, players: number): BenchResult {
  const held = statsLimits(players).pendingLimit;
  const inTable = (found: number) => found <= players && found >= players - held && found > 0;
  const measured = tableBytes(stateDir, (path) => !path.endsWith("metadata.sqlite"), "stats", players, inTable);
  if (measured === undefined) throw new Error(`no object in ${stateDir} has about ${players} stats rows`);
  const { whole, without, rows } = measured;
  return {
    suite: "results",
    name: "SQLite bytes per stats row",
    n: rows,
    value: (whole - without) / rows,
    unit: "B/row",
    note: `${((whole - without) / 2 ** 20).toFixed(0)} MB of a ${(whole / 2 ** 20).toFixed(0)} MB object; none of it in the heap`,
  };
}
