import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

const stub = (game: string) => env.BOARD.getByName(game);

async function storedSnapshots(game: string) {
  const { results } = await env.DB.prepare(
    "SELECT ts, leader, top_first, top_last, gap, total FROM snapshots WHERE game = ? ORDER BY ts",
  )
    .bind(game)
    .all<{ ts: number; leader: string; top_first: number; top_last: number; gap: number; total: number }>();
  return results;
}

async function entriesAt(game: string, ts: number) {
  const { results } = await env.DB.prepare(
    "SELECT rank, player, score FROM snapshot_entries WHERE game = ? AND ts = ? ORDER BY position",
  )
    .bind(game, ts)
    .all();
  return results;
}

async function pendingAlarm(game: string): Promise<number | null> {
  return runInDurableObject(stub(game), (_, state) => state.storage.getAlarm());
}

describe("history sampling on alarms", () => {
  it("stores one snapshot per firing with the sampled top and the gap", async () => {
    const game = uniqueGame("hist");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { snapshotTop: 3 } });
    await postScores(game, {
      scores: [
        { player: "a", score: 50 },
        { player: "b", score: 40 },
        { player: "c", score: 30 },
        { player: "d", score: 5 },
      ],
    });
    expect(await pendingAlarm(game)).not.toBeNull();
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    let rows = await storedSnapshots(game);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ leader: "a", top_first: 50, top_last: 30, gap: 20, total: 4 });
    expect(await entriesAt(game, rows[0].ts)).toEqual([
      { rank: 1, player: "a", score: 50 },
      { rank: 2, player: "b", score: 40 },
      { rank: 3, player: "c", score: 30 },
    ]);
    await postScores(game, { player: "d", score: 99 });
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    rows = await storedSnapshots(game);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ leader: "d", top_first: 99, top_last: 40, gap: 59 });
    expect(rows[1].ts).toBeGreaterThan(rows[0].ts);
  });

  it("an idle board stops re-arming its alarm; a change arms it again", async () => {
    const game = uniqueGame("hist");
    await postScores(game, { player: "a", score: 1 });
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    expect(await pendingAlarm(game)).toBeNull();
    expect(await runDurableObjectAlarm(stub(game))).toBe(false);
    await postScores(game, { player: "b", score: 2 });
    expect(await pendingAlarm(game)).not.toBeNull();
  });

  it("keeps re-arming while reports arrive during the sample", async () => {
    const game = uniqueGame("hist");
    await postScores(game, { player: "a", score: 1 });
    const alarm = runDurableObjectAlarm(stub(game));
    await postScores(game, { player: "b", score: 2 });
    await alarm;
    expect(await pendingAlarm(game)).not.toBeNull();
  });

  it("a retried alarm (same scheduled time) stores one snapshot for that time, not two", async () => {
    const game = uniqueGame("hist");
    await postScores(game, { player: "a", score: 1 });
    await runDurableObjectAlarm(stub(game));
    const [first] = await storedSnapshots(game);
    // Replay the same firing: the scheduled time is what the sampler persisted.
    await postScores(game, { player: "z", score: 100 });
    await runDurableObjectAlarm(stub(game)); // a normal second sample
    await runInDurableObject(stub(game), async (_, state) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO history_state (key, value) VALUES ('nextSampleAt', ?)", first.ts);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await evictDurableObject(stub(game));
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    const rows = await storedSnapshots(game);
    expect(rows).toHaveLength(2);
    const retried = rows.filter((r) => r.ts === first.ts);
    expect(retried).toHaveLength(1);
    // The retry re-sampled the board: the row and its entries are that one sample, whole.
    expect(retried[0]).toMatchObject({ leader: "z", top_first: 100, top_last: 1 });
    expect(await entriesAt(game, first.ts)).toEqual([
      { rank: 1, player: "z", score: 100 },
      { rank: 2, player: "a", score: 1 },
    ]);
  });

  it("deletes snapshots older than historyDays", async () => {
    const game = uniqueGame("hist");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { historyDays: 1 } });
    const old = Date.now() - 3 * 86_400_000;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO snapshots VALUES (?, ?, 'x', 1, 1, 0, 1)").bind(game, old),
      env.DB.prepare("INSERT INTO snapshot_entries VALUES (?, ?, 0, 1, 'x', 1)").bind(game, old),
    ]);
    await postScores(game, { player: "a", score: 1 });
    await runDurableObjectAlarm(stub(game));
    const rows = await storedSnapshots(game);
    expect(rows.map((r) => r.leader)).toEqual(["a"]);
    expect(await entriesAt(game, old)).toEqual([]);
  });

  it("archives every accepted report when archive is on, queryable newest first", async () => {
    const game = uniqueGame("hist");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { archive: true } });
    const t = Date.now() - 60_000;
    await postScores(game, {
      scores: [
        { player: "a", score: 1, ts: t, id: "r1" },
        { player: "b", score: 2, ts: t + 1, team: "red" },
        { player: "a", score: 3, ts: t + 2 },
      ],
    });
    await postScores(game, { player: "a", score: 1, ts: t, id: "r1" }); // a duplicate is not archived again
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    const outbox = await runInDurableObject(
      stub(game),
      (_, state) => state.storage.sql.exec("SELECT count(*) AS n FROM archive_outbox").one().n,
    );
    expect(outbox).toBe(0);
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM archived_reports WHERE game = ?")
      .bind(game)
      .all();
    expect(results[0]).toEqual({ n: 3 });
    const all = await (await call(`/v1/games/${game}/history/reports`)).json<{ reports: unknown[] }>();
    expect(all.reports).toEqual([
      { ts: t + 2, player: "a", score: 3 },
      { ts: t + 1, player: "b", score: 2, team: "red" },
      { ts: t, player: "a", score: 1, id: "r1" },
    ]);
    const a = await (await call(`/v1/games/${game}/history/reports?player=a&limit=1`)).json<{
      reports: unknown[];
      next: string;
    }>();
    expect(a.reports).toEqual([{ ts: t + 2, player: "a", score: 3 }]);
    const rest = await (await call(`/v1/games/${game}/history/reports?player=a&limit=1&cursor=${a.next}`)).json<{
      reports: unknown[];
    }>();
    expect(rest.reports).toEqual([{ ts: t, player: "a", score: 1, id: "r1" }]);
  });
});
