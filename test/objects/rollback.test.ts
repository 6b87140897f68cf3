import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, postScores, uniqueGame } from "../support/worker-client";

// Writes are checked before their transaction, so one rolls back only when storage fails. Here storage is made to
// fail on purpose (a trigger), in the middle of a close, after the batch log has retired the board in memory.

const players = async (game: string) => (await board(game, "?limit=100")).entries.map((e) => e.player);

describe("a transaction that rolls back", () => {
  it("resets the object: memory never runs ahead of storage (a failed close releases no row of the open board)", async () => {
    const game = uniqueGame("rollback");
    const scores = [
      { player: "a", score: 3 },
      { player: "b", score: 2 },
      { player: "c", score: 1 },
    ];
    expect((await postScores(game, { scores })).status).toBe(200);
    await runInDurableObject(env.BOARD.getByName(game), (_, state) => {
      state.storage.sql.exec(
        "CREATE TRIGGER refuse_retire BEFORE INSERT ON meta WHEN NEW.key = 'retained' BEGIN SELECT RAISE(ABORT, 'storage refused'); END",
      );
    });
    const refused = await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect(refused.status).toBeGreaterThanOrEqual(500);
    // The object reset itself: stubs made before are broken, as on the platform.
    await runInDurableObject(env.BOARD.getByName(game), (_, state) => {
      state.storage.sql.exec("DROP TRIGGER refuse_retire");
    });
    // A write with an id starts background steps, which release a retired board's rows (were one retired).
    expect((await postScores(game, { scores: [{ player: "d", score: 0, id: "after" }] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await evictDurableObject(env.BOARD.getByName(game));
    expect(await players(game)).toEqual(["a", "b", "c", "d"]);
    const closed = await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ season: 1, players: 4, leader: "a" });
  });
});
