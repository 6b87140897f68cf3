import { describe, expect, it } from "vitest";
import { until, watch } from "../support/spectator";
import { ADMIN, board, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

const put = (game: string, config: Record<string, unknown>) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
const json = async (path: string, init?: Parameters<typeof call>[1]) => {
  const res = await call(path, init);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

/** A game of ten players p0..p9, p0 best (score 100, 90, ..., 10). */
async function tenPlayers(config: Record<string, unknown> = {}): Promise<string> {
  const game = uniqueGame("friends");
  expect((await put(game, config)).status).toBe(200);
  const scores = Array.from({ length: 10 }, (_, i) => ({ player: `p${i}`, score: 100 - 10 * i, ts: 1000 + i }));
  expect((await postScores(game, { scores })).status).toBe(200);
  return game;
}

const TIERS = [
  { name: "gold", top: 0.1 },
  { name: "silver", rank: 3 },
  { name: "bronze", score: 40 },
  { name: "wood" },
];

describe("friends: some players' entries", () => {
  it("answers them in board order with their global ranks, and names the missing, by GET or POST", async () => {
    const game = await tenPlayers();
    const got = await json(`/v1/games/${game}/leaderboard?players=p7,nobody,p2,p7,p0`);
    expect(got.total).toBe(10);
    expect((got.entries as { player: string; rank: number }[]).map((e) => [e.player, e.rank])).toEqual([
      ["p0", 1],
      ["p2", 3],
      ["p7", 8],
    ]);
    expect(got.missing).toEqual(["nobody"]);
    const posted = await json(`/v1/games/${game}/leaderboard/players`, {
      method: "POST",
      json: { players: ["p7", "nobody", "p2", "p0"] },
    });
    expect({ ...posted, updatedAt: 0 }).toEqual({ ...got, updatedAt: 0 });
    // Names with commas take the POST form.
    await postScores(game, { player: "a,b", score: 1 });
    const comma = await json(`/v1/games/${game}/leaderboard/players`, { method: "POST", json: { players: ["a,b"] } });
    expect((comma.entries as { rank: number }[])[0].rank).toBe(11);
  });

  it("refuses more than 100 players, bad names and a country beside them (400), and answers 404 for no game", async () => {
    const game = await tenPlayers();
    const many = Array.from({ length: 101 }, (_, i) => `x${i}`);
    const get = await call(`/v1/games/${game}/leaderboard?players=${many.join(",")}`);
    expect(get.status).toBe(400);
    expect(JSON.stringify(await errorOf(get))).toContain("at most 100 players");
    const post = await call(`/v1/games/${game}/leaderboard/players`, { method: "POST", json: { players: many } });
    expect(post.status).toBe(400);
    // Repeats count once: 100 names and one of them again is a read of 100.
    const repeated = [...many.slice(0, 100), "x0"];
    expect((await call(`/v1/games/${game}/leaderboard?players=${repeated.join(",")}`)).status).toBe(200);
    const postRepeated = await call(`/v1/games/${game}/leaderboard/players`, {
      method: "POST",
      json: { players: repeated },
    });
    expect(postRepeated.status).toBe(200);
    expect((await call(`/v1/games/${game}/leaderboard?players=a,,b`)).status).toBe(400);
    expect((await call(`/v1/games/${game}/leaderboard?players=p1&country=FR`)).status).toBe(400);
    expect((await call(`/v1/games/${uniqueGame("none")}/leaderboard?players=p1`)).status).toBe(404);
  });
});

describe("standing's top and tiers", () => {
  it("gives a standing its share of the board", async () => {
    const game = await tenPlayers();
    expect((await json(`/v1/games/${game}/players/p0`)).top).toBe(0.1);
    expect((await json(`/v1/games/${game}/players/p9`)).top).toBe(1);
  });

  it("puts each entry in the first tier that holds it, on every read that shows players", async () => {
    const game = await tenPlayers({ tiers: TIERS });
    const expected = ["gold", "silver", "silver", "bronze", "bronze", "bronze", "bronze", "wood", "wood", "wood"];
    const tiers = (entries: unknown) => (entries as { tier?: string }[]).map((e) => e.tier);
    expect(tiers((await board(game, "?limit=10")).entries)).toEqual(expected);
    expect((await json(`/v1/games/${game}/players/p3?around=1`)).tier).toBe("bronze");
    expect(tiers((await json(`/v1/games/${game}/players/p3?around=1`)).around)).toEqual(expected.slice(2, 5));
    expect(tiers((await json(`/v1/games/${game}/leaderboard?players=p9,p1`)).entries)).toEqual(["silver", "wood"]);
    const spectator = await watch(game, "?limit=3");
    expect(spectator.entries.map((e) => (e as { tier?: string }).tier)).toEqual(expected.slice(0, 3));
    // Without an open last tier, the last players have none.
    expect((await put(game, { tiers: TIERS.slice(0, 3) })).status).toBe(200);
    expect((await json(`/v1/games/${game}/players/p9`)).tier).toBeUndefined();
    expect((await put(game, { tiers: null })).status).toBe(200);
    expect((await json(`/v1/games/${game}/players/p0`)).tier).toBeUndefined();
  });

  it("ranks a country's players into tiers by their rank on the whole board", async () => {
    const game = uniqueGame("tiers");
    expect((await put(game, { tiers: [{ name: "top", top: 0.5 }, { name: "rest" }] })).status).toBe(200);
    const scores = [4, 3, 2, 1].map((score, i) => ({ player: `c${i}`, score, country: i % 2 === 0 ? "FR" : "DE" }));
    await postScores(game, { scores });
    const fr = await board(game, "?country=FR");
    expect(fr.entries.map((e) => [e.globalRank, e.tier])).toEqual([
      [1, "top"],
      [3, "rest"],
    ]);
  });

  it("refuses a tier with no bound before the last, two bounds, a bad share or repeated names (400)", async () => {
    const game = uniqueGame("tiers");
    for (const tiers of [
      [{ name: "a" }, { name: "b", rank: 1 }],
      [{ name: "a", rank: 1, top: 0.5 }],
      [{ name: "a", top: 0 }],
      [{ name: "a", top: 1.5 }],
      [{ name: "a", rank: 0 }],
      [
        { name: "a", rank: 1 },
        { name: "a", rank: 2 },
      ],
      Array.from({ length: 21 }, (_, i) => ({ name: `t${i}`, rank: i + 1 })),
      [],
    ]) {
      expect((await put(game, { tiers })).status, JSON.stringify(tiers)).toBe(400);
    }
    expect((await put(game, { tiers: [{ name: "all" }] })).status).toBe(200);
  });
});

describe("one player across games", () => {
  it("answers each game's standing in the order asked, and the games without the player as missing", async () => {
    const a = await tenPlayers({ tiers: TIERS });
    const b = await tenPlayers({ order: "asc" });
    const none = uniqueGame("none");
    const got = await json(`/v1/players/p1?games=${b},${none},${a},${b}`);
    expect(got).toEqual({
      player: "p1",
      standings: [
        { game: b, rank: 9, score: 90, ts: 1001, total: 10, top: 0.9 },
        { game: a, rank: 2, score: 90, ts: 1001, total: 10, top: 0.2, tier: "silver" },
      ],
      missing: [none],
    });
    expect((await json(`/v1/players/nobody?games=${a}`)).missing).toEqual([a]);
  });

  it("refuses more than 50 games and bad game names (400)", async () => {
    const games = Array.from({ length: 51 }, (_, i) => `g${i}`).join(",");
    const res = await call(`/v1/players/p1?games=${games}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await errorOf(res))).toContain("at most 50 games");
    expect((await call("/v1/players/p1?games=a%23b")).status).toBe(400);
    expect((await call("/v1/players/p1")).status).toBe(400);
  });
});

describe("a live friends view", () => {
  it("shows the set wherever its players stand, and follows their ranks", async () => {
    const game = await tenPlayers({ liveEvery: 100 });
    const spectator = await watch(game, "?players=p8,p1,nobody");
    expect(spectator.ranked).toEqual([
      { rank: 2, player: "p1", score: 90 },
      { rank: 9, player: "p8", score: 20 },
    ]);
    expect(spectator.board?.total).toBe(10);
    await postScores(game, { player: "p8", score: 95, ts: 2000 });
    await until(() => spectator.ranked[0]?.player === "p8");
    expect(spectator.ranked).toEqual([
      { rank: 2, player: "p8", score: 95 },
      { rank: 3, player: "p1", score: 90 },
    ]);
    expect(spectator.gap).toBe(false);
    expect(
      (await call(`/v1/games/${game}/live?players=p1&country=FR`, { headers: { upgrade: "websocket" } })).status,
    ).toBe(400);
  });

  it("counts each set as one view against maxViews, whatever order it is named in", async () => {
    const game = await tenPlayers({ maxViews: 1 });
    const first = await watch(game, "?players=p1,p2");
    const same = await watch(game, "?players=p2,p1,p2");
    expect(same.ranked).toEqual(first.ranked);
    const upgrade = { headers: { upgrade: "websocket" } };
    const other = await call(`/v1/games/${game}/live?players=p1,p3`, upgrade);
    expect(other.status).toBe(429);
    expect((await errorOf(other)).code).toBe("too_many_views");
    expect((await call(`/v1/games/${game}/live?board=teams&players=p1`, upgrade)).status).toBe(400);
  });
});
