import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, DevServer, INGEST_KEY, WEBHOOK_SECRET } from "../support/dev-server";

// `npm run demo` as the README has a newcomer run it, small: it must find
// every board and every spectator right, twice in a row on the same server.
const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

/** A demo run to its end: its exit status (null if killed at `timeout`) and output. */
/** How a demo run reaches the test's server. */
const connect = () => ["--url", server.url, "--key", INGEST_KEY, "--admin-key", ADMIN_KEY];
const demo = (args: string[], timeout = 60_000) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const main = join(import.meta.dirname, "..", "..", "scripts", "demo", "main.ts");
    execFile(
      process.execPath,
      ["--import", "tsx", main, ...args],
      { encoding: "utf8", timeout },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
  });

// The tournament workload spends most of its minute waiting for a reset: it
// runs alongside the other workloads (each on its own games), which run one
// after another.
describe.concurrent("the demo's workloads on one server", () => {
  // 70 s hold at least one reset; a run ending within 10 s of one runs on to 15 s past it (at most 95 s).
  it("runs the tournament workload: joins, attempts, cohorts, closed tournaments and every hook event as modelled", async () => {
    const args = [...connect(), "--webhook-secret", WEBHOOK_SECRET];
    const run = await demo(
      [...args, "--workload", "tournament", "--games", "2", "--players", "60", "--seconds", "70", "--spectators", "1"],
      150_000,
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const kind of ["join", "accepted", "not_joined", "attempts_exhausted"]) {
      expect(run.stdout).toMatch(new RegExp(`✓ tournament-1 ([1-9]\\d*)/\\1 ${kind} answered as modelled`));
    }
    expect(run.stdout).toMatch(/✓ tournament-2 tournament \d+ cohort 1: \d+ on the board/);
    expect(run.stdout).toMatch(
      /✓ tournament-1 standings of (\d+) of \1 joined players: rank, cohort, cohortRank, attempts/,
    );
    expect(run.stdout).toContain("✓ tournament-1 live cohort 1 view");
    expect(run.stdout).toContain("✓ tournament-2 a report after the opening hours");
    // The reset in the run closes one tournament and the end another: at least two, each archived and told.
    expect(run.stdout).toMatch(/✓ tournament-2 tournament 2 \(season 2\) closed: \d+ players in \d+ cohorts/);
    expect(run.stdout).toMatch(/✓ tournament-1 \d+ hook events signed/);
    expect(run.stdout).toContain("✓ tournament-1 hook events in order");
    for (const check of ["season.closed once, with its awards", "last leader.changed", "last top.changed"]) {
      expect(run.stdout).toMatch(new RegExp(`✓ tournament-2 tournament 2 \\(season 2\\) ${check}`));
    }
    expect(run.stdout).not.toContain("✗");
    expect(run.stdout).toContain("demo: all boards match");
  }, 170_000);

  describe("the other workloads, one after another", () => {
    it.sequential("runs the demo twice on one server; the second run starts from fresh games", async () => {
      const args = connect();
      const first = await demo([...args, "--games", "3", "--players", "40", "--seconds", "3", "--spectators", "2"]);
      expect(first.status, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toContain("demo: all boards match");
      expect(first.stdout).toContain(`${server.url}/embed/kapacitor-1?theme=transparent`);
      // Fewer players than before: only a fresh start makes the boards match exactly.
      const second = await demo([...args, "--games", "3", "--players", "20", "--seconds", "2", "--spectators", "2"]);
      expect(second.status, second.stdout + second.stderr).toBe(0);
      expect(second.stdout).toContain("deleted 3 games left from an earlier run (kapacitor-1..kapacitor-3)");
      expect(second.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the flink workload and finds players, teams, MVPs, trending and countries as it sent them", async () => {
      const args = [...connect(), "--workload", "flink"];
      // The README's sizes: 300 players put more than a trending page's 100 on the trending board.
      const run = await demo([
        ...args,
        "--games",
        "2",
        "--players",
        "300",
        "--teams",
        "12",
        "--seconds",
        "5",
        "--spectators",
        "2",
      ]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      for (const board of ["players", "teams", "MVPs", "trending", "countries", "spectators"]) {
        expect(run.stdout).toContain(`✓ flink-1 ${board}`);
      }
      // Named after its workload: the kapacitor run's games above are not its leftovers.
      expect(run.stdout).not.toContain("deleted");
      expect(run.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the matches workload and finds every ELO and OpenSkill rating and every player's stats as it sent them", async () => {
      const args = [...connect(), "--workload", "matches"];
      const run = await demo([...args, "--games", "2", "--players", "40", "--seconds", "4", "--spectators", "2"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      for (const check of [
        "matches-1 elo ratings",
        "matches-2 openskill ratings",
        "matches-1 stats",
        "matches-2 stats",
      ]) {
        expect(run.stdout).toContain(`✓ ${check}`);
      }
      expect(run.stdout).toContain("✓ matches-1 resent results");
      expect(run.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the seasons workload: each archived season, its awards and its signed webhook as it modelled them", async () => {
      const args = [...connect(), "--webhook-secret", WEBHOOK_SECRET];
      const run = await demo([
        ...args,
        "--workload",
        "seasons",
        "--games",
        "2",
        "--players",
        "30",
        "--seconds",
        "4",
        "--spectators",
        "1",
      ]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      for (const check of ["standings", "awards", "webhook: signed"]) {
        expect(run.stdout).toMatch(new RegExp(`✓ seasons-1 season 1 ${check}`));
      }
      expect(run.stdout).toMatch(
        /✓ seasons-1 config without an admin key shows the webhook as http:\/\/127\.0\.0\.1:\d+\/…/,
      );
      expect(run.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the clients workload: players post with their own tokens, every cheat gets its answer, and none is applied", async () => {
      const args = [...connect(), "--workload", "clients"];
      // One cheat a second, taking turns: six seconds give each of the six its turn.
      const run = await demo([...args, "--games", "2", "--players", "30", "--seconds", "6", "--spectators", "1"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      for (const check of ["honest", "inflate", "impersonate", "team", "backdate", "forged", "other-game"]) {
        expect(run.stdout).toMatch(new RegExp(`✓ ${check}: (\\d+)/\\1 answered`));
      }
      expect(run.stdout).toMatch(/✓ flood of 45: .*x 422.*x 429/);
      expect(run.stdout).toContain("✓ clients-1 board");
      expect(run.stdout).toContain("✓ clients-2 audit: config change logged, 30 token mints counted");
      expect(run.stdout).toMatch(/play along at http:\/\/\S+\/games\/clients-1\/play#token=[\w-]+\.[\w-]+\.[\w-]+/);
      expect(run.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the shards workload: batches split over 8 shards, refused in part and resent once, exact ranks", async () => {
      const args = [...connect(), "--workload", "shards"];
      const run = await demo([...args, "--games", "2", "--players", "1500", "--seconds", "4", "--spectators", "2"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/[1-9]\d* batches refused in part and resent/);
      for (const check of ["top 15 of 1500 players", "total", "page of 20 at offset 750"]) {
        expect(run.stdout).toContain(`✓ shards-2 ${check}`);
      }
      expect(run.stdout).toContain("4 spectators followed along live");
      expect(run.stdout).toContain("demo: all boards match");
    });

    it.sequential("runs the racing workload: best laps by sector, tiers, meta, friends boards and one driver across games", async () => {
      const args = [...connect(), "--workload", "racing"];
      const run = await demo([...args, "--games", "2", "--players", "60", "--seconds", "4", "--spectators", "2"]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain("✓ racing-1 top 15 of 60 with sectors, tiers and meta");
      expect(run.stdout).toMatch(/✓ racing-2 racer-\d+ \(rank 60, Rookie\)/);
      for (const read of ["GET", "POST"])
        expect(run.stdout).toMatch(new RegExp(`✓ racing-2 racer-00001's \\d+ friends, 1 missing \\(${read}\\)`));
      expect(run.stdout).toContain("✓ racing-1 racer-00001's friends live");
      expect(run.stdout).toContain("✓ racer-00001 across 2 games");
      expect(run.stdout).toContain("demo: all boards match");
    });
  });
});
