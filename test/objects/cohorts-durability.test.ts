import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

type Entry = { rank: number; player: string; globalRank: number };

const cohortPage = async (game: string, n: number) =>
  ((await (await call(`/v1/games/${game}/cohorts/${n}?limit=1000`)).json()) as { entries: Entry[] }).entries;

/** Every placement as the object's SQLite holds it, player -> cohort. */
const placements = (game: string) =>
  runInDurableObject(env.BOARD.getByName(game), (_, state) =>
    state.storage.sql
      .exec<{ player: string; cohort: number }>("SELECT player, cohort FROM cohort_places ORDER BY player")
      .toArray(),
  );

describe("cohorts across eviction", () => {
  it("a rebuild restores every placement exactly, and the next arrival goes on in the newest cohort", async () => {
    const game = uniqueGame("cohorts");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { cohorts: { size: 7 }, aggregate: "max" } });
    for (let batch = 0; batch < 5; batch++) {
      const scores = Array.from({ length: 40 }, (_, i) => {
        const n = batch * 23 + i;
        return { player: `p${n % 97}`, score: (n * 31) % 50, ts: 1000 + n };
      });
      await postScores(game, { scores });
    }
    const before = await placements(game);
    expect(before.length).toBe(97);
    const cohorts = Math.ceil(97 / 7);
    const pages = await Promise.all(Array.from({ length: cohorts }, (_, i) => cohortPage(game, i + 1)));
    expect(pages.map((p) => p.length)).toEqual([...Array(cohorts - 1).fill(7), 97 - 7 * (cohorts - 1)]);

    const opened = async () => ((await (await call(`/v1/games/${game}`)).json()) as { cohorts: number }).cohorts;
    expect(await opened()).toBe(cohorts);

    await evictDurableObject(env.BOARD.getByName(game));
    expect(await opened()).toBe(cohorts);
    expect(await placements(game)).toEqual(before);
    expect(await Promise.all(Array.from({ length: cohorts }, (_, i) => cohortPage(game, i + 1)))).toEqual(pages);
    const standing = (await (await call(`/v1/games/${game}/players/p5`)).json()) as { cohort: number };
    expect(before.find((p) => p.player === "p5")?.cohort).toBe(standing.cohort);

    // The newest cohort (6 of 7 after 97 players) takes one more, then a new one opens.
    await postScores(game, {
      scores: [
        { player: "new1", score: 1 },
        { player: "new2", score: 1 },
      ],
    });
    expect((await cohortPage(game, cohorts)).map((e) => e.player)).toContain("new1");
    expect((await cohortPage(game, cohorts + 1)).map((e) => e.player)).toEqual(["new2"]);
  });

  it("writes placements in the report's transaction: a game without cohorts writes none", async () => {
    const game = uniqueGame("plain");
    await postScores(game, {
      scores: [
        { player: "a", score: 1 },
        { player: "b", score: 2 },
      ],
    });
    expect(await placements(game)).toEqual([]);
  });
});
