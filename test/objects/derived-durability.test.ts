import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

const read = async (game: string) => {
  const paths = [
    "teams",
    "teams/red",
    "mvps",
    "trending",
    "countries",
    "leaderboard?country=TR",
    "leaderboard",
    "players/a",
  ];
  return Object.fromEntries(
    await Promise.all(paths.map(async (p) => [p, await (await call(`/v1/games/${game}/${p}`)).json()] as const)),
  );
};

describe("derived boards across eviction", () => {
  it("rebuilds teams, MVPs, countries, names and trending as they were", async () => {
    const game = uniqueGame("derived");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    const now = Date.now();
    for (let round = 0; round < 4; round++) {
      await postScores(game, {
        scores: [
          { player: "a", score: 5 + round, team: "red", country: "TR", name: "Ada", ts: now - 3000 + round * 500 },
          { player: "b", score: 3, team: round < 2 ? "red" : "blue", country: "DE", ts: now - 3000 + round * 500 },
          { player: "c", score: 7, team: "blue", ts: now - 3000 + round * 500 },
        ],
      });
    }
    await call(`/v1/games/${game}/players/c/profile`, { method: "PUT", key: ADMIN, json: { country: "TR" } });
    const before = await read(game);
    expect((before.trending as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
    expect((before.teams as { entries: unknown[] }).entries.length).toBe(2);
    await evictDurableObject(env.BOARD.getByName(game));
    expect(await read(game)).toEqual(before);
  });
});
