// A season's close inside workerd, through the GameBoard's real code path
// (RPC from the storage bench's entry point): at 10^5 and 10^6 players, the
// close's own time, the time until the archive is complete in D1, and the
// longest stall a writer sees meanwhile, against the same writer with no close.
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DevServer } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, compared } from "../report";

const PER_REQUEST = 20;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const players of ctx.quick ? [100_000] : [100_000, 1_000_000]) {
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

async function post(server: DevServer, path: string): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, { method: "POST" });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res;
}

/** A writer sending 1-batch requests back to back until `stop`; answers each request's latency. */
async function writer(server: DevServer, game: string, players: number, from: number, stop: () => boolean) {
  const latencies: number[] = [];
  for (let b = from; !stop(); b++) {
    const t = performance.now();
    await post(server, `/fill?game=${game}&from=${b}&batches=1&players=${players}`);
    latencies.push(performance.now() - t);
  }
  return latencies;
}

async function close(server: DevServer, players: number, ctx: BenchContext): Promise<BenchResult[]> {
  const game = `season-${players}`;
  ctx.progress(`filling ${players.toLocaleString("en-US")} players`);
  for (let from = 0; from < players / 1000; from += PER_REQUEST) {
    await post(server, `/fill?game=${game}&from=${from}&batches=${PER_REQUEST}&players=${players}`);
  }
  // The baseline: the same writer for 3 s with no close.
  let until = performance.now() + 3000;
  const quiet = await writer(server, game, players, players / 1000, () => performance.now() > until);

  ctx.progress("closing the season while the writer keeps writing");
  let closing = true;
  const writing = writer(server, game, players, players / 1000 + 10_000, () => !closing);
  await new Promise((r) => setTimeout(r, 500));
  const started = performance.now();
  await post(server, `/close?game=${game}`);
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
        note: "goal: at most 100 ms",
      },
      true,
    ),
  ];
}

/** D1's bytes per archived player: the local D1 file with the standings, against a vacuumed copy without them. */
function archiveBytes(stateDir: string, players: number): BenchResult {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.includes(`${join("v3", "d1")}`) && entry.name.endsWith(".sqlite")) files.push(path);
    }
  };
  walk(stateDir);
  for (const file of files) {
    const copy = `${file}.bench-copy`;
    copyFileSync(file, copy);
    for (const suffix of ["-wal", "-shm"]) {
      try {
        copyFileSync(file + suffix, copy + suffix);
      } catch {
        // No WAL: the file holds everything.
      }
    }
    try {
      const db = new DatabaseSync(copy);
      const size = () => {
        db.exec("VACUUM");
        const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
        const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
        return page_count * page_size;
      };
      const rows = (db.prepare("SELECT count(*) AS n FROM season_standings").get() as { n: number }).n;
      if (rows !== players) {
        db.close();
        continue;
      }
      const whole = size();
      db.exec("DELETE FROM season_standings");
      const without = size();
      db.close();
      return {
        suite: "seasons",
        name: "D1 bytes per archived player (standings and their index)",
        n: players,
        value: (whole - without) / players,
        unit: "B/player",
      };
    } catch {
      // Not the D1 database (or not migrated): keep looking.
    } finally {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(copy + suffix, { force: true });
    }
  }
  throw new Error(`no D1 file in ${stateDir} has ${players} archived players (${files.length} files)`);
}
