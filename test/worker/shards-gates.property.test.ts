import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN, call, INGEST, uniqueGame } from "../support/worker-client";

// Opening hours, joins and attempts on a game over 8 shards answer as on its twin on one object: every
// answer (refusals included: a refused batch applies nothing on any shard), every standing with its
// attempts, and the board.

const NOW = Date.now();
const PLAYERS = ["a", "b", "c", "d", "é", "😀", "p1", "p2"];
// Few ids: resent reports are common, and must cost no attempt. An id names one player's report (a shard
// dedupes the ids of its own players).
const reportArb = fc
  .record({
    player: fc.constantFrom(...PLAYERS),
    score: fc.integer({ min: 0, max: 9 }),
    ts: fc.constantFrom(NOW - 3000, NOW - 2000, NOW - 1000),
    id: fc.option(fc.constantFrom("1", "2", "3"), { nil: undefined }),
  })
  .map(({ id, ...report }) => (id === undefined ? report : { ...report, id: `${report.player}:${id}` }));
const opArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ join: fc.constantFrom(...PLAYERS) }) },
  { weight: 4, arbitrary: fc.record({ scores: fc.array(reportArb, { minLength: 1, maxLength: 8 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      winner: fc.constantFrom(...PLAYERS),
      loser: fc.constantFrom(...PLAYERS),
      ts: fc.constant(NOW),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ close: true as const }) },
);
const configArb = fc.record({
  join: fc.boolean(),
  maxAttempts: fc.constantFrom(null, 1, 2, 4),
  open: fc.constantFrom(null, { from: NOW - 60_000 }, { to: NOW - 1 }, { from: NOW + 3_600_000 }),
});

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
/** An answer without what the twins may differ in: the game's name and server clock times (changes, joins, closes). */
const comparable = ({ status, body }: { status: number; body: Record<string, unknown> }) => {
  const { updatedAt: _, game: __, joinedAt: ___, startedAt: ____, endedAt: _____, ...rest } = body;
  return { status, body: rest };
};

describe("a sharded game's gates answer as its twin's on one object", () => {
  it("for any joins, batches, results and closes: every answer, standing and the board", async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(opArb, { minLength: 1, maxLength: 12 }), async (config, ops) => {
        const one = uniqueGame("gates-one");
        const many = uniqueGame("gates-many");
        for (const [game, shards] of [
          [one, 1],
          [many, 8],
        ] as const) {
          const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { ...config, shards } });
          expect(res.status).toBe(200);
        }
        const both = async (path: string, init: Parameters<typeof call>[1]) => {
          const [a, b] = await Promise.all([
            call(`/v1/games/${one}${path}`, init),
            call(`/v1/games/${many}${path}`, init),
          ]);
          const [ja, jb] = [await json(a), await json(b)];
          expect(comparable(jb), path).toEqual(comparable(ja));
        };
        for (const op of ops) {
          if ("join" in op) await both(`/players/${encodeURIComponent(op.join)}/join`, { method: "POST", key: INGEST });
          else if ("scores" in op) await both("/scores", { method: "POST", key: INGEST, json: op });
          else if ("winner" in op) {
            if (op.winner !== op.loser) await both("/results", { method: "POST", key: INGEST, json: op });
          } else await both("/seasons/close", { method: "POST", key: ADMIN });
        }
        for (const player of PLAYERS) {
          await both(`/players/${encodeURIComponent(player)}`, { method: "GET" });
        }
        await both("/leaderboard?limit=100", { method: "GET" });
      }),
      { numRuns: 30 },
    );
  }, 240_000);
});
