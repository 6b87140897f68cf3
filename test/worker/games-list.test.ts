import { describe, expect, it } from "vitest";
import { watch } from "../support/spectator";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

interface Listed {
  game: string;
  players: number;
  kind?: string;
  leader?: { player: string; name?: string; country?: string; score: number };
  season?: number;
  spectators: number;
}

const put = (game: string, config: unknown) => call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });

/** The game's row of the directory once `ready` holds for it (the directory follows within a second or so). */
async function listed(game: string, ready: (row: Listed) => boolean, tries = 50): Promise<Listed | undefined> {
  let row: Listed | undefined;
  for (let i = 0; i < tries; i++) {
    const res = await call("/v1/games?order=active&limit=1000");
    expect(res.status).toBe(200);
    row = (await res.json<{ games: Listed[] }>()).games.find((g) => g.game === game);
    if (row !== undefined && ready(row)) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
  return row;
}

describe("GET /v1/games: kind, leader, season and spectators", () => {
  it("gives a score game's kind and its leader with display name and score, and no season", async () => {
    const game = uniqueGame("list-kind");
    await postScores(game, {
      scores: [
        { player: "a", score: 5 },
        { player: "b", score: 9, name: "Björk", country: "IS" },
      ],
    });
    const row = await listed(game, (g) => g.players === 2);
    expect(row).toMatchObject({
      game,
      players: 2,
      kind: "score",
      leader: { player: "b", name: "Björk", country: "IS", score: 9 },
    });
    expect(row?.spectators).toBe(0);
    expect(row?.season).toBeUndefined();
  });

  it("names points (sum) and rated games, and gives the open season when seasons are configured", async () => {
    const points = uniqueGame("list-points");
    await put(points, { aggregate: "sum", season: { every: "day" } });
    await postScores(points, { player: "a", score: 3 });
    expect(await listed(points, (g) => g.players === 1)).toMatchObject({
      kind: "points",
      season: 1,
      leader: { player: "a", score: 3 },
    });

    const elo = uniqueGame("list-elo");
    await put(elo, { rating: "elo" });
    const res = await call(`/v1/games/${elo}/results`, {
      method: "POST",
      key: "ingest-test-key",
      json: { results: [{ winner: "w", loser: "l" }] },
    });
    expect(res.status).toBe(200);
    expect(await listed(elo, (g) => g.players === 2)).toMatchObject({ kind: "elo", leader: { player: "w" } });
  });

  it("gives a sharded game's leader, the best of its shards' leaders", async () => {
    const game = uniqueGame("list-shards");
    await put(game, { shards: 4 });
    const scores = Array.from({ length: 20 }, (_, i) => ({ player: `p${i}`, score: i * 10 }));
    await postScores(game, { scores });
    expect(await listed(game, (g) => g.players === 20 && g.leader?.player === "p19")).toMatchObject({
      leader: { player: "p19", score: 190 },
    });
  });

  it("counts live spectators, following a spectator who comes and goes with no report", async () => {
    const game = uniqueGame("list-live");
    await postScores(game, { player: "a", score: 1 });
    expect(await listed(game, (g) => g.players === 1)).toMatchObject({ spectators: 0 });
    const spectator = await watch(game, "?limit=5");
    expect(await listed(game, (g) => g.spectators === 1, 100)).toMatchObject({ spectators: 1 });
    spectator.socket.close(1000, "bye");
    expect(await listed(game, (g) => g.spectators === 0, 100)).toMatchObject({ spectators: 0 });
  }, 60_000);
});
