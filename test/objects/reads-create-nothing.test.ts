import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

/** The tables in a game's object: none for a game never written. */
const tables = (game: string) =>
  runInDurableObject(env.BOARD.getByName(game), (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((r) => r.name),
  );

describe("reads create nothing", () => {
  it("answers every read and socket of an unknown game with 404 and writes no storage", async () => {
    const game = uniqueGame("ghost");
    for (const path of ["", "/leaderboard", "/players/p1", "/history", "/history/leaders", "/history/players/p1"]) {
      const res = await call(`/v1/games/${game}${path}`);
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe("game_not_found");
    }
    const socket = await exports.default.fetch(`http://podium.test/v1/games/${game}/live?player=p1`, {
      headers: { upgrade: "websocket" },
    });
    expect(socket.status).toBe(404);
    expect(socket.webSocket).toBeNull();
    expect((await errorOf(socket)).code).toBe("game_not_found");
    const removal = await call(`/v1/games/${game}/players/p1`, { method: "DELETE", key: ADMIN });
    expect(removal.status).toBe(404);

    expect(await tables(game)).toEqual([]);
    const listed = await (await call("/v1/games?limit=1000")).json<{ games: { game: string }[] }>();
    expect(listed.games.map((g) => g.game)).not.toContain(game);
  });

  it("creates the tables with the first write, at the current schema version", async () => {
    const game = uniqueGame("ghost");
    await postScores(game, { player: "a", score: 1 });
    expect(await tables(game)).toEqual(expect.arrayContaining(["meta", "log", "base", "report_ids", "live_views"]));
    const version = await runInDurableObject(
      env.BOARD.getByName(game),
      (_, state) =>
        state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").one().value,
    );
    expect(Number(version)).toBeGreaterThanOrEqual(1);
  });
});
