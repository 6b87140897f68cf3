import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

// Its own file: the test takes D1's history tables away, which would break
// any other test running against the same database.
const stub = (game: string) => env.BOARD.getByName(game);

async function count(table: string, game: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE game = ?`)
    .bind(game)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const outboxRows = (game: string) =>
  runInDurableObject(stub(game), (_, state) => state.storage.sql.exec("SELECT reports FROM archive_outbox").toArray());

describe("history through a D1 outage", () => {
  it("keeps its alarm and outbox through more failures than the platform retries, then resumes", async () => {
    const game = uniqueGame("outage");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { archive: true, snapshotEvery: 1 } });
    await postScores(game, { scores: [{ player: "a", score: 1, id: "r1" }] });

    // Every history write now fails, as it would while D1 is unreachable.
    await env.DB.batch([
      env.DB.prepare("ALTER TABLE snapshots RENAME TO snapshots_away"),
      env.DB.prepare("ALTER TABLE archived_reports RENAME TO archived_reports_away"),
    ]);
    try {
      // The platform gives up after 6 retries of a throwing alarm; ten failed firings must not end history.
      for (let i = 0; i < 10; i++) {
        await postScores(game, { player: `p${i}`, score: i, id: `during-${i}` });
        expect(await runDurableObjectAlarm(stub(game))).toBe(true);
        const next = await runInDurableObject(stub(game), (_, state) => state.storage.getAlarm());
        expect(next).not.toBeNull();
      }
    } finally {
      await env.DB.batch([
        env.DB.prepare("ALTER TABLE snapshots_away RENAME TO snapshots"),
        env.DB.prepare("ALTER TABLE archived_reports_away RENAME TO archived_reports"),
      ]);
    }
    expect((await outboxRows(game)).length).toBeGreaterThan(0);

    // D1 is back: the next firings write a snapshot and drain the whole outbox.
    for (let i = 0; i < 5 && (await outboxRows(game)).length > 0; i++) await runDurableObjectAlarm(stub(game));
    expect(await count("snapshots", game)).toBeGreaterThanOrEqual(1);
    expect(await count("archived_reports", game)).toBe(11);
    expect(await outboxRows(game)).toEqual([]);

    // And a later change still gets its sample.
    await postScores(game, { player: "late", score: 100 });
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    // (Fired early, a sample carries the later time it was due at, so look it up by leader, not by ts.)
    const late = await env.DB.prepare("SELECT count(*) AS n FROM snapshots WHERE game = ? AND leader = 'late'")
      .bind(game)
      .first<{ n: number }>();
    expect(late?.n).toBe(1);
  });

  it("re-arms, on restart, a sample that was recorded but whose alarm was lost", async () => {
    const game = uniqueGame("outage");
    await postScores(game, { player: "a", score: 1 });
    // What the old sampler left behind when the platform gave up on its alarm.
    await runInDurableObject(stub(game), (_, state) => state.storage.deleteAlarm());
    await evictDurableObject(stub(game));
    await call(`/v1/games/${game}`);
    expect(await runInDurableObject(stub(game), (_, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(stub(game))).toBe(true);
    expect(await count("snapshots", game)).toBe(1);
  });

  it("keeps a large batch's archive in bounded outbox rows", async () => {
    const game = uniqueGame("outage");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { archive: true } });
    await postScores(game, { scores: Array.from({ length: 1000 }, (_, i) => ({ player: `p${i}`, score: i })) });
    const rows = await outboxRows(game);
    expect(rows.length).toBeGreaterThan(1);
    const sizes = rows.map((r) => (JSON.parse(r.reports as string) as unknown[]).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
  });
});
