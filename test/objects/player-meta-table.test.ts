import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MetaTable } from "../../objects/storage/meta";
import { PlayerMetaTable } from "../../objects/storage/player-meta";
import { ObjectSchema } from "../../objects/storage/schema";
import { watchingSql } from "../support/sql-watch";
import { uniqueGame } from "../support/worker-client";

/** A PlayerMetaTable over a fresh object's SQLite, as the GameBoard builds one at each (re)start. */
function open(state: DurableObjectState) {
  const schema = new ObjectSchema(state.storage.sql, (work) => state.storage.transactionSync(work));
  state.storage.transactionSync(() => schema.migrate());
  return new PlayerMetaTable(state.storage.sql, schema, new MetaTable(state.storage.sql, schema));
}

/** Meta of about 300 bytes: 12,000 players' weigh past the 4 MB that starts a flush, 2000 of them fit a step. */
const PAD = "x".repeat(280);
const metas = (n: number, run: number) =>
  new Map<string, string | null>(
    Array.from({ length: n }, (_, i) => [
      `p${String(i).padStart(5, "0")}`,
      JSON.stringify({ car: i % 7, run, pad: PAD }),
    ]),
  );

const count = (state: DurableObjectState, sql: string) =>
  state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${sql}`).one().n;

/** Steps until the log is empty: a flush resumed after a restart ends before the rows logged after it. */
const flushAll = (state: DurableObjectState, table: PlayerMetaTable) => {
  for (let steps = 0; table.flushDue || count(state, "meta_log") > 0; steps++) {
    if (steps > 1000) throw new Error("the flush makes no progress");
    state.storage.transactionSync(() => table.flushStep());
  }
};

describe("PlayerMetaTable: meta logged per batch, flushed to the table in the background", () => {
  it("reads the same through a restart in the middle of a flush, removals and clears included", async () => {
    const stub = env.BOARD.getByName(uniqueGame("meta-table"));
    await runInDurableObject(stub, (_, state) => {
      const table = open(state);
      // Each batch is one log row, however many players it sets; the table is written only by flushes.
      state.storage.transactionSync(() => table.write(metas(12_000, 1)));
      expect([count(state, "meta_log"), count(state, "player_meta")]).toEqual([1, 0]);
      expect(table.flushDue).toBe(true);
      expect(state.storage.transactionSync(() => table.flushStep())).toBe(true);
      expect(count(state, "player_meta")).toBe(2000);
      // Mid-flush: a newer meta, a clear and a removal, on both sides of what is already in the table.
      const flushed = state.storage.sql.exec<{ player: string }>("SELECT player FROM player_meta LIMIT 1").one().player;
      state.storage.transactionSync(() => {
        table.write(
          new Map([
            ["p00001", JSON.stringify({ car: "new" })],
            [flushed, null],
          ]),
        );
        table.delete("p00002");
      });

      const restarted = open(state);
      const expected = (t: PlayerMetaTable) => {
        const read = t.many(["p00001", flushed, "p00002", "p00003", "p11999", "nobody"]);
        expect(read.get("p00001")).toEqual({ car: "new" });
        expect(read.has(flushed)).toBe(false);
        expect(read.has("p00002")).toBe(false);
        expect(read.get("p00003")).toEqual({ car: 3, run: 1, pad: PAD });
        expect(read.get("p11999")).toEqual({ car: 11_999 % 7, run: 1, pad: PAD });
        expect(read.has("nobody")).toBe(false);
      };
      expected(table);
      expected(restarted);
      flushAll(state, restarted);
      expect(count(state, "meta_log")).toBe(0);
      expect(count(state, "player_meta")).toBe(12_000 - 2);
      expected(open(state));
    });
  }, 60_000);

  it("writes fewer rows a step when their meta is large: a step's parameter stays far under the platform's 2 MB", async () => {
    const stub = env.BOARD.getByName(uniqueGame("meta-table"));
    await runInDurableObject(stub, async (_, state) => {
      const table = open(state);
      // About the largest meta a report may carry (1 KB of JSON), most of it escaped quotes: escaped again, each doubles.
      const quotes = JSON.stringify({ q: '"'.repeat(505) });
      const fat = new Map<string, string | null>(
        Array.from({ length: 4000 }, (_, i) => [`p${String(i).padStart(5, "0")}`, quotes]),
      );
      state.storage.transactionSync(() => table.write(fat));
      const sizes: number[] = [];
      const { statements } = await watchingSql(state.storage.sql, () => {
        for (let before = 0; count(state, "meta_log") > 0; before = count(state, "player_meta")) {
          state.storage.transactionSync(() => table.flushStep());
          sizes.push(count(state, "player_meta") - before);
        }
      });
      const parameter = Math.max(
        0,
        ...statements
          .filter((s) => s.query.includes("INSERT OR REPLACE INTO player_meta"))
          .map((s) => String(s.bindings[0]).length),
      );
      expect(sizes.slice(0, -1).every((rows) => rows > 400 && rows < 1000)).toBe(true);
      expect(parameter).toBeLessThan(2_000_000);
      expect(count(state, "player_meta")).toBe(4000);
    });
  }, 60_000);

  it("keeps a retired board's meta still in memory for its standings, across a restart, then lets it go", async () => {
    const stub = env.BOARD.getByName(uniqueGame("meta-table"));
    await runInDurableObject(stub, (_, state) => {
      const table = open(state);
      state.storage.transactionSync(() => table.write(metas(3, 1)));
      state.storage.transactionSync(() => table.retire());
      state.storage.transactionSync(() => table.write(new Map([["p00000", JSON.stringify({ car: "season 2" })]])));
      for (const t of [table, open(state)]) {
        expect(t.retired.many(["p00000", "p00002"])).toEqual(
          new Map([
            ["p00000", { car: 0, run: 1, pad: PAD }],
            ["p00002", { car: 2, run: 1, pad: PAD }],
          ]),
        );
        expect(t.many(["p00000", "p00002"])).toEqual(new Map([["p00000", { car: "season 2" }]]));
        expect(t.retaining).toBe(true);
      }
      // The standings are archived: the retired rows go, and a flush after that writes none of them back.
      const reopened = open(state);
      while (state.storage.transactionSync(() => reopened.releaseStep()));
      flushAll(state, reopened);
      expect(count(state, "player_meta WHERE epoch = 0")).toBe(0);
      expect(count(state, "player_meta WHERE epoch = 1")).toBe(1);
      expect(open(state).many(["p00000"]).get("p00000")).toEqual({ car: "season 2" });
    });
  });
});
