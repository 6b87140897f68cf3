import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const put = (game: string, config: unknown, key = ADMIN) =>
  call(`/v1/games/${game}`, { method: "PUT", key, json: config });

async function seed(game: string, scores: [string, number][]) {
  const res = await postScores(game, { scores: scores.map(([player, score], i) => ({ player, score, ts: 1000 + i })) });
  expect(res.status).toBe(200);
}

describe("games", () => {
  it("GET /v1/games/{game} gives config, player count and updatedAt; 404 for unknown games", async () => {
    const game = uniqueGame();
    expect((await errorOf(await call(`/v1/games/${game}`))).code).toBe("game_not_found");
    const before = Date.now();
    await seed(game, [
      ["a", 1],
      ["b", 2],
    ]);
    const res = await call(`/v1/games/${game}`);
    expect(res.status).toBe(200);
    const info = await res.json<Record<string, unknown>>();
    expect(info).toMatchObject({
      game,
      config: { aggregate: "last", order: "desc", ties: "first", window: 0 },
      players: 2,
    });
    expect(info.updatedAt).toBeGreaterThanOrEqual(before);
  });

  it("PUT creates the game, merges a partial config and returns the new config", async () => {
    const game = uniqueGame();
    const res = await put(game, { order: "asc" });
    expect(res.status).toBe(200);
    const defaults = {
      aggregate: "last",
      ties: "first",
      tiebreak: null,
      window: 0,
      liveEvery: 100,
      maxSpectators: 10_000,
      maxViews: 1000,
      snapshotEvery: 10,
      snapshotTop: 15,
      historyDays: 30,
      archive: false,
      maxPlayers: 1_000_000,
      shards: 1,
      maxTeams: 10_000,
      trend: { short: 10, long: 60, minReports: 2 },
      rating: "none",
      elo: { k: 32, initial: 1500 },
      season: null,
      prizes: null,
      webhook: null,
      open: null,
      join: false,
      maxAttempts: null,
      tiers: null,
      cohorts: null,
      bounds: { maxFutureSeconds: 300 },
    };
    expect(await res.json()).toEqual({ ...defaults, order: "asc" });
    expect(await (await put(game, { ties: "shared" })).json()).toEqual({ ...defaults, order: "asc", ties: "shared" });
    expect((await call(`/v1/games/${game}/leaderboard`)).status).toBe(200);
  });

  it("PUT re-ranks at once when order or ties change", async () => {
    const game = uniqueGame();
    await seed(game, [
      ["a", 3],
      ["b", 1],
      ["c", 3],
      ["d", 2],
    ]);
    expect((await board(game)).entries.map((e) => [e.rank, e.player])).toEqual([
      [1, "a"],
      [2, "c"],
      [3, "d"],
      [4, "b"],
    ]);
    await put(game, { ties: "shared" });
    expect((await board(game)).entries.map((e) => e.rank)).toEqual([1, 1, 3, 4]);
    await put(game, { order: "asc" });
    expect((await board(game)).entries.map((e) => [e.rank, e.player])).toEqual([
      [1, "b"],
      [2, "d"],
      [3, "a"],
      [3, "c"],
    ]);
  });

  it("PUT answers 409 for an aggregate change on a board with players, and allows it on an empty one", async () => {
    const game = uniqueGame();
    expect((await put(game, { aggregate: "max" })).status).toBe(200);
    await seed(game, [["a", 1]]);
    const res = await put(game, { aggregate: "sum" });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("aggregate_locked");
    expect((await put(game, { aggregate: "max", order: "asc" })).status).toBe(200);
  });

  it("shows a webhook's whole URL to admin keys only: others see its origin", async () => {
    const game = uniqueGame();
    const url = "https://hooks.example.com/services/T0001/s3cr3t?key=abc";
    expect((await put(game, { webhook: url })).status).toBe(200);
    const webhookAs = async (key?: string) =>
      (await (await call(`/v1/games/${game}`, { key })).json<{ config: { webhook: unknown } }>()).config.webhook;
    expect(await webhookAs(ADMIN)).toBe(url);
    expect(await webhookAs()).toBe("https://hooks.example.com/…");
    expect(await webhookAs(INGEST)).toBe("https://hooks.example.com/…");
    const hooks = { url, events: ["leader.changed"], top: 3, every: 60 };
    expect((await put(game, { webhook: hooks })).status).toBe(200);
    expect(await webhookAs(ADMIN)).toEqual(hooks);
    expect(await webhookAs()).toEqual({ ...hooks, url: "https://hooks.example.com/…" });
  });

  it("PUT validates the config and needs an admin key", async () => {
    const game = uniqueGame();
    for (const bad of [{ order: "up" }, { window: -1 }, { window: 1.5 }, { liveEvery: 99 }, { colour: "red" }, []]) {
      const res = await put(game, bad);
      expect(res.status).toBe(400);
      await errorOf(res);
    }
    const typo = await put(game, { aggregte: "sum" });
    expect((await errorOf(typo)).message).toBe('Unrecognized key: "aggregte" (did you mean "aggregate"?)');
    const nested = await put(game, { bounds: { mx: 10 } });
    expect((await errorOf(nested)).message).toBe('bounds: Unrecognized key: "mx" (did you mean "max"?)');
    const unlike = await put(game, { colour: "red" });
    expect((await errorOf(unlike)).message).toBe('Unrecognized key: "colour"');
    expect((await put(game, { order: "asc" }, INGEST)).status).toBe(403);
    expect((await put(game, { order: "asc" }, "")).status).toBe(401);
  });

  it("maxPlayers: refuses a batch that would add a player beyond it with 409 board_full, applying nothing", async () => {
    const game = uniqueGame();
    await put(game, { maxPlayers: 3 });
    await seed(game, [
      ["a", 1],
      ["b", 2],
    ]);
    const res = await postScores(game, {
      scores: [
        { player: "a", score: 10 },
        { player: "c", score: 3 },
        { player: "d", score: 4 },
      ],
    });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("board_full");
    expect((await board(game)).entries.map((e) => [e.player, e.score])).toEqual([
      ["b", 2],
      ["a", 1],
    ]);
    // Updates of known players and one newcomer fit; a removal makes room again.
    expect(
      (
        await postScores(game, {
          scores: [
            { player: "a", score: 10 },
            { player: "c", score: 3 },
          ],
        })
      ).status,
    ).toBe(200);
    expect((await postScores(game, { player: "d", score: 4 })).status).toBe(409);
    await call(`/v1/games/${game}/players/b`, { method: "DELETE", key: ADMIN });
    expect((await postScores(game, { player: "d", score: 4 })).status).toBe(200);
    expect((await put(game, { maxPlayers: 1_000_001 })).status).toBe(400);
  });

  it("window: players whose ts is older than the window leave the board", async () => {
    const game = uniqueGame();
    await put(game, { window: 60 });
    const now = Date.now();
    await postScores(game, {
      scores: [
        { player: "fresh", score: 1, ts: now },
        { player: "stale", score: 9, ts: now - 120_000 },
      ],
    });
    expect((await board(game)).entries.map((e) => e.player)).toEqual(["fresh"]);
    await put(game, { window: 0 });
    expect((await board(game)).entries.map((e) => e.player)).toEqual(["stale", "fresh"]);
  });

  it("under last, an older report than the player's current ts is ignored", async () => {
    const game = uniqueGame();
    await postScores(game, { player: "p", score: 10, ts: 2000 });
    expect((await postScores(game, { player: "p", score: 99, ts: 1000 })).status).toBe(200);
    expect((await board(game)).entries[0]).toMatchObject({ score: 10, ts: 2000 });
  });

  it("GET /v1/games lists games from the directory", async () => {
    const game = uniqueGame("listed");
    await seed(game, [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    let listed: { game: string; players: number; updatedAt: number } | undefined;
    for (let i = 0; i < 50 && listed?.players !== 3; i++) {
      const res = await call("/v1/games");
      expect(res.status).toBe(200);
      listed = (await res.json<{ games: { game: string; players: number; updatedAt: number }[] }>()).games.find(
        (g) => g.game === game,
      );
      if (listed?.players !== 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject({ game, players: 3 });
  });

  it("GET /v1/games pages with limit and after", async () => {
    const names = [uniqueGame("page"), uniqueGame("page")].sort();
    for (const name of names) await seed(name, [["a", 1]]);
    await new Promise((r) => setTimeout(r, 200));
    const first = await (await call(`/v1/games?limit=1&after=${names[0].slice(0, -1)}`)).json<{
      games: { game: string }[];
      next?: string;
    }>();
    expect(first.games).toHaveLength(1);
    expect(first.next).toBe(first.games[0].game);
    expect((await call("/v1/games?limit=0")).status).toBe(400);
  });
});

describe("leaderboard and players", () => {
  it("pages with limit and offset, validating both", async () => {
    const game = uniqueGame();
    await seed(
      game,
      Array.from({ length: 30 }, (_, i) => [`p${i}`, i] as [string, number]),
    );
    const top = await board(game);
    expect(top.total).toBe(30);
    expect(top.entries).toHaveLength(15);
    expect(top.entries[0]).toMatchObject({ rank: 1, player: "p29", score: 29 });
    const page = await board(game, "?limit=5&offset=27");
    expect(page.entries.map((e) => e.rank)).toEqual([28, 29, 30]);
    expect((await board(game, "?offset=40")).entries).toEqual([]);
    for (const q of ["?limit=0", "?limit=1001", "?limit=5000", "?limit=-5", "?limit=1.5", "?limit=abc", "?limit="]) {
      const res = await call(`/v1/games/${game}/leaderboard${q}`);
      expect(res.status, q).toBe(400);
      // One voice whatever the mistake: the range the parameter takes.
      expect((await errorOf(res)).message, q).toBe("limit: expected a whole number from 1 to 1000");
    }
    const negative = await call(`/v1/games/${game}/leaderboard?offset=-1`);
    expect((await errorOf(negative)).message).toBe("offset: expected a whole number, 0 or more");
    expect((await call(`/v1/games/${game}/leaderboard?limit=1000`)).status).toBe(200);
  });

  it("GET player gives rank and total, with neighbours when asked", async () => {
    const game = uniqueGame();
    await seed(game, [
      ["a", 5],
      ["b", 4],
      ["c", 3],
      ["d", 2],
      ["e", 1],
    ]);
    const plain = await call(`/v1/games/${game}/players/c`);
    expect(await plain.json()).toEqual({ rank: 3, player: "c", score: 3, ts: 1002, total: 5, top: 0.6 });
    const around = await (await call(`/v1/games/${game}/players/b?around=2`)).json<{
      around: { player: string; rank: number }[];
    }>();
    expect(around.around.map((e) => [e.rank, e.player])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ]);
    expect((await call(`/v1/games/${game}/players/b?around=101`)).status).toBe(400);
    const missing = await call(`/v1/games/${game}/players/zz`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("player_not_found");
  });

  it("player names with reserved URL characters round-trip through the path", async () => {
    const game = uniqueGame();
    const player = "a/b?c#d e%f";
    await seed(game, [[player, 7]]);
    const res = await call(`/v1/games/${game}/players/${encodeURIComponent(player)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ player, rank: 1 });
  });

  it("DELETE removes a player (admin only) and 404s for unknown ones", async () => {
    const game = uniqueGame();
    await seed(game, [
      ["a", 2],
      ["b", 1],
    ]);
    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: INGEST })).status).toBe(403);
    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE" })).status).toBe(401);
    const res = await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN });
    expect(res.status).toBe(204);
    expect((await board(game)).entries.map((e) => [e.rank, e.player])).toEqual([[1, "b"]]);
    const again = await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN });
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe("player_not_found");
    const noGame = await call(`/v1/games/${uniqueGame()}/players/a`, { method: "DELETE", key: ADMIN });
    expect((await errorOf(noGame)).code).toBe("game_not_found");
  });

  it("DELETE removes the profile and stats of a player off the board: one of a closed season, one with only a profile", async () => {
    const game = uniqueGame();
    await seed(game, [
      ["old", 5],
      ["kept", 3],
    ]);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    expect((await call(`/v1/games/${game}/players/old`)).status).toBe(404);
    expect((await call(`/v1/games/${game}/players/old/stats`)).status).toBe(200);
    expect((await call(`/v1/games/${game}/players/old`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    expect((await call(`/v1/games/${game}/players/old/stats`)).status).toBe(404);
    expect((await call(`/v1/games/${game}/players/kept/stats`)).status).toBe(200);

    const profile = `/v1/games/${game}/players/fan/profile`;
    expect((await call(profile, { method: "PUT", key: INGEST, json: { name: "Fan" } })).status).toBe(200);
    expect((await call(`/v1/games/${game}/players/fan`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    const again = await call(`/v1/games/${game}/players/fan`, { method: "DELETE", key: ADMIN });
    expect((await errorOf(again)).code).toBe("player_not_found");
    // Its first score after the removal carries no name: the profile went with it.
    await seed(game, [["fan", 9]]);
    expect((await board(game)).entries).toEqual([expect.not.objectContaining({ name: "Fan" })]);
    expect((await board(game)).entries.map((e) => e.player)).toEqual(["fan"]);
  });
});
