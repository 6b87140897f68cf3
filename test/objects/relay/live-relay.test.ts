import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { relayName } from "../../../protocol/relays";
import { type Spectator, until, watch } from "../../support/spectator";
import { ADMIN, call, postScores, uniqueGame } from "../../support/worker-client";

// This project's games hold one socket themselves and put the rest on relays of two sockets each.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const configure = (game: string, config: object) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });

/** Sockets each relay of `game` holds, by relay number (the first `count` relays). */
async function relaySockets(game: string, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runInDurableObject(env.RELAY.getByName(relayName(game, i)), (_, state) => state.getWebSockets().length),
    ),
  );
}

/** What the game's object counts on each relay. */
function countedByGame(game: string): Promise<number[]> {
  return runInDurableObject(env.BOARD.getByName(game), (_, state) =>
    state.storage.sql
      .exec<{ sockets: number }>("SELECT sockets FROM live_relays ORDER BY relay")
      .toArray()
      .map((r) => r.sockets),
  );
}

async function top(game: string) {
  const body = await (await call(`/v1/games/${game}/leaderboard?limit=15`)).json<{
    entries: { rank: number; player: string; score: number }[];
  }>();
  return body.entries.map(({ rank, player, score }) => ({ rank, player, score }));
}

/** Every spectator shows the board with no gap, all at the same seq. */
async function converged(game: string, spectators: Spectator[]) {
  const expected = await top(game);
  await until(() => spectators.every((s) => JSON.stringify(s.ranked) === JSON.stringify(expected)));
  expect(spectators.every((s) => !s.gap && s.closed === undefined)).toBe(true);
  expect(new Set(spectators.map((s) => s.messages.at(-1)?.seq)).size).toBe(1);
}

describe("relays", () => {
  it("hold the spectators beyond the game's own, at most two each, and pass every update on", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    const spectators: Spectator[] = [];
    for (let i = 0; i < 5; i++) spectators.push(await watch(game));
    expect(await relaySockets(game, 3)).toEqual([2, 2, 0]);
    for (let i = 0; i < 3; i++) await postScores(game, { player: `p${i}`, score: 10 + i });
    await converged(game, spectators);
    await sleep(1100); // each relay tells its count within a second
    expect(await countedByGame(game)).toEqual([2, 2]);
  });

  it("hold a new spectator of a view they carry without the game's door", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    const first = [await watch(game), await watch(game)]; // the game's own socket, then relay 0 through the door
    await sleep(1100);
    expect(await countedByGame(game)).toEqual([1]);
    const direct = await watch(game); // the Worker knows the game's relays: straight to relay 0
    expect(await relaySockets(game, 1)).toEqual([2]);
    // The door counts what it places at once; this one it only hears of from the relay.
    expect(await countedByGame(game)).toEqual([1]);
    await sleep(1100);
    expect(await countedByGame(game)).toEqual([2]);
    await postScores(game, { player: "b", score: 5 });
    await converged(game, [...first, direct]);
  });

  it("after a relay hibernates, its spectators get the next update with the next seq", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    const spectators = [await watch(game), await watch(game), await watch(game, "?player=a&limit=1")];
    await postScores(game, { player: "b", score: 2 });
    await until(() => spectators.every((s) => s.updates === 1));
    await sleep(1100); // the relay's view states are saved when updates pause
    await evictDurableObject(env.RELAY.getByName(relayName(game, 0)), { webSockets: "hibernate" });
    await evictDurableObject(env.RELAY.getByName(relayName(game, 1)), { webSockets: "hibernate" });
    await postScores(game, { player: "a", score: 9 });
    await until(() => spectators.every((s) => s.updates === 2));
    expect(spectators.map((s) => s.messages.at(-1)?.seq)).toEqual([2, 2, 2]);
    expect(spectators[2].ranked.map((e) => e.player)).toEqual(["a", "b"]);
    await converged(game, spectators.slice(0, 2));
  });

  it("answer ping with pong on a relay's socket, and close one that sends anything else (1008)", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    await watch(game);
    const relayed = await watch(game);
    expect(await relaySockets(game, 1)).toEqual([1]);
    relayed.socket.send("ping");
    await until(() => relayed.texts.includes("pong"));
    relayed.socket.send("hello");
    await until(() => relayed.closed !== undefined);
    expect(relayed.closed?.code).toBe(1008);
  });

  it("close a view's sockets with 1011 when its copy cannot follow; a reconnect gets a fresh snapshot", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    await watch(game);
    const relayed = await watch(game);
    const relay = env.RELAY.getByName(relayName(game, 0));
    const gap = JSON.stringify({ type: "update", seq: 7, total: 1, entries: [] });
    expect(await relay.deliver([{ view: "top:15", message: gap }])).toEqual(["top:15"]);
    await until(() => relayed.closed !== undefined);
    expect(relayed.closed?.code).toBe(1011);
    await postScores(game, { player: "b", score: 3 });
    const again = await watch(game);
    await converged(game, [again]);
  });

  it("all close with 1000 when the game is deleted, and the game's name starts afresh", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    const spectators = [await watch(game), await watch(game), await watch(game), await watch(game)];
    expect((await call(`/v1/games/${game}`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    await until(() => spectators.every((s) => s.closed !== undefined));
    expect(spectators.map((s) => s.closed?.code)).toEqual([1000, 1000, 1000, 1000]);
    expect(await relaySockets(game, 2)).toEqual([0, 0]);
    const res = await call(`/v1/games/${game}/live`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(404);
    await postScores(game, { player: "z", score: 1 });
    const fresh = [await watch(game), await watch(game)];
    await postScores(game, { player: "y", score: 2 });
    await converged(game, fresh);
  });

  it("hold to a lowered maxSpectators at once: a relay with no share left sends joins to the door", async () => {
    const game = uniqueGame("relays");
    await postScores(game, { player: "a", score: 1 });
    await watch(game);
    await watch(game); // relay 0, which may hold two
    const put = (maxSpectators: number) =>
      call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { maxSpectators } });
    expect((await put(2)).status).toBe(200);
    await sleep(200); // the relays hear of it after the answer
    const res = await call(`/v1/games/${game}/live`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(429);
    expect(await relaySockets(game, 1)).toEqual([1]);
  });

  it("ask the relays afresh before refusing a spectator on counts that may be stale (told before a crash)", async () => {
    const game = uniqueGame("relays");
    await configure(game, { maxSpectators: 3 });
    await postScores(game, { player: "a", score: 1 });
    const own = await watch(game);
    // As if relay 0 held two sockets when the server went down: no close event ever told of them.
    await runInDurableObject(env.BOARD.getByName(game), (_, state) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO live_relays (relay, sockets) VALUES (0, 2)");
    });
    await evictDurableObject(env.BOARD.getByName(game), { webSockets: "hibernate" });
    const relayed = await watch(game);
    expect(await relaySockets(game, 1)).toEqual([1]);
    await postScores(game, { player: "b", score: 2 });
    await converged(game, [own, relayed]);
  });

  it("let maxSpectators go up to 1,000,000", async () => {
    const game = uniqueGame("relays");
    const put = (maxSpectators: number) =>
      call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { maxSpectators } });
    expect((await put(1_000_000)).status).toBe(200);
    expect((await put(1_000_001)).status).toBe(400);
  });
});
