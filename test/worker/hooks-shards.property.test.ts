import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGGREGATES, ORDERS, TIE_MODES } from "../../engine/rules";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

// The same report stream sent to a game on one object and to its twin over
// several shards, both with event hooks: each must post the same events
// (apart from the game's name). The receiver is this test: the objects run in
// its isolate and call its fetch.

const URL_BASE = "https://twins.example.test/";
const NOW = Date.now();
const PLAYERS = ["a", "b", "ab", "B", "é", "😀", "p1", "p10", "p2", "Ω", "z", "q"];
const reportArb = fc.record({
  player: fc.constantFrom(...PLAYERS),
  score: fc.integer({ min: -3, max: 9 }),
  // Stamped by the test: the twins' clocks would stamp them a few ms apart.
  ts: fc.constantFrom(NOW - 60_000, NOW - 59_000, NOW - 1000),
  team: fc.option(fc.constantFrom("red", "blue"), { nil: undefined }),
});
const streamArb = fc.record({
  rules: fc.record({
    aggregate: fc.constantFrom(...AGGREGATES),
    order: fc.constantFrom(...ORDERS),
    ties: fc.constantFrom(...TIE_MODES.filter((ties) => ties !== "dense")),
  }),
  shards: fc.constantFrom(2, 3, 5),
  top: fc.integer({ min: 1, max: 5 }),
  batches: fc.array(fc.array(reportArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
});

const posted = new Map<string, Record<string, unknown>[]>();
const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
    const { game, ...event } = JSON.parse(String(init?.body));
    posted.set(game, [...(posted.get(game) ?? []), event]);
    return new Response(null, { status: 204 });
  };
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const stub = (game: string) => env.BOARD.getByName(game);
const hookState = (game: string) =>
  runInDurableObject(stub(game), async (_, state) => ({
    checkAt: JSON.parse(
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'hooks'").toArray()[0]?.value ??
        "{}",
    ).checkAt as number | null | undefined,
    waiting: state.storage.sql.exec("SELECT 1 FROM hook_outbox").toArray().length,
  }));

/** Waits until the game's object heard of the batch (a shard tells it up to liveEvery later), then fires its alarm until its events are out. */
async function settle(game: string) {
  for (let i = 0; i < 100 && ((await hookState(game)).checkAt ?? null) === null; i++) await scheduler.wait(20);
  for (let i = 0; i < 100; i++) {
    await runDurableObjectAlarm(stub(game));
    const { checkAt, waiting } = await hookState(game);
    if ((checkAt ?? null) === null && waiting === 0) return;
  }
  throw new Error(`${game}: its hooks did not settle`);
}

async function configure(game: string, config: Record<string, unknown>) {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("a sharded game's hooks post as its twin's on one object", () => {
  it("for any report stream: the same leader.changed and top.changed, in the same order", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, async ({ rules, shards, top, batches }) => {
        const one = uniqueGame("hook-twin-one");
        const many = uniqueGame("hook-twin-many");
        // Longer than a run: the runtime never fires the alarms on its own, the test does.
        const webhook = { url: `${URL_BASE}h`, events: ["leader.changed", "top.changed"], top, every: 600 };
        await configure(one, { ...rules, webhook });
        await configure(many, { ...rules, webhook, shards });
        for (const [k, drawn] of batches.entries()) {
          // A newcomer in every batch: each batch changes both boards, so each game checks once after it.
          const scores = [...drawn, { player: `new${k}`, score: k - 2, ts: NOW - 500 }];
          const [a, b] = await Promise.all([postScores(one, { scores }), postScores(many, { scores })]);
          expect(b.status).toBe(a.status);
          await Promise.all([settle(one), settle(many)]);
        }
        expect(posted.get(many)).toEqual(posted.get(one));
        expect(posted.get(one)?.length).toBeGreaterThan(0);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
