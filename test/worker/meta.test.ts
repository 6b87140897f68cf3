import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_META_BYTES } from "../../protocol/reports";
import { until, watch } from "../support/spectator";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const configure = async (game: string, config: Record<string, unknown>) => {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
  expect(res.status, await res.clone().text()).toBe(200);
};
const metaOf = async (game: string) =>
  Object.fromEntries((await board(game, "?limit=1000")).entries.map((e) => [e.player, e.meta]));
const send = async (game: string, scores: Record<string, unknown>[]) => {
  const res = await postScores(game, { scores });
  expect(res.status, await res.clone().text()).toBe(200);
};

describe("report meta", () => {
  it("last: the entry keeps the meta of the newest applied report; an older one changes nothing", async () => {
    const game = uniqueGame("meta");
    await send(game, [
      { player: "a", score: 1, ts: 1000, meta: { level: 1 } },
      { player: "a", score: 2, ts: 3000, meta: { level: 3 } },
      { player: "a", score: 9, ts: 2000, meta: { level: 2 } },
      { player: "b", score: 5, ts: 1000, meta: { map: "dust", tags: ["x"], deep: { y: null } } },
    ]);
    expect(await metaOf(game)).toEqual({ a: { level: 3 }, b: { map: "dust", tags: ["x"], deep: { y: null } } });
    // A newer report without meta set the score: the entry no longer carries the old one.
    await send(game, [{ player: "b", score: 6, ts: 4000 }]);
    const entries = (await board(game)).entries;
    expect(entries.find((e) => e.player === "b")).toEqual({ rank: 1, player: "b", score: 6, ts: 4000 });
  });

  it("max and min: the meta of the report that set the best; sum: the newest", async () => {
    const max = uniqueGame("meta-max");
    await configure(max, { aggregate: "max" });
    await send(max, [
      { player: "a", score: 10, ts: 1000, meta: { run: 1 } },
      { player: "a", score: 30, ts: 2000, meta: { run: 2 } },
      { player: "a", score: 20, ts: 3000, meta: { run: 3 } },
    ]);
    await send(max, [{ player: "a", score: 5, ts: 4000, meta: { run: 4 } }]);
    expect(await metaOf(max)).toEqual({ a: { run: 2 } });

    const min = uniqueGame("meta-min");
    await configure(min, { aggregate: "min", order: "asc" });
    await send(min, [
      { player: "a", score: 10, ts: 1000, meta: { run: 1 } },
      { player: "a", score: 7, ts: 2000, meta: { run: 2 } },
      { player: "a", score: 8, ts: 3000, meta: { run: 3 } },
    ]);
    expect(await metaOf(min)).toEqual({ a: { run: 2 } });

    const sum = uniqueGame("meta-sum");
    await configure(sum, { aggregate: "sum" });
    await send(sum, [
      { player: "a", score: 1, ts: 1000, meta: { n: 1 } },
      { player: "a", score: 1, ts: 3000, meta: { n: 3 } },
      { player: "a", score: 1, ts: 2000, meta: { n: 2 } },
    ]);
    expect((await board(sum)).entries).toEqual([{ rank: 1, player: "a", score: 3, ts: 3000, meta: { n: 3 } }]);
  });

  it("refuses meta over the limit or not an object with 400, naming the report", async () => {
    const game = uniqueGame("meta-limit");
    const fits = { s: "é".repeat((MAX_META_BYTES - 8) / 2) }; // {"s":"…"} is exactly the limit in UTF-8 bytes
    expect(new TextEncoder().encode(JSON.stringify(fits)).length).toBe(MAX_META_BYTES);
    await send(game, [{ player: "a", score: 1, meta: fits }]);
    const over = { s: `${fits.s}x` };
    const res = await postScores(game, {
      scores: [
        { player: "b", score: 1 },
        { player: "c", score: 1, meta: over },
      ],
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(error.details).toEqual([{ path: "scores[1].meta", message: expect.stringContaining(`${MAX_META_BYTES}`) }]);
    for (const meta of [[1, 2], "text", 5, null]) {
      const bad = await postScores(game, { player: "d", score: 1, meta });
      expect(bad.status, JSON.stringify(meta)).toBe(400);
      expect((await errorOf(bad)).details).toEqual([{ path: "meta", message: expect.any(String) }]);
    }
    expect((await board(game)).total).toBe(1);
  });

  it("standings carry meta, and it survives eviction; removing the player clears it", async () => {
    const game = uniqueGame("meta-keep");
    await send(game, [
      { player: "a", score: 2, meta: { a: true } },
      { player: "b", score: 1, meta: { b: 1 } },
    ]);
    const standing = await (await call(`/v1/games/${game}/players/b?around=1`)).json<Record<string, unknown>>();
    expect(standing).toMatchObject({ player: "b", meta: { b: 1 } });
    expect((standing.around as Record<string, unknown>[]).map((e) => e.meta)).toEqual([{ a: true }, { b: 1 }]);

    await evictDurableObject(env.BOARD.getByName(game));
    expect(await metaOf(game)).toEqual({ a: { a: true }, b: { b: 1 } });

    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    // Back with a report without meta: the removed player's meta does not return.
    await send(game, [{ player: "a", score: 3 }]);
    expect(await metaOf(game)).toEqual({ a: undefined, b: { b: 1 } });
  });

  it("takes meta from the line protocol as a JSON string field, and refuses a bad one by line", async () => {
    const game = uniqueGame("meta-lines");
    const write = (body: string) =>
      call("/v1/write", { method: "POST", key: INGEST, headers: { "content-type": "text/plain" }, body });
    const ok = await write(`scores,game=${game},player=a value=3,meta="{\\"lvl\\":2,\\"map\\":\\"a b\\"}"`);
    expect(ok.status, await ok.clone().text()).toBe(204);
    expect(await metaOf(game)).toEqual({ a: { lvl: 2, map: "a b" } });
    const bad = await write(
      [`scores,game=${game},player=b value=1`, `scores,game=${game},player=c value=1,meta="[1]"`].join("\n"),
    );
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).details).toEqual([{ line: 2, message: expect.stringContaining("meta") }]);
  });

  it("archives each entry's meta with a closed season; the next season starts without it", async () => {
    const game = uniqueGame("meta-season");
    await send(game, [
      { player: "a", score: 2, meta: { kit: "red" } },
      { player: "b", score: 1 },
    ]);
    const closed = await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect(closed.status).toBe(200);
    // Season 2 begins with a report from a without meta, before season 1 is archived.
    await send(game, [{ player: "a", score: 1 }]);
    for (let i = 0; i < 20 && (await runDurableObjectAlarm(env.BOARD.getByName(game))); i++);
    const archived = await (await call(`/v1/games/${game}/seasons/1/leaderboard`)).json<{
      entries: Record<string, unknown>[];
    }>();
    expect(archived.entries.map((e) => [e.player, e.meta])).toEqual([
      ["a", { kit: "red" }],
      ["b", undefined],
    ]);
    expect(await (await call(`/v1/games/${game}/seasons/1/players/a`)).json()).toMatchObject({ meta: { kit: "red" } });
    expect(await metaOf(game)).toEqual({ a: undefined });
  });

  it("live views carry meta and send a change of meta alone", async () => {
    const game = uniqueGame("meta-live");
    await configure(game, { liveEvery: 100 });
    await send(game, [{ player: "a", score: 5, ts: 1000, meta: { v: 1 } }]);
    const spectator = await watch(game, "?limit=5");
    await until(() => spectator.entries.length === 1, 3000);
    expect(spectator.entries[0]).toMatchObject({ player: "a", meta: { v: 1 } });
    await send(game, [{ player: "a", score: 5, ts: 1000, meta: { v: 2 } }]);
    await until(() => (spectator.entries[0] as { meta?: { v: number } }).meta?.v === 2, 3000);
    expect(spectator.entries[0]).toMatchObject({ player: "a", score: 5, meta: { v: 2 } });
    spectator.socket.close();
  });
});
