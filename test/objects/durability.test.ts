import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, postScores, uniqueGame } from "../support/worker-client";

async function fullBoard(game: string) {
  return (await board(game, "?limit=1000")).entries;
}

async function baseGeneration(game: string): Promise<number> {
  return runInDurableObject(env.BOARD.getByName(game), (_, state) => {
    const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'base'").toArray()[0];
    return row ? (JSON.parse(row.value) as { generation: number }).generation : 0;
  });
}

describe("GameBoard durability", () => {
  it("rebuilds the same board, config and updatedAt after eviction", async () => {
    const game = uniqueGame();
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "max", ties: "shared" } });
    await postScores(game, {
      scores: Array.from({ length: 300 }, (_, i) => ({
        player: `p${i % 120}`,
        score: (i * 37) % 50,
        ts: 1000 + i,
        team: i % 2 ? "red" : "blue",
      })),
    });
    await call(`/v1/games/${game}/players/p7`, { method: "DELETE", key: ADMIN });
    const before = await fullBoard(game);
    const infoBefore = await (await call(`/v1/games/${game}`)).json();
    await evictDurableObject(env.BOARD.getByName(game));
    expect(await fullBoard(game)).toEqual(before);
    expect(await (await call(`/v1/games/${game}`)).json()).toEqual(infoBefore);
    expect(before.find((e) => e.player === "p7")).toBeUndefined();
  });

  it("still recognizes ids as duplicates after a rebuild", async () => {
    const game = uniqueGame();
    await postScores(game, {
      scores: [
        { player: "a", score: 1, id: "x1" },
        { player: "b", score: 2, id: "x2" },
      ],
    });
    await evictDurableObject(env.BOARD.getByName(game));
    const res = await postScores(game, {
      scores: [
        { player: "a", score: 100, id: "x1" },
        { player: "c", score: 3, id: "x3" },
      ],
    });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1 });
    expect((await fullBoard(game)).map((e) => [e.player, e.score])).toEqual([
      ["c", 3],
      ["b", 2],
      ["a", 1],
    ]);
  });

  it("compacts the log into a base in the background while reports keep coming, losing nothing", async () => {
    const game = uniqueGame();
    const players = 3000;
    let sent = 0;
    const expected = new Map<string, number>();
    const send = async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const scores = Array.from({ length: 1000 }, () => {
          const n = sent++;
          const player = `player-${(n * 7919) % players}`;
          const score = (n * 104729) % 100_000;
          expected.set(player, score);
          return { player, score, ts: 1_000_000 + n };
        });
        expect((await postScores(game, { scores })).status).toBe(200);
      }
    };
    await send(55);
    let generation = 0;
    for (let i = 0; i < 200 && generation === 0; i++) {
      await send(1);
      generation = await baseGeneration(game);
    }
    expect(generation).toBeGreaterThan(0);
    await send(3);
    const before = await fullBoard(game);
    await evictDurableObject(env.BOARD.getByName(game));
    const after = await fullBoard(game);
    expect(after).toEqual(before);
    const res = await board(game, `?limit=1000&offset=1000`);
    expect(res.total).toBe(players);
    const all = [...after, ...res.entries, ...(await board(game, "?limit=1000&offset=2000")).entries];
    expect(new Map(all.map((e) => [e.player as string, e.score as number]))).toEqual(expected);
  }, 60_000);
});
