import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ObjectSchema } from "../../objects/storage/schema";
import { newStats, StatsTable, type StoredStats } from "../../objects/storage/stats";
import { call, INGEST, uniqueGame } from "../support/worker-client";

/** A StatsTable over a fresh object's SQLite, as the GameBoard builds one at each (re)start. */
function open(state: DurableObjectState) {
  const schema = new ObjectSchema(state.storage.sql, (work) => state.storage.transactionSync(work));
  state.storage.transactionSync(() => schema.migrate());
  return new StatsTable(state.storage.sql, schema);
}

const rows = (n: number, played: number) =>
  new Map<string, StoredStats>(
    Array.from({ length: n }, (_, i) => [`p${String(i).padStart(5, "0")}`, { ...newStats(1000 + i), played }]),
  );

const count = (state: DurableObjectState, table: string) =>
  state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;

/** Flushes until the log is empty: a flush resumed after a restart ends before the rows logged after it. */
function drain(state: DurableObjectState, stats: StatsTable): void {
  while (state.storage.transactionSync(() => stats.flushStep()) || count(state, "stats_log") > 0);
}

describe("StatsTable: rows logged per batch, flushed to the table in the background", () => {
  it("survives a restart in the middle of a flush, and counts nothing twice", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const stats = open(state);
      state.storage.transactionSync(() => stats.write(rows(5000, 1)));
      state.storage.transactionSync(() =>
        stats.countReports([{ player: "p00007", reports: 3, peak: 9, first: 5, last: 7000 }], true, 0),
      );
      // The first step writes 2000 of the 5000 rows; then the object "restarts".
      expect(state.storage.transactionSync(() => stats.flushStep())).toBe(true);
      expect(count(state, "stats")).toBe(2000);

      const restarted = open(state);
      expect(restarted.get("p00007")).toMatchObject({
        played: 1,
        reports: 3,
        best: 9,
        firstSeen: 5,
        lastSeen: 7000,
        attempts: 3,
        attemptsEpoch: 0,
      });
      state.storage.transactionSync(() =>
        restarted.countReports([{ player: "p00007", reports: 1, peak: 4, first: 8000, last: 8000 }], true, 1),
      );
      state.storage.transactionSync(() => restarted.write(new Map([["p04999", { ...newStats(1), played: 2 }]])));
      drain(state, restarted);
      expect(count(state, "stats")).toBe(5000);
      expect(count(state, "stats_log")).toBe(0);

      const again = open(state);
      // Season 1's attempts start afresh; reports count on.
      expect(again.get("p00007")).toMatchObject({
        played: 1,
        reports: 4,
        best: 9,
        firstSeen: 5,
        lastSeen: 8000,
        attempts: 1,
        attemptsEpoch: 1,
      });
      expect(again.get("p04999")?.played).toBe(2);
      expect(again.get("p00000")?.played).toBe(1);
    });
  });

  it("resumes a flush cut short after a restart, so a second restart in it counts nothing twice", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const tx = <T>(work: () => T) => state.storage.transactionSync(work);
      const stats = open(state);
      const reports = ["a", "q", "z"].map((player) => ({ player, reports: 1, peak: 1, first: 1, last: 1 }));
      tx(() => stats.countReports(reports, true, 0));
      tx(() => stats.write(rows(4000, 1)));
      // 2000 rows a step, the lowest keys first: a and the lowest p's are written; q, z and the rest are not.
      expect(tx(() => stats.flushStep())).toBe(true);
      const restarted = open(state);
      // Rows logged after the cut, below all of them: a new flush over everything would write these first,
      // and its mark would claim a's log row, written by the first flush, was not.
      const below = new Map(Array.from({ length: 3000 }, (_, i) => [`A${String(i).padStart(4, "0")}`, newStats(1)]));
      tx(() => restarted.write(below));
      tx(() => restarted.flushStep());
      const again = open(state);
      drain(state, again);
      for (const player of ["a", "q", "z"]) expect(open(state).get(player)?.reports).toBe(1);
      expect(count(state, "stats")).toBe(3 + 4000 + 3000);
    });
  });

  it("resumes a flush cut short under a mark from before flushes ran in ascending order, counting nothing twice", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const tx = <T>(work: () => T) => state.storage.transactionSync(work);
      const reports = ["a", "q", "z"].map((player) => ({ player, reports: 1, peak: 1, first: 1, last: 1 }));
      tx(() => open(state).countReports(reports, true, 0));
      // As the old code left it: the flush went down from the highest key, wrote z and q, and marked from q up.
      tx(() => {
        for (const player of ["q", "z"]) {
          state.storage.sql.exec(
            "INSERT INTO stats (player, reports, best, first_seen, last_seen, attempts, attempts_epoch) VALUES (?, 1, 1, 1, 1, 1, 0)",
            player,
          );
        }
        state.storage.sql.exec(
          "INSERT INTO stats_log (id, body) VALUES (0, ?)",
          JSON.stringify({ through: 1, from: "q" }),
        );
      });
      const restarted = open(state);
      tx(() => restarted.countReports(reports, true, 0));
      drain(state, restarted);
      for (const player of ["a", "q", "z"]) expect(open(state).get(player)?.reports).toBe(2);
      expect(count(state, "stats")).toBe(3);
    });
  });

  it("keeps rows written during a flush, and forgets a removed player in the log, the flush and the table", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const stats = open(state);
      state.storage.transactionSync(() => stats.write(rows(3000, 1)));
      expect(state.storage.transactionSync(() => stats.flushStep())).toBe(true);
      // Mid-flush: a newer row for a player still to be flushed, and removals on both sides of the cut.
      state.storage.transactionSync(() => stats.write(new Map([["p02999", { ...newStats(1), played: 7 }]])));
      const flushed = state.storage.sql.exec<{ player: string }>("SELECT player FROM stats LIMIT 1").one().player;
      state.storage.transactionSync(() => {
        stats.delete(flushed);
        stats.delete("p02998");
      });
      while (state.storage.transactionSync(() => stats.flushStep()));
      for (const table of [stats, open(state)]) {
        expect(table.get("p02999")?.played).toBe(7);
        expect(table.get(flushed)).toBeUndefined();
        expect(table.get("p02998")).toBeUndefined();
        expect(table.get("p00003")?.played).toBe(1);
      }
      // Entries logged after the flush began (the newer row, both removals) outlive it; a restart replays them.
      expect(count(state, "stats_log")).toBe(3);
    });
  });

  it("past 62,500 whole rows in memory, each write flushes about its own rows, not the whole backlog; memory stays bounded", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const stats = open(state);
      const batch = (b: number) =>
        new Map<string, StoredStats>(
          Array.from({ length: 1000 }, (_, i) => [`b${b}-${i}`, { ...newStats(b), played: 1 }] as const),
        );
      // No background steps run here: only the write path flushes.
      for (let b = 0; b < 62; b++) state.storage.transactionSync(() => stats.write(batch(b)));
      expect(count(state, "stats")).toBe(0);
      // The write that passes the limit writes one step (2000 rows), not the 63,000 waiting.
      state.storage.transactionSync(() => stats.write(batch(62)));
      expect(count(state, "stats")).toBe(2000);
      // 150 more batches: the rows in memory stay at the limit, and each write pays at most a step.
      let before = count(state, "stats");
      for (let b = 63; b < 213; b++) {
        state.storage.transactionSync(() => stats.write(batch(b)));
        const after = count(state, "stats");
        expect(after - before).toBeLessThanOrEqual(2000);
        expect((b + 1) * 1000 - after).toBeLessThanOrEqual(62_500 + 2000);
        before = after;
      }
      expect(stats.get("b0-0")?.played).toBe(1);
      expect(stats.get("b212-999")?.played).toBe(1);
    });
  }, 120_000);

  it("holds as many rows as its board leaves room for: 30,000 whole rows are due a flush on a full board, not on one of 10^5", async () => {
    const stub = env.BOARD.getByName(uniqueGame("stats"));
    await runInDurableObject(stub, (_, state) => {
      const stats = open(state);
      state.storage.transactionSync(() => stats.write(rows(30_000, 1)));
      expect(stats.flushDue).toBe(true);
      stats.fitTo(100_000);
      expect(stats.flushDue).toBe(false);
      stats.fitTo(1_000_000);
      expect(stats.flushDue).toBe(true);
    });
  });

  it("flushes by itself at 25,000 pending whole rows; stats read the same before and after eviction", async () => {
    const game = uniqueGame("stats");
    for (let b = 0; b < 26; b++) {
      const events = Array.from({ length: 1000 }, (_, i) => ({
        player: `u${b * 1000 + i}`,
        counters: { kills: b + 1 },
      }));
      const res = await call(`/v1/games/${game}/events`, { method: "POST", key: INGEST, json: { events } });
      expect(res.status).toBe(200);
    }
    const stub = env.BOARD.getByName(game);
    const sizes = () => runInDurableObject(stub, (_, state) => [count(state, "stats"), count(state, "stats_log")]);
    for (let i = 0; i < 400 && (await sizes())[0] < 25_000; i++) await new Promise((r) => setTimeout(r, 25));
    // The first 25,000 rows went to the table; the last batch's 1000 wait, logged, for the next flush.
    expect(await sizes()).toEqual([25_000, 1]);
    const read = async (player: string) =>
      (await (await call(`/v1/games/${game}/players/${player}/stats`)).json<{ counters: object }>()).counters;
    expect(await read("u25999")).toEqual({ kills: 26 });
    await evictDurableObject(stub);
    expect(await read("u25999")).toEqual({ kills: 26 });
    expect(await read("u0")).toEqual({ kills: 1 });
  }, 60_000);
});
