import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GainAllowance } from "../../engine/gain-allowance";
import { BoardLoader } from "../../objects/board-loader";
import { Maintenance } from "../../objects/maintenance";
import { newStats } from "../../objects/storage/stats";
import { GameTables } from "../../objects/storage/tables";
import { DEFAULT_CONFIG } from "../../protocol/config";
import { uniqueGame } from "../support/worker-client";

// Background steps over a real object's SQLite with a fake host: which work
// comes first, that a compaction ends with every player in the new base and
// the log trimmed, and that stop() leaves nothing running.

const PLAYERS = 60_000; // past the 50,000 logged changes that make a compaction due

/** A game whose log holds PLAYERS changes and no base yet. */
function logged(state: DurableObjectState): GameTables {
  const tables = new GameTables(state.storage);
  const states = Array.from({ length: PLAYERS }, (_, i) => ({ player: `p${i}`, score: i, ts: 1_000 }));
  tables.transaction(() => {
    tables.schema.migrate();
    tables.log.append(states);
  });
  return tables;
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

const count = (tables: GameTables, table: string) =>
  tables.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;

describe("Maintenance", () => {
  it("finishes a closed season's steps first, then compacts the log into a base in steps", async () => {
    await runInDurableObject(env.BOARD.getByName(uniqueGame("maintenance")), async (_, state) => {
      const tables = logged(state);
      const board = new BoardLoader(tables, new GainAllowance()).open(DEFAULT_CONFIG, 2_000);
      const done: string[] = [];
      let seasonSteps = 3;
      const maintenance = new Maintenance(tables, {
        seasonStep: () => {
          done.push("season");
          return --seasonSteps > 0;
        },
        states: () => {
          done.push("compaction");
          return board.states();
        },
        trend: () => null,
      });
      expect(tables.log.compactionDue).toBe(true);
      maintenance.scheduleIfDue();
      await until(() => !tables.log.compactionDue);

      expect(done.indexOf("compaction")).toBe(3);
      // More than one step: requests ran between the parts of the new base.
      expect(done.filter((d) => d === "season").length).toBeGreaterThan(4);
      expect(count(tables, "log")).toBe(0);
      const reopened = new GameTables(state.storage);
      expect(reopened.log.basePlayers).toBe(PLAYERS);
      const rebuilt = new BoardLoader(reopened, new GainAllowance()).open(DEFAULT_CONFIG, 2_000);
      expect(rebuilt.page(0, 3)).toEqual(board.page(0, 3));
      expect(rebuilt.rankedPlayers).toBe(PLAYERS);
    });
  });

  it("runs nothing after stop(); a compaction cut short is done again whole at the next start", async () => {
    await runInDurableObject(env.BOARD.getByName(uniqueGame("maintenance")), async (_, state) => {
      const tables = logged(state);
      const board = new BoardLoader(tables, new GainAllowance()).open(DEFAULT_CONFIG, 2_000);
      let compactions = 0;
      const maintenance: Maintenance = new Maintenance(tables, {
        seasonStep: () => false,
        states: () => {
          compactions++;
          // Stopped once the step that starts the compaction is over: one part of the new base is written.
          queueMicrotask(() => maintenance.stop());
          return board.states();
        },
        trend: () => null,
      });
      maintenance.schedule();
      maintenance.stop();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(compactions).toBe(0);

      maintenance.schedule();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(compactions).toBe(1);
      expect(count(tables, "base")).toBe(1);
      expect(tables.log.compactionDue).toBe(true);

      // The object is evicted: a new start drops the unfinished generation and compacts again.
      const reopened = new GameTables(state.storage);
      const rebuilt = new BoardLoader(reopened, new GainAllowance()).open(DEFAULT_CONFIG, 2_000);
      expect(count(reopened, "base")).toBe(0);
      const restarted = new Maintenance(reopened, {
        seasonStep: () => false,
        states: () => rebuilt.states(),
        trend: () => null,
      });
      restarted.scheduleIfDue();
      await until(() => !reopened.log.compactionDue);
      expect(new GameTables(state.storage).log.basePlayers).toBe(PLAYERS);
      expect(count(reopened, "log")).toBe(0);
    });
  });

  it("takes turns between a flush and a compaction, so flushes due one after another cannot hold the compaction back", async () => {
    await runInDurableObject(env.BOARD.getByName(uniqueGame("maintenance")), async (_, state) => {
      const tables = logged(state);
      const board = new BoardLoader(tables, new GainAllowance()).open(DEFAULT_CONFIG, 2_000);
      // 30,000 whole rows weigh 60,000: past a flush's 50,000, and 15 steps of 2,000 to write.
      const rows = new Map(
        Array.from({ length: 30_000 }, (_, i) => [`s${i}`, { ...newStats(1_000), played: 1 }] as const),
      );
      tables.transaction(() => tables.stats.write(rows));
      let flushedAtCompaction: number | undefined;
      const maintenance = new Maintenance(tables, {
        seasonStep: () => false,
        states: () => {
          flushedAtCompaction = count(tables, "stats");
          return board.states();
        },
        trend: () => null,
      });
      expect(tables.flushDue).toBe(true);
      maintenance.scheduleIfDue();
      await until(() => !tables.log.compactionDue && !tables.flushDue);

      // The compaction began while the flush had most of its steps to go, and both ended.
      expect(flushedAtCompaction).toBeLessThanOrEqual(2_000);
      expect(count(tables, "stats")).toBe(30_000);
      expect(count(tables, "log")).toBe(0);
      expect(new GameTables(state.storage).log.basePlayers).toBe(PLAYERS);
    });
  });
});
