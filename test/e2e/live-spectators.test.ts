import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { applyLiveMessage, type LiveEntry, type LiveMessage, type LiveState, rankedEntries } from "../../protocol/live";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

interface Watcher {
  socket: WebSocket;
  board: LiveState | undefined;
  gaps: number;
  updates: number;
  pongs: number;
}

function watch(game: string): Promise<Watcher> {
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/v1/games/${game}/live?limit=15`);
  const watcher: Watcher = { socket, board: undefined, gaps: 0, updates: 0, pongs: 0 };
  socket.addEventListener("message", (event) => {
    if (event.data === "pong") {
      watcher.pongs++;
      return;
    }
    const message = JSON.parse(event.data as string) as LiveMessage;
    if (message.type === "update") watcher.updates++;
    const next = applyLiveMessage(watcher.board, message);
    if (next === undefined) watcher.gaps++;
    else watcher.board = next;
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(watcher));
    socket.addEventListener("error", () => reject(new Error("websocket failed")));
  });
}

it("50 spectators converge on the true top 15 while reports stream in, one update per 100 ms at most", async () => {
  const game = "e2e-live";
  // A game must exist to be watched.
  const param = { game };
  const created = await createClient(server.url, { key: ADMIN_KEY }).v1.games[":game"].$put({ param, json: {} });
  expect(created.status).toBe(200);
  const podium = createClient(server.url, { key: INGEST_KEY });
  const watchers = await Promise.all(Array.from({ length: 50 }, () => watch(game)));
  const started = Date.now();
  for (let batch = 0; batch < 60; batch++) {
    const scores = Array.from({ length: 50 }, (_, i) => ({
      player: `p${(batch * 7 + i) % 200}`,
      score: (batch * 31 + i * 17) % 1000,
    }));
    const res = await podium.v1.games[":game"].scores.$post({ param, json: { scores } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 25));
  }
  const streaming = Date.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  const truthRes = await podium.v1.games[":game"].leaderboard.$get({ param, query: { limit: "15" } });
  if (!truthRes.ok) throw new Error(`leaderboard: ${truthRes.status}`);
  const truth = await truthRes.json();
  const want = truth.entries.map(({ rank, player, score }) => ({ rank, player, score }));
  for (const w of watchers) {
    expect(w.gaps).toBe(0);
    const seen = rankedEntries(w.board as LiveState<LiveEntry>);
    expect(seen.map(({ rank, player, score }) => ({ rank, player, score }))).toEqual(want);
    expect(w.board?.total).toBe(truth.total);
    expect(w.updates).toBeGreaterThan(3);
    expect(w.updates).toBeLessThanOrEqual(Math.ceil((streaming + 500) / 100) + 1);
  }
  watchers[0].socket.send("ping");
  await new Promise((r) => setTimeout(r, 200));
  expect(watchers[0].pongs).toBe(1);
  for (const w of watchers) w.socket.close();
}, 60_000);
