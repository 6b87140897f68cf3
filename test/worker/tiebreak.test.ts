import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const configure = (game: string, config: object) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
const rows = async (game: string) =>
  (await board(game, "?limit=100")).entries.map((e) => [e.player, e.score, e.subscore, e.rank]);

describe("tiebreak and subscores", () => {
  it("orders equal scores by subscore in the tiebreak's order, then ts, and shows it on entries", async () => {
    const game = uniqueGame("tiebreak");
    expect((await configure(game, { tiebreak: { order: "desc" }, ties: "shared" })).status).toBe(200);
    await postScores(game, {
      scores: [
        { player: "a", score: 10, subscore: 1, ts: 1000 },
        { player: "b", score: 10, subscore: 5, ts: 2000 },
        { player: "c", score: 10, subscore: 1, ts: 3000 },
        { player: "d", score: 10, ts: 500 },
        { player: "e", score: 20, subscore: -1, ts: 4000 },
      ],
    });
    // Shared ties: equal score and subscore share a rank.
    expect(await rows(game)).toEqual([
      ["e", 20, -1, 1],
      ["b", 10, 5, 2],
      ["a", 10, 1, 3],
      ["c", 10, 1, 3],
      ["d", 10, 0, 5],
    ]);
    const standing = await (await call(`/v1/games/${game}/players/c?around=1`)).json<Record<string, unknown>>();
    expect(standing).toMatchObject({ player: "c", rank: 3, subscore: 1 });
  });

  it("ranks dense ties: equal score and subscore share a rank and the next follows on, `top` by that rank", async () => {
    const game = uniqueGame("tiebreak");
    expect((await configure(game, { tiebreak: { order: "desc" }, ties: "dense" })).status).toBe(200);
    await postScores(game, {
      scores: [
        { player: "a", score: 10, subscore: 1, ts: 1000 },
        { player: "b", score: 10, subscore: 5, ts: 2000 },
        { player: "c", score: 10, subscore: 1, ts: 3000 },
        { player: "d", score: 10, ts: 500 },
        { player: "e", score: 20, subscore: -1, ts: 4000 },
      ],
    });
    expect(await rows(game)).toEqual([
      ["e", 20, -1, 1],
      ["b", 10, 5, 2],
      ["a", 10, 1, 3],
      ["c", 10, 1, 3],
      ["d", 10, 0, 4],
    ]);
    const standing = await (await call(`/v1/games/${game}/players/d`)).json<Record<string, unknown>>();
    expect(standing).toMatchObject({ player: "d", rank: 4, total: 5, top: 4 / 5 });
  });

  it("keeps each entry's subscore in a closed season's standings; a game without a tiebreak has none", async () => {
    const [game, plain] = [uniqueGame("tiebreak-season"), uniqueGame("tiebreak-season")];
    expect((await configure(game, { tiebreak: { order: "asc" }, ties: "dense" })).status).toBe(200);
    await postScores(game, {
      scores: [
        { player: "a", score: 5, subscore: 2.5 },
        { player: "b", score: 5, subscore: -1 },
        { player: "c", score: 3 },
      ],
    });
    await postScores(plain, { player: "a", score: 1 });
    for (const g of [game, plain]) {
      expect((await call(`/v1/games/${g}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
      for (let i = 0; i < 20 && (await runDurableObjectAlarm(env.BOARD.getByName(g))); i++);
    }
    const archived = await (await call(`/v1/games/${game}/seasons/1/leaderboard`)).json<{
      entries: Record<string, unknown>[];
    }>();
    expect(archived.entries.map((e) => [e.player, e.score, e.subscore, e.rank])).toEqual([
      ["b", 5, -1, 1],
      ["a", 5, 2.5, 2],
      ["c", 3, 0, 3],
    ]);
    expect(await (await call(`/v1/games/${game}/seasons/1/players/a`)).json()).toMatchObject({ subscore: 2.5 });
    const [entry] = (
      await (
        await call(`/v1/games/${plain}/seasons/1/leaderboard`)
      ).json<{
        entries: Record<string, unknown>[];
      }>()
    ).entries;
    expect(entry).toMatchObject({ player: "a", score: 1 });
    expect(entry).not.toHaveProperty("subscore");
  });

  it("improves a max entry by a better subscore at an equal score, adds subscores under sum, takes the newest under last", async () => {
    const [max, sum, last] = [uniqueGame("tb-max"), uniqueGame("tb-sum"), uniqueGame("tb-last")];
    await configure(max, { aggregate: "max", tiebreak: { order: "asc" } });
    await configure(sum, { aggregate: "sum", tiebreak: { order: "desc" } });
    await configure(last, { tiebreak: { order: "desc" } });
    const reports = [
      { player: "p", score: 5, subscore: 30, ts: 1000 },
      { player: "p", score: 5, subscore: 20, ts: 2000 },
      { player: "p", score: 4, subscore: 1, ts: 3000 },
    ];
    for (const game of [max, sum, last]) await postScores(game, { scores: reports });
    const entry = async (game: string) => (await board(game)).entries[0];
    // asc: 20 beats 30 at the same score, and the entry was reached at 2000.
    expect(await entry(max)).toMatchObject({ score: 5, subscore: 20, ts: 2000 });
    expect(await entry(sum)).toMatchObject({ score: 14, subscore: 51 });
    expect(await entry(last)).toMatchObject({ score: 4, subscore: 1, ts: 3000 });
  });

  it("refuses a subscore on a game without a tiebreak (400), and a tiebreak change on a board with players (409)", async () => {
    const game = uniqueGame("tiebreak");
    const res = await postScores(game, { scores: [{ player: "a", score: 1, subscore: 2 }] });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: "invalid_request",
      message: expect.stringMatching(/tiebreak/),
      // Named as every other report field is named.
      details: [{ path: "scores[0].subscore", message: "needs a tiebreak" }],
    });
    await postScores(game, { player: "a", score: 1 });
    expect((await board(game)).total).toBe(1);
    const locked = await configure(game, { tiebreak: { order: "desc" } });
    expect(locked.status).toBe(409);
    expect((await errorOf(locked)).code).toBe("tiebreak_locked");
    // Setting what it already is changes nothing and is allowed.
    expect((await configure(game, { tiebreak: null })).status).toBe(200);
    expect((await board(game)).entries[0]).not.toHaveProperty("subscore");
  });

  it("takes a subscore field in line protocol", async () => {
    const game = uniqueGame("tiebreak");
    await configure(game, { tiebreak: { order: "desc" } });
    const res = await call("/v1/write?precision=ms", {
      method: "POST",
      key: INGEST,
      headers: { "content-type": "text/plain" },
      body: `scores,game=${game},player=a value=3,subscore=1 1000\nscores,game=${game},player=b value=3,subscore=2.5 2000`,
    });
    expect(res.status).toBe(204);
    expect(await rows(game)).toEqual([
      ["b", 3, 2.5, 1],
      ["a", 3, 1, 2],
    ]);
  });
});
