import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CompetitorsTable } from "../../objects/storage/competitors";
import { MetaTable } from "../../objects/storage/meta";
import { ObjectSchema } from "../../objects/storage/schema";
import { uniqueGame } from "../support/worker-client";

/** A CompetitorsTable over a fresh object's SQLite, as the GameBoard builds one at each (re)start. */
function open(state: DurableObjectState) {
  const transaction = <T>(work: () => T) => state.storage.transactionSync(work);
  const schema = new ObjectSchema(state.storage.sql, transaction);
  transaction(() => schema.migrate());
  return new CompetitorsTable(state.storage.sql, schema, new MetaTable(state.storage.sql, schema), transaction);
}

const count = (state: DurableObjectState, table: string) =>
  state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;

describe("CompetitorsTable: joins logged per write, flushed in the background", () => {
  it("logs a batch's settled joins as one row, and a restart reads the same joins and held places", async () => {
    const stub = env.BOARD.getByName(uniqueGame("competitors"));
    await runInDurableObject(stub, (_, state) => {
      const table = open(state);
      const players = Array.from({ length: 3000 }, (_, i) => `p${i}`);
      state.storage.transactionSync(() => {
        for (const player of players) table.join(player, 10, true);
        table.join("waits", 11, true);
      });
      expect(table.pending).toBe(3001);
      // The batch that puts 3000 of them on the board settles them in one log row; only flushes write the table.
      state.storage.transactionSync(() => table.settle(players, table.many(players)));
      expect([count(state, "competitors_log"), count(state, "competitors")]).toEqual([3002, 0]);
      expect(table.pending).toBe(1);
      expect(table.many(["p1", "waits", "nobody"])).toEqual(
        new Map([
          ["p1", { joinedAt: 10, pending: false }],
          ["waits", { joinedAt: 11, pending: true }],
        ]),
      );
      // A restart writes the log back before it counts the places joins hold.
      const restarted = open(state);
      expect([count(state, "competitors_log"), count(state, "competitors")]).toEqual([0, 3001]);
      expect(restarted.pending).toBe(1);
      expect(restarted.many(["p1", "waits"])).toEqual(table.many(["p1", "waits"]));
      // A close: nobody has joined the next season; the old rows go, and none comes back from memory.
      state.storage.transactionSync(() => {
        restarted.unsettle("p7");
        restarted.retire();
      });
      expect(restarted.pending).toBe(0);
      expect(restarted.many(["p7", "waits"]).size).toBe(0);
      while (state.storage.transactionSync(() => restarted.releaseStep()));
      while (state.storage.transactionSync(() => restarted.flushStep()));
      expect(count(state, "competitors")).toBe(0);
      expect(open(state).many(["p7"]).size).toBe(0);
    });
  });

  it("counts the places joins hold after a restart that resumes a flush cut short, joins logged after it included", async () => {
    const stub = env.BOARD.getByName(uniqueGame("competitors"));
    await runInDurableObject(stub, (_, state) => {
      const table = open(state);
      state.storage.transactionSync(() => {
        for (let i = 0; i < 2001; i++) table.join(`p${String(i).padStart(4, "0")}`, 10, true);
      });
      // One flush step of 2000 rows, then a kill before the next: the mark holds how far it got.
      state.storage.transactionSync(() => table.flushStep());
      state.storage.transactionSync(() => table.join("late", 11, true));
      expect(table.pending).toBe(2002);
      const restarted = open(state);
      expect(restarted.pending).toBe(2002);
      expect([count(state, "competitors_log"), count(state, "competitors")]).toEqual([0, 2002]);
    });
  });
});
