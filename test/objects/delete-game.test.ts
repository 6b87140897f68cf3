import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { until, watch } from "../support/spectator";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const stub = (game: string) => env.BOARD.getByName(game);

const storedTables = (game: string) =>
  runInDurableObject(stub(game), (_, state) =>
    state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
  );

async function d1Rows(table: string, game: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE game = ?`)
    .bind(game)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function seedWithHistory(game: string) {
  await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum", archive: true } });
  await postScores(game, {
    scores: [
      { player: "a", score: 5, id: "r1" },
      { player: "b", score: 3 },
    ],
  });
  await runDurableObjectAlarm(stub(game));
  // The directory row is written at once, but not awaited by the report.
  for (let i = 0; i < 100 && (await d1Rows("games", game)) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
}

describe("DELETE /v1/games/{game}", () => {
  it("deletes the board, its storage, alarm, sockets and directory row; a later report starts afresh", async () => {
    const game = uniqueGame("del");
    await seedWithHistory(game);
    const spectator = await watch(game);
    expect(await d1Rows("games", game)).toBe(1);

    const res = await call(`/v1/games/${game}`, { method: "DELETE", key: ADMIN });
    expect(res.status).toBe(204);
    expect((await call(`/v1/games/${game}`)).status).toBe(404);
    expect((await call(`/v1/games/${game}/leaderboard`)).status).toBe(404);
    await until(() => spectator.closed !== undefined);
    expect(spectator.closed?.reason).toMatch(/deleted/);
    expect(await storedTables(game)).toEqual([]);
    expect(await runInDurableObject(stub(game), (_, state) => state.storage.getAlarm())).toBeNull();
    expect(await d1Rows("games", game)).toBe(0);
    // History stays unless asked for.
    expect(await d1Rows("snapshots", game)).toBe(1);

    // Fresh: default config (last, not sum), no memory of the old ids.
    await postScores(game, { player: "a", score: 1, id: "r1" });
    await postScores(game, { player: "a", score: 2 });
    expect((await board(game)).entries).toEqual([expect.objectContaining({ player: "a", score: 2, rank: 1 })]);
    const info = await (await call(`/v1/games/${game}`)).json<{ config: { aggregate: string } }>();
    expect(info.config.aggregate).toBe("last");
  });

  // A restarted object republishes its directory row from its constructor; a
  // DELETE that wakes it used to wait for that write inside its own
  // blockConcurrencyWhile, where the write's answer could never arrive.
  it("deletes a game whose object has just restarted (the DELETE wakes it)", async () => {
    const game = uniqueGame("del");
    await seedWithHistory(game);
    await evictDurableObject(stub(game));
    const res = await call(`/v1/games/${game}`, { method: "DELETE", key: ADMIN });
    expect(res.status).toBe(204);
    expect(await d1Rows("games", game)).toBe(0);
    expect((await call(`/v1/games/${game}`)).status).toBe(404);
  }, 60_000);

  it("also deletes the history in D1 with history=true, even after the board is gone", async () => {
    const game = uniqueGame("del");
    await seedWithHistory(game);
    expect(await d1Rows("archived_reports", game)).toBe(2);
    expect((await call(`/v1/games/${game}?history=true`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    for (const table of ["snapshots", "snapshot_entries", "archived_reports", "games"]) {
      expect(await d1Rows(table, game), table).toBe(0);
    }
    const again = await call(`/v1/games/${game}?history=true`, { method: "DELETE", key: ADMIN });
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe("game_not_found");
  });

  it("needs an admin key, and answers 404 for an unknown game", async () => {
    const game = uniqueGame("del");
    await postScores(game, { player: "a", score: 1 });
    expect((await call(`/v1/games/${game}`, { method: "DELETE" })).status).toBe(401);
    expect((await call(`/v1/games/${game}`, { method: "DELETE", key: INGEST })).status).toBe(403);
    expect((await call(`/v1/games/${game}?history=maybe`, { method: "DELETE", key: ADMIN })).status).toBe(400);
    expect((await call(`/v1/games/${uniqueGame("none")}`, { method: "DELETE", key: ADMIN })).status).toBe(404);
    // An object that never held a game has no tables: nothing of it is read (a fresh server's demo deletes leftovers so).
    const none = await call(`/v1/games/${uniqueGame("none")}?history=true`, { method: "DELETE", key: ADMIN });
    expect(none.status).toBe(404);
    expect((await board(game)).total).toBe(1);
  });
});
