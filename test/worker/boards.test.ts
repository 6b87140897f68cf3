import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const get = async <T>(path: string): Promise<T> => {
  const res = await call(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
};

const profile = (game: string, player: string, body: unknown, key = INGEST) =>
  call(`/v1/games/${game}/players/${encodeURIComponent(player)}/profile`, { method: "PUT", key, json: body });

describe("teams and MVPs", () => {
  it("ranks teams by their members' sums, lists members with shares, and follows a team switch", async () => {
    const game = uniqueGame("teams");
    await postScores(game, {
      scores: [
        { player: "a", score: 50, team: "red", ts: 1000 },
        { player: "b", score: 30, team: "red", ts: 1001 },
        { player: "c", score: 60, team: "blue", ts: 1002 },
        { player: "d", score: 10, ts: 1003 },
      ],
    });
    const teams = await get<{ total: number; entries: unknown[] }>(`/v1/games/${game}/teams`);
    expect(teams.total).toBe(2);
    expect(teams.entries).toEqual([
      { rank: 1, team: "red", score: 80, members: 2, ts: 1001 },
      { rank: 2, team: "blue", score: 60, members: 1, ts: 1002 },
    ]);
    expect(await get(`/v1/games/${game}/teams/red`)).toEqual({
      rank: 1,
      team: "red",
      score: 80,
      members: 2,
      ts: 1001,
      players: [
        { rank: 2, player: "a", score: 50, share: 50 / 80 },
        { rank: 3, player: "b", score: 30, share: 30 / 80 },
      ],
    });
    const mvps = await get<{ entries: unknown[] }>(`/v1/games/${game}/mvps`);
    expect(mvps.entries).toEqual([
      { rank: 1, team: "blue", player: "c", score: 60, teamScore: 60, share: 1 },
      { rank: 2, team: "red", player: "a", score: 50, teamScore: 80, share: 50 / 80 },
    ]);
    // b switches to blue with its next report.
    await postScores(game, { player: "b", score: 31, team: "blue", ts: 2000 });
    expect((await get<{ entries: unknown[] }>(`/v1/games/${game}/teams`)).entries).toEqual([
      { rank: 1, team: "blue", score: 91, members: 2, ts: 2000 },
      { rank: 2, team: "red", score: 50, members: 1, ts: 1000 },
    ]);
    const missing = await call(`/v1/games/${game}/teams/green`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("team_not_found");
  });

  it("refuses a batch naming more teams than maxTeams with 409 too_many_teams, applying nothing", async () => {
    const game = uniqueGame("teams");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { maxTeams: 2 } });
    await postScores(game, { scores: [{ player: "a", score: 1, team: "t1" }] });
    const res = await postScores(game, {
      scores: [
        { player: "b", score: 1, team: "t2" },
        { player: "c", score: 1, team: "t3" },
      ],
    });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("too_many_teams");
    expect((await board(game)).total).toBe(1);
    expect((await postScores(game, { player: "b", score: 2, team: "t2" })).status).toBe(200);
  });
});

describe("profiles and countries", () => {
  it("carries names and countries in entries, ranks countries, and pages one country with global ranks", async () => {
    const game = uniqueGame("countries");
    await postScores(game, {
      scores: [
        { player: "a", score: 90, country: "TR", name: "Ayşe" },
        { player: "b", score: 80, country: "DE" },
        { player: "c", score: 70, country: "TR" },
        { player: "d", score: 60 },
      ],
    });
    expect(await (await profile(game, "d", { name: "Dee", country: "TR" })).json()).toEqual({
      player: "d",
      name: "Dee",
      country: "TR",
    });
    const top = (await board(game)).entries;
    expect(top[0]).toMatchObject({ rank: 1, player: "a", name: "Ayşe", country: "TR" });
    expect(top[3]).toMatchObject({ player: "d", name: "Dee", country: "TR" });
    expect((await get<{ entries: unknown[] }>(`/v1/games/${game}/countries`)).entries).toEqual([
      { rank: 1, country: "TR", score: 220, players: 3, ts: expect.any(Number) },
      { rank: 2, country: "DE", score: 80, players: 1, ts: expect.any(Number) },
    ]);
    const turkey = await get<{ total: number; entries: { player: string; rank: number; globalRank: number }[] }>(
      `/v1/games/${game}/leaderboard?country=TR`,
    );
    expect(turkey.total).toBe(3);
    expect(turkey.entries.map(({ player, rank, globalRank }) => [player, rank, globalRank])).toEqual([
      ["a", 1, 1],
      ["c", 2, 3],
      ["d", 3, 4],
    ]);
    expect(await get(`/v1/games/${game}/players/c`)).toMatchObject({ rank: 3, country: "TR", countryRank: 2 });
  });

  it("takes a profile before the player's first score, and drops it when the player is removed", async () => {
    const game = uniqueGame("countries");
    await postScores(game, { player: "someone", score: 1 });
    await profile(game, "later", { country: "JP", name: "Later" });
    await postScores(game, { player: "later", score: 5 });
    expect(await get(`/v1/games/${game}/players/later`)).toMatchObject({
      name: "Later",
      country: "JP",
      countryRank: 1,
    });
    expect((await call(`/v1/games/${game}/players/later`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    await postScores(game, { player: "later", score: 5 });
    const back = await get<Record<string, unknown>>(`/v1/games/${game}/players/later`);
    expect(back.name).toBeUndefined();
    expect(back.country).toBeUndefined();
    expect((await get<{ entries: unknown[] }>(`/v1/games/${game}/countries`)).entries).toEqual([]);
  });

  it("refuses unknown country codes, long names and empty profiles with 400", async () => {
    const game = uniqueGame("countries");
    for (const body of [{ country: "XX" }, { country: "tr" }, { name: "x".repeat(65) }, {}, { colour: "red" }]) {
      const res = await profile(game, "p", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      await errorOf(res);
    }
    expect((await postScores(game, { player: "p", score: 1, country: "ZZ" })).status).toBe(400);
    expect((await call(`/v1/games/${game}/leaderboard?country=QQ`)).status).toBe(400);
    expect((await call(`/v1/games/${game}`)).status).toBe(404);
  });
});

describe("trending", () => {
  it("ranks players by short-window gains against long-window gains", async () => {
    const game = uniqueGame("trend");
    await call(`/v1/games/${game}`, {
      method: "PUT",
      key: ADMIN,
      json: { aggregate: "sum", trend: { short: 10, long: 60, minReports: 2 } },
    });
    const now = Date.now();
    // steady: +10 a minute ago and +10 now; hot: +20 twice now; once: one report only.
    await postScores(game, {
      scores: [
        { player: "steady", score: 10, ts: now - 40_000 },
        { player: "steady", score: 10, ts: now - 1000 },
        { player: "steady", score: 1, ts: now - 500 },
        { player: "hot", score: 20, ts: now - 1000 },
        { player: "hot", score: 20, ts: now - 500 },
        { player: "once", score: 50, ts: now - 500 },
      ],
    });
    const { entries } = await get<{ entries: { player: string; hotness: number; short: number; long: number }[] }>(
      `/v1/games/${game}/trending`,
    );
    expect(entries.map((e) => e.player)).toEqual(["hot", "steady"]);
    expect(entries[0]).toMatchObject({ short: 4, long: 40 / 60, hotness: 6 });
    expect(
      (
        await call(`/v1/games/${game}`, {
          method: "PUT",
          key: ADMIN,
          json: { trend: { short: 60, long: 10, minReports: 1 } },
        })
      ).status,
    ).toBe(400);
  });
});
