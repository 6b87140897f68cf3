// A season's close inside workerd, through the GameBoard's real code path
// (RPC from the storage bench's entry point): at 10^5 and 10^6 players, the
// close's own time, the time until the archive is complete in D1, and the
// longest stall a writer sees meanwhile, against the same writer with no close.
import { join } from "node:path";
import { DevServer } from "../../test/support/dev-server";
import { tableBytes } from "../measure";
import { postOk } from "../over-http";
import { type BenchContext, type BenchResult, compared, percentile } from "../report";

const PER_REQUEST = 20;
/**
 * How long the writer runs with no close, for the baseline: the longest of
 * a few hundred writes (3 s) fell below the longest of the thousands a close
 * at 10^6 spans by chance alone (measured: 130 ms in 3 s, up to 285 ms in 20 s
 * of the same writer), so the baseline gets a comparable share of the tail.
 */
const QUIET_MS = 30_000;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const players of ctx.quick ? [20_000] : [100_000, 1_000_000]) {
    const server = new DevServer("bench/storage-worker/wrangler.toml");
    await server.start();
    try {
      results.push(...(await close(server, players, ctx)));
      await server.stop("SIGKILL");
      results.push(archiveBytes(server.stateDir, players));
    } finally {
      await server.dispose();
    }
  }
  return results;
}

/** A writer sending 1-batch requests back to back until `stop`; answers each request's latency. */
async function writer(server: DevServer, game: string, players: number, from: number, stop: () => boolean) {
  const latencies: number[] = [];
  for (let b = from; !stop(); b++) {
    const t = performance.now();
    await postOk(server, `/fill?game=${game}&from=${b}&batches=1&players=${players}`);
    latencies.push(performance.now() - t);
  }
  return latencies;
}

async function close(server: DevServer, players: number, ctx: BenchContext): Promise<BenchResult[]> {
  const game = `season-${players}`;
  ctx.progress(`filling ${players.toLocaleString("en-US")} players`);
  for (let from = 0; from < players / 1000; from += PER_REQUEST) {
    await postOk(server, `/fill?game=${game}&from=${from}&batches=${PER_REQUEST}&players=${players}`);
  }
  // The baseline: the same writer with no close.
  let until = performance.now() + (ctx.quick ? 3000 : QUIET_MS);
  const quiet = await writer(server, game, players, players / 1000, () => performance.now() > until);

  ctx.progress("closing the season while the writer keeps writing");
  let closing = true;
  const writing = writer(server, game, players, players / 1000 + 10_000, () => !closing);
  await new Promise((r) => setTimeout(r, 500));
  const started = performance.now();
  await postOk(server, `/close?game=${game}`);
  const closed = performance.now() - started;
  let complete = false;
  while (!complete) {
    const season = (await (await fetch(`${server.url}/season?game=${game}&season=1`)).json()) as {
      value: { complete: boolean; players: number };
    };
    complete = season.value.complete;
    if (!complete) await new Promise((r) => setTimeout(r, 50));
  }
  const archived = performance.now() - started;
  until = performance.now() + 500;
  await new Promise((r) => setTimeout(r, 500));
  closing = false;
  const during = await writing;
  const worst = (list: number[]) => Math.max(...list);
  const p99 = (list: number[]) =>
    percentile(
      [...list].sort((x, y) => x - y),
      0.99,
    );
  ctx.progress(
    `closed in ${closed.toFixed(0)} ms, archived in ${(archived / 1000).toFixed(1)} s; ` +
      `worst write ${worst(during).toFixed(0)} ms against ${worst(quiet).toFixed(0)} ms without a close`,
  );
  return [
    {
      suite: "seasons",
      name: "season close: the close itself (RPC)",
      n: players,
      value: closed,
      unit: "ms",
    },
    {
      suite: "seasons",
      name: "season close: until the archive is complete in D1",
      n: players,
      value: archived / 1000,
      unit: "s",
      note: `${Math.round(players / (archived / 1000)).toLocaleString("en-US")} players/s`,
    },
    compared(
      {
        suite: "seasons",
        name: "season close: longest write stall during it",
        n: players,
        value: worst(during),
        unit: "ms",
        baseline: "the same writer, no close (its longest write)",
        baselineValue: worst(quiet),
        note:
          `goal: at most 1.5x the longest without a close; ${during.length} writes during it against ${quiet.length}, ` +
          `p99 ${p99(during).toFixed(0)} against ${p99(quiet).toFixed(0)} ms`,
      },
      true,
    ),
  ];
}

/** D1's bytes per archived player: the local D1 file with the standings, against a vacuumed copy without them. */
function archiveBytes(stateDir: string, players: number): BenchResult {
  const measured = tableBytes(stateDir, (path) => path.includes(join("v3", "d1")), "season_standings", players);
  if (measured === undefined) throw new Error(`no D1 file in ${stateDir} has ${players} archived players`);
  return {
    suite: "seasons",
    name: "D1 bytes per archived player (standings and their index)",
    n: players,
    value: (measured.whole - measured.without) / players,
    unit: "B/player",
  };
}
