import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { DevServer, INGEST_KEY } from "../support/dev-server";

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
