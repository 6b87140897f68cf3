import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { packReports } from "../../protocol/packed-reports";
import { shardName } from "../../protocol/shards";
import { watchingSql } from "../support/sql-watch";
import { ADMIN, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const join = (game: string, player: string) =>
  call(`/v1/games/${game}/players/${player}/join`, { method: "POST", key: INGEST });
const attemptsOf = async (game: string, player: string) =>
  (await (await call(`/v1/games/${game}/players/${player}`)).json<{ attempts: number; attemptsLeft: number }>())
    .attempts;

describe("joins and attempts across eviction", () => {
  for (const shards of [1, 4]) {
    it(`keeps who joined, their attempts and the places joins hold (shards: ${shards})`, async () => {
      const game = uniqueGame("competitors");
      await call(`/v1/games/${game}`, {
        method: "PUT",
        key: ADMIN,
        json: { join: true, maxAttempts: 3, maxPlayers: shards === 1 ? 3 : 1000, shards },
      });
      const players = Array.from({ length: 3 }, (_, i) => `p${i}`);
      for (const player of players) expect((await join(game, player)).status).toBe(200);
      expect(
        (
          await postScores(game, {
            scores: [
              { player: "p0", score: 1 },
              { player: "p0", score: 2 },
            ],
          })
        ).status,
      ).toBe(200);
      const evictAll = async () => {
        await evictDurableObject(env.BOARD.getByName(game));
        for (let i = 0; i < shards && shards > 1; i++)
          await evictDurableObject(env.SHARD.getByName(shardName(game, i)));
      };
      await evictAll();
      expect(await attemptsOf(game, "p0")).toBe(2);
      // Every place is still held by a join: one more player finds the board full (a shard holds a share of them).
      if (shards === 1) expect((await errorOf(await join(game, "late"))).code).toBe("board_full");
      expect((await postScores(game, { player: "p1", score: 5 })).status).toBe(200);
      const over = await postScores(game, {
        scores: [
          { player: "p0", score: 3 },
          { player: "p0", score: 4 },
        ],
      });
      expect((await errorOf(over)).code).toBe("attempts_exhausted");
      // A close empties the joins, and a restart does not bring them back.
      expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
      await evictAll();
      expect((await errorOf(await postScores(game, { player: "p0", score: 1 }))).code).toBe("not_joined");
      expect((await join(game, "late")).status).toBe(200);
    });
  }
});

describe("a game without gates", () => {
  it("runs no statement on joins or attempts per batch", async () => {
    const game = uniqueGame("ungated");
    await postScores(game, { player: "a", score: 1 });
    const stub = env.BOARD.getByName(game);
    const { value: applied, statements } = await runInDurableObject(stub, (board, state) =>
      watchingSql(state.storage.sql, () =>
        board.applyReports(
          game,
          packReports([
            { player: "a", score: 2 },
            { player: "b", score: 3, id: "x" },
          ]),
        ),
      ),
    );
    expect(applied.ok).toBe(true);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => s.query.includes("competitors"))).toEqual([]);
  });
});
