// History in D1: games sampled every 10 s for a simulated day, written through
// HistoryWriter (the GameBoard's code path) into local D1; then the insert
// rate, D1 bytes per snapshot and each history query's latency over that day.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DevServer } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, percentile } from "../report";

const EVERY_MS = 10_000;
const TOP = 15;
const START = 1_700_000_000_000;
const PER_REQUEST = 1000;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  // A full day per game (what each history query reads). 12 games, not 100: each
  // snapshot is one D1 transaction, ~260/s on this machine's local D1, so 100
  // games would take ~55 min; query latency depends on the game's own day.
  const games = ctx.quick ? 3 : 12;
  const perGame = ctx.quick ? 150 : 8640; // a day at one snapshot per 10 s
  const writer = new DevServer("bench/history-writer/wrangler.toml");
  ctx.progress(`writing ${games} games x ${perGame} snapshots x ${TOP} entries`);
  await writer.start();
  const started = performance.now();
  let written = 0;
  let lastReport = started;
  try {
    const writeGame = async (g: number) => {
      for (let from = 0; from < perGame; from += PER_REQUEST) {
        const count = Math.min(PER_REQUEST, perGame - from);
        const query = `game=day-${g}&from=${from}&count=${count}&every=${EVERY_MS}&top=${TOP}&start=${START}`;
        const res = await fetch(`${writer.url}/?${query}`, { method: "POST" });
        if (res.status !== 200) throw new Error(`writer: ${res.status} ${await res.text()}`);
        written += count;
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          const rate = written / ((lastReport - started) / 1000);
          ctx.progress(`${written}/${games * perGame} snapshots, ${Math.round(rate)}/s`);
        }
      }
    };
    // Two writers at once, as two games' objects would; D1 itself is single-threaded.
    for (let g = 0; g < games; g += 2) await Promise.all([writeGame(g), g + 1 < games ? writeGame(g + 1) : undefined]);
  } finally {
    await writer.dispose(true);
  }
  const seconds = (performance.now() - started) / 1000;
  const snapshots = games * perGame;
  const bytes = d1Bytes(writer.stateDir);

  ctx.progress("timing history queries over the day");
  const podium = new DevServer("wrangler.toml", writer.stateDir);
  await podium.start();
  const results: BenchResult[] = [
    {
      suite: "history",
      name: "snapshot inserts (15 entries each)",
      n: snapshots,
      value: snapshots / seconds,
      unit: "snapshots/s",
    },
    { suite: "history", name: "D1 size per snapshot", n: snapshots, value: bytes / snapshots, unit: "B" },
  ];
  try {
    const dayEnd = START + perGame * EVERY_MS;
    const queries: [string, string][] = [
      ["history, newest 100", "/v1/games/day-1/history?limit=100"],
      ["history, one hour", `/v1/games/day-1/history?from=${dayEnd - 3_600_000}&to=${dayEnd}&limit=1000`],
      ["leaders over the day", "/v1/games/day-1/history/leaders"],
      ["player over the day", "/v1/games/day-1/history/players/player-3?limit=1000"],
    ];
    for (const [name, path] of queries) {
      const times: number[] = [];
      for (let i = 0; i < (ctx.quick ? 5 : 20); i++) {
        const t = performance.now();
        const res = await fetch(`${podium.url}${path}`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      results.push({ suite: "history", name: `${name} p50`, n: perGame, value: percentile(times, 0.5), unit: "ms" });
      results.push({ suite: "history", name: `${name} p99`, n: perGame, value: percentile(times, 0.99), unit: "ms" });
    }
  } finally {
    await podium.dispose();
  }
  return results;
}

/** Bytes of the local D1 database files (with WAL) under a wrangler state directory. */
function d1Bytes(stateDir: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.includes("d1") && /\.sqlite(-wal)?$/.test(entry.name)) total += statSync(path).size;
    }
  };
  walk(join(stateDir, "v3"));
  return total;
}
