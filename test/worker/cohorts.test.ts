import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { watch } from "../support/spectator";
import { ADMIN, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

type Entry = { rank: number; player: string; score: number; globalRank?: number; cohort?: number; cohortRank?: number };

const put = (game: string, json: unknown) => call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json });
const json = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;
const cohort = (game: string, n: number, query = "?limit=1000") =>
  json<{ total: number; entries: Entry[] }>(`/v1/games/${game}/cohorts/${n}${query}`);
const standing = (game: string, player: string) =>
  json<Entry & { total: number }>(`/v1/games/${game}/players/${player}`);

/** A cohort game of size 3 with players p1..p7 arriving in order, p_i scoring `scores[i - 1]`. */
async function arrivals(scores: number[], config: Record<string, unknown> = {}): Promise<string> {
  const game = uniqueGame("cohorts");
  expect((await put(game, { cohorts: { size: 3 }, ...config })).status).toBe(200);
  for (const [i, score] of scores.entries()) {
    expect((await postScores(game, { player: `p${i + 1}`, score, ts: 1000 + i })).status).toBe(200);
  }
  return game;
}

describe("cohorts", () => {
  it("places players in arrival order, newest cohort with room, and ranks each cohort on its own", async () => {
    const game = await arrivals([10, 50, 30, 40, 20, 60, 5]);
    // Cohort 1: p1 p2 p3; cohort 2: p4 p5 p6; cohort 3: p7.
    expect((await cohort(game, 1)).entries.map((e) => [e.rank, e.player, e.globalRank])).toEqual([
      [1, "p2", 2],
      [2, "p3", 4],
      [3, "p1", 6],
    ]);
    const second = await cohort(game, 2);
    expect(second.total).toBe(3);
    expect(second.entries.map((e) => [e.rank, e.player, e.globalRank])).toEqual([
      [1, "p6", 1],
      [2, "p4", 3],
      [3, "p5", 5],
    ]);
    expect((await cohort(game, 2, "?limit=1&offset=1")).entries.map((e) => e.player)).toEqual(["p4"]);
    expect((await cohort(game, 3)).entries.map((e) => e.player)).toEqual(["p7"]);
    // A later report of a placed player keeps its cohort.
    await postScores(game, { player: "p1", score: 100, ts: 2000 });
    expect((await cohort(game, 1)).entries.map((e) => e.player)).toEqual(["p1", "p2", "p3"]);
    expect(await standing(game, "p5")).toMatchObject({ rank: 6, cohort: 2, cohortRank: 3 });
    expect(await standing(game, "p1")).toMatchObject({ rank: 1, cohort: 1, cohortRank: 1 });
  });

  it("places a joining player at its join, not at its first report", async () => {
    const game = uniqueGame("cohorts");
    await put(game, { cohorts: { size: 2 }, join: true });
    for (const player of ["x", "y", "z"]) {
      const res = await call(`/v1/games/${game}/players/${player}/join`, { method: "POST", key: INGEST });
      expect(res.status).toBe(200);
    }
    // z reports first, yet it joined third: the second cohort's.
    for (const [i, player] of ["z", "x", "y"].entries())
      await postScores(game, { player, score: 10 - i, ts: 1000 + i });
    const members = async (n: number) => (await cohort(game, n)).entries.map((e) => e.player).sort();
    expect([await members(1), await members(2)]).toEqual([["x", "y"], ["z"]]);
    expect(await standing(game, "z")).toMatchObject({ rank: 1, cohort: 2, cohortRank: 1 });
  });

  it("places a batch's new players in the order they arrive", async () => {
    const game = uniqueGame("cohorts");
    await put(game, { cohorts: { size: 2 } });
    const scores = ["a", "b", "c", "d", "e"].map((player, i) => ({ player, score: i, ts: 1000 + i }));
    await postScores(game, { scores: [...scores, { player: "a", score: 9, ts: 2000 }] });
    const members = async (n: number) => (await cohort(game, n)).entries.map((e) => e.player).sort();
    expect([await members(1), await members(2), await members(3)]).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("ranks equal values in a cohort by the game's ties", async () => {
    const game = await arrivals([10, 30, 10, 30, 10, 20], { ties: "shared" });
    expect((await cohort(game, 1)).entries.map((e) => [e.rank, e.player])).toEqual([
      [1, "p2"],
      [2, "p1"],
      [2, "p3"],
    ]);
    await put(game, { ties: "dense" });
    expect((await cohort(game, 2)).entries.map((e) => [e.rank, e.player, e.globalRank])).toEqual([
      [1, "p4", 1],
      [2, "p6", 2],
      [3, "p5", 3],
    ]);
    expect(await standing(game, "p3")).toMatchObject({ cohort: 1, cohortRank: 2 });
  });

  it("answers 404 cohort_not_found for a cohort not opened, and on a game without cohorts", async () => {
    const game = await arrivals([1, 2]);
    const missing = await call(`/v1/games/${game}/cohorts/2`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("cohort_not_found");
    expect((await call(`/v1/games/${game}/cohorts/0`)).status).toBe(400);
    expect((await call(`/v1/games/${game}/cohorts/1?limit=0`)).status).toBe(400);
    const plain = uniqueGame("plain");
    await postScores(plain, { player: "a", score: 1 });
    expect((await errorOf(await call(`/v1/games/${plain}/cohorts/1`))).code).toBe("cohort_not_found");
    expect(await standing(plain, "a")).not.toHaveProperty("cohort");
    expect((await call(`/v1/games/${uniqueGame("none")}/cohorts/1`)).status).toBe(404);
  });

  it("validates the config: size 2-1000, on only while empty, never with shards", async () => {
    const game = uniqueGame("cohorts");
    for (const size of [1, 1001, 2.5]) expect((await put(game, { cohorts: { size } })).status).toBe(400);
    expect((await put(game, { cohorts: { size: 2, extra: 1 } })).status).toBe(400);
    const sharded = uniqueGame("cohorts");
    expect((await put(sharded, { shards: 2 })).status).toBe(200);
    const refused = await put(sharded, { cohorts: { size: 10 } });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).code).toBe("needs_one_shard");
    expect((await put(game, { cohorts: { size: 10 } })).status).toBe(200);
    const reshard = await put(game, { shards: 4 });
    expect(reshard.status).toBe(409);
    expect((await errorOf(reshard)).code).toBe("needs_one_shard");
    // On a board with players, turning cohorts on would leave them without one.
    const busy = uniqueGame("cohorts");
    await postScores(busy, { player: "a", score: 1 });
    const late = await put(busy, { cohorts: { size: 10 } });
    expect(late.status).toBe(409);
    expect((await errorOf(late)).code).toBe("not_empty");
    // A new size applies to later placements.
    await put(game, { cohorts: { size: 2 } });
    for (const player of ["a", "b", "c"]) await postScores(game, { player, score: 1 });
    expect((await put(game, { cohorts: { size: 3 } })).status).toBe(200);
    await postScores(game, { player: "d", score: 1 });
    expect((await cohort(game, 2)).entries.map((e) => e.player).sort()).toEqual(["c", "d"]);
  });

  it("forgets a removed player's cohort; the newest cohort is read again", async () => {
    const game = await arrivals([1, 2, 3, 4]);
    expect((await call(`/v1/games/${game}/players/p4`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    await postScores(game, { player: "p8", score: 9 });
    expect((await cohort(game, 2)).entries.map((e) => e.player)).toEqual(["p8"]);
  });

  it("shows a cohort live, and refuses a view of a cohort not opened", async () => {
    const game = await arrivals([10, 50, 30, 40]);
    const spectator = await watch(game, "?cohort=1&limit=2");
    expect(spectator.messages[0]).toMatchObject({ type: "snapshot", total: 3 });
    expect(spectator.ranked).toEqual([
      { rank: 1, player: "p2", score: 50 },
      { rank: 2, player: "p3", score: 30 },
    ]);
    await postScores(game, {
      scores: [
        { player: "p1", score: 70 },
        { player: "p4", score: 99 },
      ],
    });
    await expect.poll(() => spectator.ranked.map((e) => e.player)).toEqual(["p1", "p2"]);
    expect(spectator.entries.find((e) => "player" in e && e.player === "p1")).toMatchObject({ globalRank: 2 });
    const res = await call(`/v1/games/${game}/live?cohort=5`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(404);
    expect(
      (await call(`/v1/games/${game}/live?cohort=1&country=TR`, { headers: { upgrade: "websocket" } })).status,
    ).toBe(400);
    spectator.socket.close();
  });

  it("starts afresh each season and archives each standing with its cohort and cohortRank", async () => {
    const game = await arrivals([10, 50, 30, 40]);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    const complete = async () =>
      (await json<{ complete: boolean }>(`/v1/games/${game}/seasons/1/leaderboard?limit=1`)).complete;
    for (let i = 0; i < 50 && !(await complete()); i++) await runDurableObjectAlarm(env.BOARD.getByName(game));
    expect(await complete()).toBe(true);
    const archived = await json<Entry>(`/v1/games/${game}/seasons/1/players/p3`);
    expect(archived).toMatchObject({ rank: 3, cohort: 1, cohortRank: 2 });
    expect(await json<Entry>(`/v1/games/${game}/seasons/1/players/p4`)).toMatchObject({ cohort: 2, cohortRank: 1 });
    const page = await json<{ entries: Entry[] }>(`/v1/games/${game}/seasons/1/leaderboard?limit=10`);
    expect(page.entries.map((e) => [e.player, e.cohort, e.cohortRank])).toEqual([
      ["p2", 1, 1],
      ["p4", 2, 1],
      ["p3", 1, 2],
      ["p1", 1, 3],
    ]);
    // The new season opens its cohorts from 1 again, whoever arrives first.
    expect((await call(`/v1/games/${game}/cohorts/1`)).status).toBe(404);
    await postScores(game, { player: "p4", score: 1 });
    expect(await standing(game, "p4")).toMatchObject({ cohort: 1, cohortRank: 1 });
    expect(await json<Entry>(`/v1/games/${game}/seasons/2/players/p4`)).toMatchObject({ cohort: 1, cohortRank: 1 });
  });

  it("counts the cohorts opened in the game's info: they grow with arrivals, shrink with a removal, restart each season", async () => {
    const info = (game: string) => json<{ cohorts?: number; players: number }>(`/v1/games/${game}`);
    const empty = uniqueGame("cohorts");
    await put(empty, { cohorts: { size: 3 } });
    expect(await info(empty)).toMatchObject({ players: 0, cohorts: 0 });
    const game = await arrivals([10, 50, 30, 40, 20, 60, 5]);
    expect(await info(game)).toMatchObject({ players: 7, cohorts: 3 });
    // Every cohort the count names can be read; the next one cannot.
    expect((await call(`/v1/games/${game}/cohorts/3`)).status).toBe(200);
    expect((await call(`/v1/games/${game}/cohorts/4`)).status).toBe(404);
    expect((await call(`/v1/games/${game}/players/p7`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    expect((await info(game)).cohorts).toBe(2);
    await postScores(game, { player: "p8", score: 1 });
    expect((await info(game)).cohorts).toBe(3);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    expect((await info(game)).cohorts).toBe(0);
    // Off, the info says nothing of cohorts.
    const plain = uniqueGame("plain");
    await postScores(plain, { player: "a", score: 1 });
    expect(await info(plain)).not.toHaveProperty("cohorts");
  });

  it("reads a cohort through the typed client", async () => {
    const game = await arrivals([10, 50, 30, 40]);
    const fetchWorker: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
    const client = createClient("http://podium.test", { fetch: fetchWorker });
    const res = await client.v1.games[":game"].cohorts[":cohort"].$get({ param: { game, cohort: "2" }, query: {} });
    if (res.status !== 200) throw new Error(`cohort answered ${res.status}`);
    expect((await res.json()).entries).toMatchObject([{ rank: 1, player: "p4", globalRank: 2 }]);
    const info = await client.v1.games[":game"].$get({ param: { game } });
    if (info.status !== 200) throw new Error(`info answered ${info.status}`);
    expect((await info.json()).cohorts).toBe(2);
  });
});
