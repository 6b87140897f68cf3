import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, postScores, uniqueGame } from "../support/worker-client";

const fullBoard = async (game: string, offset = 0) => (await board(game, `?limit=1000&offset=${offset}`)).entries;

async function baseGeneration(game: string): Promise<number> {
  return runInDurableObject(env.BOARD.getByName(game), (_, state) => {
    const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'base'").toArray()[0];
    return row ? (JSON.parse(row.value) as { generation: number }).generation : 0;
  });
}

describe("subscores across eviction", () => {
  it("rebuilds subscores from the log, teams and all, in the same order", async () => {
    const game = uniqueGame("subscore");
    await call(`/v1/games/${game}`, {
      method: "PUT",
      key: ADMIN,
      json: { aggregate: "max", tiebreak: { order: "desc" } },
    });
    await postScores(game, {
      scores: Array.from({ length: 200 }, (_, i) => ({
        player: `p${i % 60}`,
        score: i % 3,
        subscore: (i * 7) % 11,
        ts: 1000 + i,
        ...(i % 2 ? { team: "red" } : {}),
      })),
    });
    const before = await fullBoard(game);
    expect(before.every((e) => typeof e.subscore === "number")).toBe(true);
    await evictDurableObject(env.BOARD.getByName(game));
    expect(await fullBoard(game)).toEqual(before);
  });

  it("keeps subscores through a compaction into the base", async () => {
    const game = uniqueGame("subscore");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { tiebreak: { order: "asc" } } });
    let sent = 0;
    let generation = 0;
    for (let i = 0; i < 200 && generation === 0; i++) {
      const scores = Array.from({ length: 1000 }, () => {
        const n = sent++;
        return { player: `p${n % 1500}`, score: n % 5, subscore: (n * 13) % 7, ts: 1_000_000 + n };
      });
      await postScores(game, { scores });
      generation = await baseGeneration(game);
    }
    expect(generation).toBeGreaterThan(0);
    const before = [...(await fullBoard(game)), ...(await fullBoard(game, 1000))];
    await evictDurableObject(env.BOARD.getByName(game));
    expect([...(await fullBoard(game)), ...(await fullBoard(game, 1000))]).toEqual(before);
    expect(new Set(before.map((e) => e.subscore)).size).toBe(7);
  }, 60_000);
});
