import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ordinal, rate, rating } from "openskill";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const results = (game: string, body: unknown) =>
  call(`/v1/games/${game}/results`, { method: "POST", key: INGEST, json: body });
const events = (game: string, body: unknown) =>
  call(`/v1/games/${game}/events`, { method: "POST", key: INGEST, json: body });
const configure = (game: string, config: object) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
const stats = async (game: string, player: string) => {
  const res = await call(`/v1/games/${game}/players/${player}/stats`);
  if (res.status !== 200) throw new Error(`stats ${res.status}: ${await res.text()}`);
  return res.json<Record<string, unknown>>();
};

describe("results and stats", () => {
  it("keeps played, wins, losses, draws and streaks for every player, without touching an unrated board", async () => {
    const game = uniqueGame("results");
    await postScores(game, { player: "a", score: 1 });
    const res = await results(game, {
      results: [
        { winner: "a", loser: "b", ts: 1000 },
        { winner: "a", loser: "c", ts: 2000 },
        { draw: ["a", "b"], ts: 3000 },
        { placements: [["c"], ["a", "b"]], ts: 4000 },
        { winner: "c", loser: "b", ts: 5000 },
      ],
    });
    expect(await res.json()).toEqual({ accepted: 5, duplicates: 0 });
    expect(await stats(game, "a")).toMatchObject({
      played: 4,
      wins: 2,
      losses: 1,
      draws: 1,
      streak: -1,
      bestStreak: 2,
    });
    expect(await stats(game, "b")).toMatchObject({
      played: 4,
      wins: 0,
      losses: 3,
      draws: 1,
      streak: -2,
      bestStreak: 0,
    });
    expect(await stats(game, "c")).toMatchObject({ played: 3, wins: 2, losses: 1, draws: 0, streak: 2, bestStreak: 2 });
    expect(await stats(game, "c")).toMatchObject({ firstSeen: 2000, lastSeen: 5000 });
    // Unrated: the board still has only the reported player.
    expect((await board(game)).total).toBe(1);
    expect((await call(`/v1/games/${game}/players/nobody/stats`)).status).toBe(404);
  });

  it("counts score reports, the best score held and when the player was seen", async () => {
    const game = uniqueGame("results");
    await postScores(game, {
      scores: [
        { player: "a", score: 50, ts: 1000 },
        { player: "a", score: 20, ts: 3000 },
      ],
    });
    await postScores(game, { player: "a", score: 30, ts: 2000 }); // older than the current ts: ignored, but counted
    expect(await stats(game, "a")).toMatchObject({ reports: 3, best: 50, firstSeen: 1000, lastSeen: 3000, played: 0 });
  });

  it("rates by wins: every player of a result is on the board, a loser at 0", async () => {
    const game = uniqueGame("results");
    await configure(game, { rating: "wins" });
    await results(game, { results: [{ winner: "a", loser: "b" }, { placements: [["a"], ["c"], ["b"]] }] });
    expect((await board(game)).entries.map((e) => [e.player, e.score])).toEqual([
      ["a", 2],
      ["b", 0],
      ["c", 0],
    ]);
  });

  it("keeps who reached a score first when a result leaves a player's score as it was", async () => {
    const game = uniqueGame("results");
    await configure(game, { rating: "wins" });
    await results(game, {
      results: [
        { winner: "a", loser: "b", ts: 1000 },
        { winner: "c", loser: "d", ts: 2000 },
        // a plays again without winning: still 1 win, reached before c's.
        { winner: "e", loser: "a", ts: 3000 },
      ],
    });
    const entries = (await board(game)).entries.filter((e) => e.score === 1);
    expect(entries.map((e) => [e.player, e.ts])).toEqual([
      ["a", 1000],
      ["c", 2000],
      ["e", 3000],
    ]);
  });

  it("rates by ELO with the textbook formula, and placements as every pair at once with K/(n-1)", async () => {
    const game = uniqueGame("results");
    await configure(game, { rating: "elo", elo: { k: 32, initial: 1500 } });
    await results(game, { winner: "a", loser: "b" });
    const scores = Object.fromEntries((await board(game)).entries.map((e) => [e.player, e.score]));
    expect(scores).toEqual({ a: 1516, b: 1484 });
    await results(game, { placements: [["c"], ["a"], ["b"]] });
    // Each pair with K/2, from the ratings before the result.
    const e = (ra: number, rb: number) => 1 / (1 + 10 ** ((rb - ra) / 400));
    const k = 16;
    const want = {
      c: 1500 + k * (1 - e(1500, 1516)) + k * (1 - e(1500, 1484)),
      a: 1516 + k * (0 - e(1516, 1500)) + k * (1 - e(1516, 1484)),
      b: 1484 + k * (0 - e(1484, 1500)) + k * (0 - e(1484, 1516)),
    };
    const after = Object.fromEntries((await board(game)).entries.map((x) => [x.player, x.score]));
    for (const player of ["a", "b", "c"] as const) expect(after[player]).toBeCloseTo(want[player], 9);
    expect(after.a + after.b + after.c).toBeCloseTo(4500, 9);
  });

  it("rates by OpenSkill through the package: mu and sigma in the stats, mu - 3 sigma on the board", async () => {
    const game = uniqueGame("results");
    await configure(game, { rating: "openskill" });
    await results(game, { placements: [["a"], ["b", "c"], ["d"]] });
    const [[a], [b], [c], [d]] = rate([[rating()], [rating()], [rating()], [rating()]], { rank: [1, 2, 2, 3] });
    expect((await stats(game, "a")).rating).toEqual({ mu: a.mu, sigma: a.sigma });
    expect((await stats(game, "d")).rating).toEqual({ mu: d.mu, sigma: d.sigma });
    const scores = Object.fromEntries((await board(game)).entries.map((x) => [x.player, x.score]));
    expect(scores).toEqual({ a: ordinal(a), b: ordinal(b), c: ordinal(c), d: ordinal(d) });
  });

  it("refuses score reports on a rated game, and a rating change on a board with players (409)", async () => {
    const game = uniqueGame("results");
    await configure(game, { rating: "elo" });
    const report = await postScores(game, { player: "a", score: 1 });
    expect(report.status).toBe(409);
    expect((await errorOf(report)).code).toBe("rated_game");
    await results(game, { winner: "a", loser: "b" });
    const change = await configure(game, { rating: "wins" });
    expect(change.status).toBe(409);
    expect((await errorOf(change)).code).toBe("rating_locked");
    const plain = uniqueGame("results");
    await postScores(plain, { player: "a", score: 1 });
    expect((await configure(plain, { rating: "elo" })).status).toBe(409);
  });

  it("validates a batch whole: a player twice, fewer than 2 or more than 64 players is a 400, and nothing is applied", async () => {
    const game = uniqueGame("results");
    const many = Array.from({ length: 65 }, (_, i) => [`p${i}`]);
    for (const bad of [
      { winner: "a", loser: "a" },
      { draw: ["a"] },
      { placements: [["a"]] },
      { placements: [["a", "b"], ["b"]] },
      { placements: many },
      { winner: "a" },
    ]) {
      const res = await results(game, { results: [{ winner: "x", loser: "y" }, bad] });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      await errorOf(res);
    }
    expect((await call(`/v1/games/${game}/players/x/stats`)).status).toBe(404);
  });

  it("acknowledges a repeated result or event id without applying it twice", async () => {
    const game = uniqueGame("results");
    await results(game, { id: "m1", winner: "a", loser: "b" });
    expect(await (await results(game, { id: "m1", winner: "a", loser: "b" })).json()).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    await events(game, { id: "e1", player: "a", counters: { rock: 2 } });
    expect(await (await events(game, { id: "e1", player: "a", counters: { rock: 2 } })).json()).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(await stats(game, "a")).toMatchObject({ played: 1, counters: { rock: 2 } });
  });
});

describe("counters", () => {
  it("grows each counter by its increment, up to 100 counters a player", async () => {
    const game = uniqueGame("counters");
    await events(game, {
      events: [
        { player: "a", counters: { rock: 1, paper: 2 } },
        { player: "a", counters: { rock: 3 } },
      ],
    });
    expect((await stats(game, "a")).counters).toEqual({ rock: 4, paper: 2 });
    const hundred = Object.fromEntries(Array.from({ length: 98 }, (_, i) => [`c${i}`, 1]));
    expect((await events(game, { player: "a", counters: hundred })).status).toBe(200);
    const over = await events(game, { player: "a", counters: { one_more: 1 } });
    expect(over.status).toBe(400);
    expect((await errorOf(over)).code).toBe("too_many_counters");
    const overflow = await events(game, { player: "a", counters: { rock: Number.MAX_SAFE_INTEGER } });
    expect((await errorOf(overflow)).code).toBe("counter_out_of_range");
    for (const bad of [
      { player: "a", counters: {} },
      { player: "a", counters: { "bad name": 1 } },
      { player: "a", counters: { x: 1.5 } },
    ]) {
      expect((await events(game, bad)).status).toBe(400);
    }
    expect((await stats(game, "a")).counters).toMatchObject({ rock: 4, paper: 2 });
  });

  it("keeps stats across eviction, and removes them with the player", async () => {
    const game = uniqueGame("counters");
    await configure(game, { rating: "elo" });
    await results(game, { winner: "a", loser: "b" });
    await events(game, { player: "a", counters: { rock: 1 } });
    const before = await stats(game, "a");
    await evictDurableObject(env.BOARD.getByName(game));
    expect(await stats(game, "a")).toEqual(before);
    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    expect((await call(`/v1/games/${game}/players/a/stats`)).status).toBe(404);
  });
});
