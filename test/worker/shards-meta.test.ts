import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGGREGATES } from "../../engine/rules";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

// Meta on a game over 8 shards answers as on its twin on one object: each
// shard keeps its own players' meta, and gathered reads carry it.

const NOW = Date.now();
const PLAYERS = ["a", "b", "c", "d", "e", "f", "g", "h", "p1", "p2", "é", "😀"];
const reportArb = fc.record({
  player: fc.constantFrom(...PLAYERS),
  score: fc.integer({ min: 0, max: 5 }),
  // Few distinct ts make ties common: which of equal reports keeps its meta is part of the contract.
  ts: fc.constantFrom(NOW - 3000, NOW - 2000, NOW - 1000),
  meta: fc.option(fc.record({ n: fc.integer({ min: 0, max: 99 }), tag: fc.constantFrom("x", "ÿ", "a b") }), {
    nil: undefined,
  }),
});

const json = async (path: string) => {
  const res = await call(path);
  const { updatedAt: _, game: __, ...body } = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body };
};

async function configure(game: string, config: Record<string, unknown>) {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Fires the game's alarms until its first season's archive is complete in D1. */
async function archived(game: string) {
  const complete = async () =>
    ((await (await call(`/v1/games/${game}/seasons/1/leaderboard?limit=1`)).json()) as { complete: boolean }).complete;
  for (let i = 0; i < 100 && !(await complete()); i++) {
    if (!(await runDurableObjectAlarm(env.BOARD.getByName(game)))) await new Promise((r) => setTimeout(r, 20));
  }
  expect(await complete()).toBe(true);
}

describe("meta on a sharded game", () => {
  it("answers as its 1-shard twin: pages, standings, a removal, and a closed season's standings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...AGGREGATES),
        fc.array(fc.array(reportArb, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...PLAYERS),
        async (aggregate, batches, removed) => {
          const one = uniqueGame("meta-one");
          const many = uniqueGame("meta-many");
          await configure(one, { aggregate });
          await configure(many, { aggregate, shards: 8 });
          for (const scores of batches) {
            const [a, b] = await Promise.all([postScores(one, { scores }), postScores(many, { scores })]);
            expect(b.status).toBe(a.status);
          }
          const reads = async (label: string) => {
            const paths = [
              "leaderboard?limit=1000",
              "leaderboard?limit=3&offset=2",
              ...PLAYERS.map((p) => `players/${encodeURIComponent(p)}?around=2`),
            ];
            for (const path of paths) {
              const [a, b] = await Promise.all([json(`/v1/games/${one}/${path}`), json(`/v1/games/${many}/${path}`)]);
              expect(b, `${label}: ${path}`).toEqual(a);
            }
          };
          await reads("after the batches");

          const path = (g: string) => `/v1/games/${g}/players/${encodeURIComponent(removed)}`;
          const [a, b] = await Promise.all([one, many].map((g) => call(path(g), { method: "DELETE", key: ADMIN })));
          expect(b.status).toBe(a.status);
          await reads("after a removal");
          const before = (await json(`/v1/games/${one}/leaderboard?limit=1000`)).body.entries;

          for (const g of [one, many]) {
            expect((await call(`/v1/games/${g}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
          }
          await Promise.all([archived(one), archived(many)]);
          const season = "seasons/1/leaderboard?limit=1000";
          const [x, y] = await Promise.all([json(`/v1/games/${one}/${season}`), json(`/v1/games/${many}/${season}`)]);
          expect(y).toEqual(x);
          expect(x.body.entries).toEqual(before);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
