import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

describe("gain allowances across eviction and season closes", () => {
  it("an eviction or a season close gives no player a fresh bank of gain", async () => {
    const game = uniqueGame("allowance");
    await call(`/v1/games/${game}`, {
      method: "PUT",
      key: ADMIN,
      json: { aggregate: "sum", bounds: { maxGainPerSecond: 10 } },
    });
    // b spends its hour's bank (36,000 at 10 a second) in one report.
    expect((await postScores(game, { player: "b", score: 36_000 })).status).toBe(200);
    expect((await postScores(game, { player: "b", score: 1000 })).status).toBe(422);

    // Evicted, the object reads what b spent from its SQLite.
    await evictDurableObject(env.BOARD.getByName(game));
    const after = await postScores(game, { player: "b", score: 1000 });
    expect(after.status).toBe(422);
    expect((await errorOf(after)).details?.[0]).toMatchObject({ player: "b" });
    // Others keep what they had: a newcomer its whole bank.
    expect((await postScores(game, { player: "newcomer", score: 1000 })).status).toBe(200);

    // A season close starts a new board, not new allowances.
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    expect((await postScores(game, { player: "b", score: 1000 })).status).toBe(422);
    expect((await board(game)).entries).toEqual([]);
    expect((await postScores(game, { player: "newcomer", score: 35_000 })).status).toBe(200);
  });
});
