import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

// A sharded game's seasons answer as its twin's on one object: the pool fed
// by every shard, the close on every shard at once, the awards from the merged
// top, and the archive's standings merged with their global ranks.

const PRIZES = { poolShare: 0.02, poolSeed: 100, split: [{ from: 1, to: 3, share: 0.6 }] };
const TIERS = [
  { name: "gold", top: 0.01 },
  { name: "silver", rank: 50 },
  { name: "bronze", score: 30 },
  { name: "rest" },
];

const json = async (path: string, init?: Parameters<typeof call>[1]) => {
  const res = await call(path, init);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

/** A season summary without its times, which differ by the ms between the twins' closes. */
const timeless = ({ startedAt: _, endedAt: __, ...rest }: Record<string, unknown>) => rest;

/** Fires the game's alarms until its first season's archive is complete in D1. */
async function archived(game: string) {
  const complete = async () =>
    ((await (await call(`/v1/games/${game}/seasons/1/leaderboard?limit=1`)).json()) as { complete: boolean }).complete;
  for (let i = 0; i < 100 && !(await complete()); i++) {
    if (!(await runDurableObjectAlarm(env.BOARD.getByName(game)))) await new Promise((r) => setTimeout(r, 20));
  }
  expect(await complete()).toBe(true);
}

describe("a sharded game's seasons", () => {
  it("pool, close, awards and archived standings with global ranks, as its twin's, and the next season from empty", async () => {
    const game = uniqueGame("season-shards");
    const twin = uniqueGame("season-twin");
    for (const [g, shards] of [
      [game, 4],
      [twin, 1],
    ] as const) {
      const config = { shards, ties: "shared", aggregate: "sum", prizes: PRIZES, tiers: TIERS };
      expect((await call(`/v1/games/${g}`, { method: "PUT", key: ADMIN, json: config })).status).toBe(200);
    }
    for (let batch = 0; batch < 3; batch++) {
      const scores = Array.from({ length: 700 }, (_, i) => ({
        player: `p${(i * 13 + batch) % 1200}`,
        score: (i * 7 + batch * 3) % 40,
        ts: 1000 + batch * 1000 + (i % 5),
        team: i % 4 === 0 ? "red" : undefined,
      }));
      for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
    }
    expect(await json(`/v1/games/${game}/prizes`)).toEqual(await json(`/v1/games/${twin}/prizes`));

    const [closed, twinClosed] = await Promise.all(
      [game, twin].map((g) => json(`/v1/games/${g}/seasons/close`, { method: "POST", key: ADMIN })),
    );
    expect(timeless(closed)).toEqual(timeless(twinClosed));
    for (const g of [game, twin]) await archived(g);
    for (const path of [
      "seasons/1/leaderboard?limit=1000",
      "seasons/1/leaderboard?limit=1000&offset=1000",
      "seasons/1/awards",
      "seasons/1/players/p7",
    ]) {
      const [a, b] = await Promise.all([json(`/v1/games/${twin}/${path}`), json(`/v1/games/${game}/${path}`)]);
      const { updatedAt: _, game: __, ...rest } = b;
      const { updatedAt: ___, game: ____, ...want } = a;
      expect(rest, path).toEqual(want);
    }
    // Closed standings carry their tiers (by the game's tiers) and a standing its share of the season.
    const closedTop = (await json(`/v1/games/${game}/seasons/1/leaderboard?limit=1`)).entries as { tier: string }[];
    expect(closedTop[0].tier).toBe("gold");
    const p7 = await json(`/v1/games/${game}/seasons/1/players/p7`);
    expect(p7.top).toBe((p7.rank as number) / (p7.total as number));
    expect(p7.tier).toBeDefined();
    const seasons = async (g: string) =>
      ((await json(`/v1/games/${g}/seasons`)).seasons as Record<string, unknown>[]).map(timeless);
    expect(await seasons(game)).toEqual(await seasons(twin));

    // The next season starts empty on every shard, and counts only what comes after the close.
    expect((await json(`/v1/games/${game}/leaderboard`)).total).toBe(0);
    const scores = [
      { player: "p1", score: 5, ts: 9000 },
      { player: "p900", score: 7, ts: 9001 },
    ];
    for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
    const board = async (g: string) => (await json(`/v1/games/${g}/leaderboard?limit=10`)).entries;
    expect(await board(game)).toEqual(await board(twin));
    expect(await json(`/v1/games/${game}/prizes`)).toEqual(await json(`/v1/games/${twin}/prizes`));
  }, 60_000);

  it("closes at the schedule's boundary on every shard, and a close cut short by eviction goes on where it stopped", async () => {
    const game = uniqueGame("season-shards");
    const twin = uniqueGame("season-twin");
    for (const [g, shards] of [
      [game, 3],
      [twin, 1],
    ] as const) {
      const config = { shards, season: { every: "hour" }, prizes: PRIZES };
      expect((await call(`/v1/games/${g}`, { method: "PUT", key: ADMIN, json: config })).status).toBe(200);
    }
    const scores = Array.from({ length: 1000 }, (_, i) => ({ player: `p${i}`, score: (i * 31) % 997, ts: 1000 + i }));
    for (let from = 0; from < 3; from++) {
      const batch = scores.map((s) => ({ ...s, player: `${s.player}-${from}` }));
      for (const g of [game, twin]) expect((await postScores(g, { scores: batch })).status).toBe(200);
    }
    // Alarms fire early in tests, doing the duties due by the time they were armed for: a history sample first,
    // then the boundary. The sharded game closes on every shard and stages its first parts, then is evicted.
    for (const g of [game, twin]) {
      const open = async () => ((await json(`/v1/games/${g}`)).season as { number: number }).number;
      for (let i = 0; i < 5 && (await open()) === 1; i++) await runDurableObjectAlarm(env.BOARD.getByName(g));
      expect(await open()).toBe(2);
    }
    await evictDurableObject(env.BOARD.getByName(game));
    for (const g of [game, twin]) await archived(g);
    for (const path of ["seasons/1/leaderboard?limit=1000&offset=1500", "seasons/1/awards"]) {
      const [a, b] = await Promise.all([json(`/v1/games/${twin}/${path}`), json(`/v1/games/${game}/${path}`)]);
      const { updatedAt: _, game: __, ...rest } = b;
      const { updatedAt: ___, game: ____, ...want } = a;
      expect(rest, path).toEqual(want);
    }
    const closed = async (g: string) =>
      timeless(
        ((await json(`/v1/games/${g}/seasons`)).seasons as Record<string, unknown>[]).find(
          (s) => s.season === 1,
        ) as Record<string, unknown>,
      );
    expect(await closed(game)).toEqual(await closed(twin));
  }, 60_000);

  it("refuses a new shard count while the shards still hold a closed season's board, and takes it once archived", async () => {
    const game = uniqueGame("season-shards");
    expect((await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { shards: 2 } })).status).toBe(200);
    // 10 parts of standings: staged 4 a firing, 20 ms apart at the least, so the change below comes mid-way.
    for (let batch = 0; batch < 5; batch++) {
      const scores = Array.from({ length: 1000 }, (_, i) => ({ player: `p${batch}-${i}`, score: i, ts: 1000 + i }));
      expect((await postScores(game, { scores })).status).toBe(200);
    }
    await json(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect((await json(`/v1/games/${game}/leaderboard`)).total).toBe(0);
    const refused = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { shards: 1 } });
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error.code).toBe("not_empty");
    expect(error.message).toContain("closed season 1's board is still held");
    await archived(game);
    const standings = (await json(`/v1/games/${game}/seasons/1/leaderboard?limit=1000&offset=4000`)).entries as {
      rank: number;
    }[];
    expect(standings.map((e) => e.rank)).toEqual(Array.from({ length: 1000 }, (_, i) => 4001 + i));
    expect((await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { shards: 1 } })).status).toBe(200);
  }, 60_000);
});
