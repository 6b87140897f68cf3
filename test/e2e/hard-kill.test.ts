import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

// The contract: an answered report is durable. Kill wrangler dev (and workerd)
// with SIGKILL the moment an answer arrives, with more batches in flight, start
// it again on the same state, and every acknowledged report must be there.
const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

interface Batch {
  scores: { player: string; score: number; ts: number }[];
}

function batch(round: number, index: number): Batch {
  return {
    scores: Array.from({ length: 500 }, (_, i) => ({
      player: `r${round}-b${index}-p${i}`,
      score: index * 1000 + i,
      ts: 1_700_000_000_000 + i,
    })),
  };
}

async function post(game: string, body: Batch): Promise<number> {
  const podium = createClient(server.url, { key: INGEST_KEY });
  return (await podium.v1.games[":game"].scores.$post({ param: { game }, json: body })).status;
}

it("loses no acknowledged report when wrangler dev is killed right after a 200", async () => {
  const game = "hard-kill";
  const acknowledged: Batch[] = [];
  for (let round = 0; round < 3; round++) {
    const batches = Array.from({ length: 12 }, (_, i) => batch(round, i));
    let killed: Promise<void> | undefined;
    await Promise.allSettled(
      batches.map(async (body) => {
        const status = await post(game, body);
        if (status === 200) {
          acknowledged.push(body);
          killed ??= server.stop("SIGKILL");
        }
      }),
    );
    await killed;
    expect(acknowledged.length).toBeGreaterThan(0);
    await server.start();
  }
  const podium = createClient(server.url);
  const onBoard = new Map<string, number>();
  for (let offset = 0, total = 1; offset < total; offset += 1000) {
    const res = await podium.v1.games[":game"].leaderboard.$get({
      param: { game },
      query: { limit: "1000", offset: String(offset) },
    });
    expect(res.status).toBe(200);
    if (!res.ok) return;
    const page = await res.json();
    total = page.total;
    for (const e of page.entries) onBoard.set(e.player, e.score);
  }
  const missing = acknowledged.flatMap((b) => b.scores).filter((r) => onBoard.get(r.player) !== r.score);
  expect(missing).toEqual([]);
}, 240_000);

it("completes a season's close after wrangler dev is killed while its standings are archived", async () => {
  const game = "hard-kill-season";
  const admin = createClient(server.url, { key: ADMIN_KEY });
  const players = 30_000;
  for (let from = 0; from < players; from += 1000) {
    const scores = Array.from({ length: 1000 }, (_, i) => ({ player: `p${from + i}`, score: from + i, ts: 1000 }));
    expect(await post(game, { scores })).toBe(200);
  }
  const closed = await admin.v1.games[":game"].seasons.close.$post({ param: { game } });
  expect(closed.status).toBe(200);
  // Killed mid-way: the outbox (60 parts, 4 a step) and the D1 copy (2,000 players a batch) take a while.
  await new Promise((r) => setTimeout(r, 150));
  const before = await (await createClient(server.url).v1.games[":game"].seasons.$get({ param: { game } })).json();
  expect("seasons" in before && before.seasons[1]).toMatchObject({ season: 1, complete: false });
  await server.stop("SIGKILL");
  await server.start();

  const reader = createClient(server.url);
  const param = { game, season: "1" };
  let complete = false;
  for (let i = 0; i < 300 && !complete; i++) {
    const res = await reader.v1.games[":game"].seasons[":season"].leaderboard.$get({ param, query: { limit: "1" } });
    const body = await res.json();
    complete = "complete" in body && body.complete;
    if (!complete) await new Promise((r) => setTimeout(r, 100));
  }
  expect(complete).toBe(true);
  // Every player once, in order: the first and the last pages hold the expected players.
  const page = async (offset: number) => {
    const res = await reader.v1.games[":game"].seasons[":season"].leaderboard.$get({
      param,
      query: { limit: "1000", offset: String(offset) },
    });
    const body = await res.json();
    return "entries" in body ? { total: body.total, players: body.entries.map((e) => e.player) } : undefined;
  };
  const first = await page(0);
  const last = await page(players - 1000);
  expect(first?.total).toBe(players);
  expect(first?.players).toEqual(Array.from({ length: 1000 }, (_, i) => `p${players - 1 - i}`));
  expect(last?.players).toEqual(Array.from({ length: 1000 }, (_, i) => `p${999 - i}`));
  expect((await page(players))?.players).toEqual([]);
}, 240_000);
