import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

it("samples a changing board once per second with snapshotEvery: 1, and serves all history routes", async () => {
  const game = "e2e-history";
  const param = { game };
  const reader = createClient(server.url);
  const admin = createClient(server.url, { key: ADMIN_KEY });
  const put = await admin.v1.games[":game"].$put({ param, json: { snapshotEvery: 1, snapshotTop: 5 } });
  expect(put.status).toBe(200);
  const podium = createClient(server.url, { key: INGEST_KEY });
  const end = Date.now() + 6000;
  for (let i = 0; Date.now() < end; i++) {
    const leader = i < 15 ? "alice" : "bob";
    const res = await podium.v1.games[":game"].scores.$post({
      param,
      json: {
        scores: [
          { player: leader, score: 1000 + i },
          { player: `p${i % 7}`, score: i },
        ],
      },
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1500));

  const historyRes = await reader.v1.games[":game"].history.$get({ param, query: {} });
  if (!historyRes.ok) throw new Error(`history: ${historyRes.status}`);
  const history = await historyRes.json();
  const times = history.snapshots.map((s) => s.ts);
  expect(times.length).toBeGreaterThanOrEqual(5);
  expect(times.length).toBeLessThanOrEqual(8);
  const spacing = times.slice(1).map((t, i) => times[i] - t);
  for (const gap of spacing) expect(gap).toBeGreaterThanOrEqual(1000);
  expect(Math.max(...spacing)).toBeLessThan(1600);
  expect(history.snapshots[0].entries.length).toBeLessThanOrEqual(5);

  const leadersRes = await reader.v1.games[":game"].history.leaders.$get({ param, query: {} });
  if (!leadersRes.ok) throw new Error(`leaders: ${leadersRes.status}`);
  const leaders = await leadersRes.json();
  expect(leaders.leaders.map((l) => l.player).sort()).toEqual(["alice", "bob"]);
  const bobRes = await reader.v1.games[":game"].history.players[":player"].$get({
    param: { game, player: "bob" },
    query: {},
  });
  if (!bobRes.ok) throw new Error(`player history: ${bobRes.status}`);
  const bob = await bobRes.json();
  expect(bob.snapshots.length).toBeGreaterThan(0);
  expect(bob.snapshots[0].rank).toBe(1);
}, 60_000);
