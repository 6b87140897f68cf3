import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const configure = (game: string, json: object) => call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json });

describe("score bounds", () => {
  it("refuses a batch with a score outside [min, max], naming each bad report, and applies nothing", async () => {
    const game = uniqueGame("bounds");
    expect((await configure(game, { bounds: { min: 0, max: 1000, maxFutureSeconds: 300 } })).status).toBe(200);
    const res = await postScores(game, {
      scores: [
        { player: "a", score: 10 },
        { player: "cheater", score: 1e15 },
        { player: "b", score: -1 },
      ],
    });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("score_out_of_bounds");
    expect(error.details).toEqual([
      { index: 1, player: "cheater", reason: "score 1000000000000000 is above max 1000" },
      { index: 2, player: "b", reason: "score -1 is below min 0" },
    ]);
    expect((await board(game)).total).toBe(0);
    expect((await postScores(game, { player: "a", score: 1000 })).status).toBe(200);
  });

  it("refuses a gain faster than maxGainPerSecond since the player's previous report, by report ts", async () => {
    const game = uniqueGame("bounds");
    await configure(game, { aggregate: "sum", bounds: { maxGainPerSecond: 10, maxFutureSeconds: 300 } });
    const t = Date.now() - 60_000;
    expect((await postScores(game, { player: "a", score: 10, ts: t })).status).toBe(200);
    // 100 in 2 s is 50 a second; 15 in 2 s is 7.5.
    const fast = await postScores(game, { player: "a", score: 100, ts: t + 2000 });
    expect(fast.status).toBe(422);
    expect((await errorOf(fast)).details).toEqual([
      { index: 0, player: "a", reason: "gained 100 in 2 s, more than 10 a second" },
    ]);
    expect((await postScores(game, { player: "a", score: 15, ts: t + 2000 })).status).toBe(200);
    // Within one batch the previous report is the batch's own: 10 then 30 one second apart is too fast.
    const batch = await postScores(game, {
      scores: [
        { player: "a", score: 10, ts: t + 3000 },
        { player: "a", score: 30, ts: t + 4000 },
      ],
    });
    expect((await errorOf(batch)).details).toEqual([
      { index: 1, player: "a", reason: "gained 30 in 1 s, more than 10 a second" },
    ]);
    expect((await board(game)).entries).toEqual([expect.objectContaining({ player: "a", score: 25 })]);
  });

  it("counts gains against the server's clock too: a report stamped long ago, or a huge first score, banks no time", async () => {
    const game = uniqueGame("bounds");
    await configure(game, { bounds: { maxGainPerSecond: 10, maxFutureSeconds: 300 } });
    // By ts this is 10^9 in 56 years; the server has seen an hour's bank at most (36,000 at 10 a second).
    expect((await postScores(game, { player: "a", score: 0, ts: 0 })).status).toBe(200);
    const jump = await postScores(game, { player: "a", score: 1e9 });
    expect(jump.status).toBe(422);
    expect((await errorOf(jump)).details?.[0]).toMatchObject({
      reason: expect.stringMatching(/^gained 1000000000 by now, more than the 36000 /),
    });
    const first = await postScores(game, { player: "b", score: 1e9 });
    expect(first.status).toBe(422);
    // Reports with one ts: each gains 10 in "at least a second", passing by ts; together they spend the bank.
    const ts = Date.now();
    const batch = (b: number) => ({
      scores: Array.from({ length: 1000 }, (_, i) => ({ player: "c", score: 10 * (b * 1000 + i + 1), ts })),
    });
    for (const b of [0, 1, 2]) expect((await postScores(game, batch(b))).status).toBe(200);
    const burst = await postScores(game, batch(3));
    expect(burst.status).toBe(422);
    // 600 more fit the bank; the allowance also refills 10 a second (one report) while the batches run.
    const refused = (await errorOf(burst)).details?.[0] as { index: number; player: string };
    expect(refused.player).toBe("c");
    expect(refused.index).toBeGreaterThanOrEqual(600);
    expect(refused.index).toBeLessThan(630);
    expect((await board(game)).entries.map((e) => [e.player, e.score])).toEqual([
      ["c", 30_000],
      ["a", 0],
    ]);
  });

  it("refuses, by default, a report stamped more than 300 s ahead of the server's clock", async () => {
    const game = uniqueGame("bounds");
    const ahead = await postScores(game, { player: "a", score: 5, ts: Date.now() + 3_600_000 });
    expect(ahead.status).toBe(422);
    expect((await errorOf(ahead)).details?.[0]).toMatchObject({ index: 0, player: "a" });
    expect((await postScores(game, { player: "a", score: 5, ts: Date.now() + 60_000 })).status).toBe(200);
    const info = await (await call(`/v1/games/${game}`)).json<{ config: { bounds: object } }>();
    expect(info.config.bounds).toEqual({ maxFutureSeconds: 300 });
  });

  it("applies the bounds to line protocol too", async () => {
    const game = uniqueGame("bounds");
    await configure(game, { bounds: { max: 100, maxFutureSeconds: 300 } });
    const res = await call("/v1/write?precision=ms", {
      method: "POST",
      key: INGEST,
      headers: { "content-type": "text/plain" },
      body: `scores,game=${game},player=a value=50 ${Date.now()}\nscores,game=${game},player=b value=500 ${Date.now()}`,
    });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).details).toEqual([
      {
        game,
        applied: false,
        code: "score_out_of_bounds",
        message: "1 report outside the game's bounds; nothing was applied",
        lines: [{ line: 2, player: "b", reason: "score 500 is above max 100" }],
      },
    ]);
    expect((await board(game)).total).toBe(0);
  });

  it("names a refused report by its index in the batch sent, duplicates included", async () => {
    const game = uniqueGame("bounds");
    await configure(game, { bounds: { max: 100, maxFutureSeconds: 300 } });
    expect((await postScores(game, { player: "a", score: 1, id: "x" })).status).toBe(200);
    const res = await postScores(game, {
      scores: [
        { player: "a", score: 1, id: "x" },
        { player: "b", score: 2, id: "y" },
        { player: "b", score: 2, id: "y" },
        { player: "c", score: 500 },
      ],
    });
    expect((await errorOf(res)).details).toEqual([{ index: 3, player: "c", reason: "score 500 is above max 100" }]);
  });

  it("refuses more than maxReportsPerSecond reports of one player in a second, within and across batches", async () => {
    const game = uniqueGame("bounds");
    await configure(game, { aggregate: "sum", bounds: { maxReportsPerSecond: 3, maxFutureSeconds: 300 } });
    const reports = (player: string, n: number) => ({
      scores: Array.from({ length: n }, () => ({ player, score: 1 })),
    });
    const four = await postScores(game, reports("a", 4));
    expect(four.status).toBe(422);
    expect((await errorOf(four)).details).toEqual([
      { index: 3, player: "a", reason: "more than 3 reports a second for this player" },
    ]);
    // At the start of a second: 3 pass, and a 4th in the same second does not; another player has its own count.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    expect((await postScores(game, reports("b", 3))).status).toBe(200);
    expect((await postScores(game, reports("b", 1))).status).toBe(422);
    expect((await postScores(game, reports("c", 3))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    expect((await postScores(game, reports("b", 1))).status).toBe(200);
    expect((await board(game, "?limit=10")).entries.map((e) => [e.player, e.score])).toEqual([
      ["b", 4],
      ["c", 3],
    ]);
  });

  it("refuses bounds whose min exceeds max, and an unknown field", async () => {
    const game = uniqueGame("bounds");
    expect((await configure(game, { bounds: { min: 5, max: 1, maxFutureSeconds: 300 } })).status).toBe(400);
    expect((await configure(game, { bounds: { maxFutureSeconds: 300, maxScore: 3 } })).status).toBe(400);
  });

  it("needs max with maxGainPerSecond where lower is better: a first report gains from the worst score", async () => {
    const game = uniqueGame("bounds");
    const res = await configure(game, { order: "asc", bounds: { maxGainPerSecond: 1 } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/needs bounds.max/);
    expect((await configure(game, { order: "asc", bounds: { max: 600_000, maxGainPerSecond: 1 } })).status).toBe(200);
  });

  it("replaces the whole bounds object on a change; maxFutureSeconds defaults to 300, and {} clears the rest", async () => {
    const game = uniqueGame("bounds");
    const boundsNow = async () =>
      (await (await call(`/v1/games/${game}`)).json<{ config: { bounds: object } }>()).config.bounds;
    expect((await configure(game, { bounds: { max: 100, maxGainPerSecond: 5 } })).status).toBe(200);
    expect(await boundsNow()).toEqual({ max: 100, maxGainPerSecond: 5, maxFutureSeconds: 300 });
    expect((await configure(game, { bounds: { min: 0 } })).status).toBe(200);
    expect(await boundsNow()).toEqual({ min: 0, maxFutureSeconds: 300 });
    expect((await configure(game, { bounds: {} })).status).toBe(200);
    expect(await boundsNow()).toEqual({ maxFutureSeconds: 300 });
  });
});
