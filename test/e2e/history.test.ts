import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

it("samples a changing board once per second with snapshotEvery: 1, and serves all history routes", async () => {
  const game = "e2e-history";
  const put = await fetch(`${server.url}/v1/games/${game}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ snapshotEvery: 1, snapshotTop: 5 }),
  });
  expect(put.status).toBe(200);
  const end = Date.now() + 6000;
  for (let i = 0; Date.now() < end; i++) {
    const leader = i < 15 ? "alice" : "bob";
    const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        scores: [
          { player: leader, score: 1000 + i },
          { player: `p${i % 7}`, score: i },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1500));

  const history = await get<{ snapshots: { ts: number; entries: { rank: number }[]; gap: { gap: number } }[] }>(
    `/v1/games/${game}/history`,
  );
  const times = history.snapshots.map((s) => s.ts);
  expect(times.length).toBeGreaterThanOrEqual(5);
  expect(times.length).toBeLessThanOrEqual(8);
  const spacing = times.slice(1).map((t, i) => times[i] - t);
  for (const gap of spacing) expect(gap).toBeGreaterThanOrEqual(1000);
  expect(Math.max(...spacing)).toBeLessThan(1600);
  expect(history.snapshots[0].entries.length).toBeLessThanOrEqual(5);

  const leaders = await get<{ leaders: { player: string; seconds: number; spells: number }[] }>(
    `/v1/games/${game}/history/leaders`,
  );
  expect(leaders.leaders.map((l) => l.player).sort()).toEqual(["alice", "bob"]);
  const bob = await get<{ player: string; snapshots: { rank: number }[] }>(`/v1/games/${game}/history/players/bob`);
  expect(bob.snapshots.length).toBeGreaterThan(0);
  expect(bob.snapshots[0].rank).toBe(1);
}, 60_000);
