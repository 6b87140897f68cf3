import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_KEY, DevServer } from "../support/dev-server";

// A sharded game's batches are split over its shards, each part durable when
// answered. Kill wrangler dev (and workerd) with SIGKILL while batches are in
// flight to a game over 4 shards and to its twin on one object: no answered
// report may be lost, and once every unanswered batch is sent again with its
// ids, every read of the sharded game must equal its twin's.
const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

const SHARDED = "kill-sharded";
const TWIN = "kill-twin";

interface Report {
  player: string;
  score: number;
  ts: number;
  id: string;
}

function batch(round: number, index: number): Report[] {
  return Array.from({ length: 400 }, (_, i) => {
    const score = (round * 7919 + index * 131 + i * 17) % 10_000;
    // Players recur across batches and rounds (their best counts). A score's ts follows from it, so the
    // best keeps the same ts whichever order the batches arrive in (the twin gets them in another).
    return {
      player: `p${(index * 97 + i * 13 + round) % 3000}`,
      score,
      ts: 1_700_000_000_000 + score,
      id: `r${round}-b${index}-${i}`,
    };
  });
}

const post = (game: string, scores: Report[]) => server.send("POST", `/v1/games/${game}/scores`, { scores });

async function read(path: string): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`);
  const body = (await res.json()) as Record<string, unknown>;
  delete body.updatedAt;
  delete body.game;
  return { status: res.status, body };
}

it("loses no acknowledged report of a sharded game when wrangler dev is killed mid-ingest", async () => {
  expect(await server.send("PUT", `/v1/games/${SHARDED}`, { shards: 4, aggregate: "max" }, ADMIN_KEY)).toBe(200);
  expect(await server.send("PUT", `/v1/games/${TWIN}`, { aggregate: "max" }, ADMIN_KEY)).toBe(200);
  const acknowledged: Report[] = [];
  const unanswered: Report[][] = [];
  for (let round = 0; round < 3; round++) {
    let killed: Promise<void> | undefined;
    await Promise.allSettled(
      Array.from({ length: 10 }, async (_, i) => {
        const scores = batch(round, i);
        try {
          const status = await post(SHARDED, scores);
          if (status !== 200) throw new Error(String(status));
          acknowledged.push(...scores);
          killed ??= server.stop("SIGKILL");
        } catch {
          unanswered.push(scores);
        }
      }),
    );
    await killed;
    await server.start();
  }
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(unanswered.length).toBeGreaterThan(0);
  // Every answered report is there: each player's best is at least its answered scores.
  const board = new Map<string, number>();
  const first = (await (await fetch(`${server.url}/v1/games/${SHARDED}/leaderboard?limit=1000`)).json()) as {
    total: number;
  };
  for (let offset = 0; offset < first.total; offset += 1000) {
    const page = (await (
      await fetch(`${server.url}/v1/games/${SHARDED}/leaderboard?limit=1000&offset=${offset}`)
    ).json()) as { entries: { player: string; score: number }[] };
    for (const e of page.entries) board.set(e.player, e.score);
  }
  expect(acknowledged.filter((r) => (board.get(r.player) ?? -1) < r.score)).toEqual([]);

  // What was not answered is sent again (its ids keep what did apply from applying twice), then everything to the twin.
  for (const scores of unanswered) expect(await post(SHARDED, scores)).toBe(200);
  const everything = [0, 1, 2].flatMap((round) => Array.from({ length: 10 }, (_, i) => batch(round, i)));
  for (const scores of everything) expect(await post(TWIN, scores)).toBe(200);
  for (const query of ["?limit=1000", "?limit=50&offset=1234", "?limit=20&offset=2980"]) {
    expect(await read(`/v1/games/${SHARDED}/leaderboard${query}`), query).toEqual(
      await read(`/v1/games/${TWIN}/leaderboard${query}`),
    );
  }
  for (const player of ["p0", "p1500", "p2999"]) {
    expect(await read(`/v1/games/${SHARDED}/players/${player}?around=3`), player).toEqual(
      await read(`/v1/games/${TWIN}/players/${player}?around=3`),
    );
  }
}, 240_000);

it("finishes a sharded season's close after wrangler dev is killed while it merges the archive", async () => {
  const game = "kill-season-sharded";
  const twin = "kill-season-twin";
  const prizes = { poolShare: 0.02, poolSeed: 100, split: [{ from: 1, to: 5, share: 0.5 }] };
  expect(await server.send("PUT", `/v1/games/${game}`, { shards: 4, prizes }, ADMIN_KEY)).toBe(200);
  expect(await server.send("PUT", `/v1/games/${twin}`, { prizes }, ADMIN_KEY)).toBe(200);
  for (let from = 0; from < 12_000; from += 1000) {
    const scores = Array.from({ length: 1000 }, (_, i) => ({
      player: `p${from + i}`,
      score: ((from + i) * 7919) % 5003,
      ts: 1_700_000_000_000 + ((from + i) % 97),
      id: `s${from + i}`,
    }));
    for (const g of [game, twin]) expect(await post(g, scores)).toBe(200);
  }
  expect(await server.send("POST", `/v1/games/${twin}/seasons/close`, {}, ADMIN_KEY)).toBe(200);
  // The close answers once it is recorded; its 24 parts of standings are merged from the shards after it.
  expect(await server.send("POST", `/v1/games/${game}/seasons/close`, {}, ADMIN_KEY)).toBe(200);
  await server.stop("SIGKILL");
  await server.start();
  const complete = async (g: string) =>
    ((await (await fetch(`${server.url}/v1/games/${g}/seasons/1/leaderboard?limit=1`)).json()) as { complete: boolean })
      .complete;
  for (let i = 0; i < 600 && !((await complete(game)) && (await complete(twin))); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await complete(game)).toBe(true);
  for (const query of ["?limit=1000", "?limit=1000&offset=6000", "?limit=10&offset=11995"]) {
    expect(await read(`/v1/games/${game}/seasons/1/leaderboard${query}`), query).toEqual(
      await read(`/v1/games/${twin}/seasons/1/leaderboard${query}`),
    );
  }
  expect(await read(`/v1/games/${game}/seasons/1/awards`)).toEqual(await read(`/v1/games/${twin}/seasons/1/awards`));
}, 240_000);
