import { describe, expect, it } from "vitest";
import { watch } from "../support/spectator";
import { ADMIN, call, postScores, uniqueGame } from "../support/worker-client";

// A sharded game's spectators see what its twin's see: each view gathered
// from the shards (the top of each board, a country's top, a followed
// player's neighbourhood, a set of players) and sent as one object sends it,
// every players' entry in its tier.

const QUERIES = [
  "?limit=5",
  "?limit=15",
  "?board=teams&limit=3",
  "?board=mvps&limit=3",
  "?board=countries&limit=3",
  "?limit=3&country=FR",
  "?limit=3&player=p7&around=2",
  "?players=p3,p7,p12,nobody",
];
const TIERS = [
  { name: "gold", top: 0.1 },
  { name: "silver", rank: 8 },
  { name: "bronze", score: 20 },
  { name: "rest" },
];

async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
}

/** Watches `queries` on a 4-shard game and its twin through random batches: every view must end the same. */
async function converge(queries: readonly string[]) {
  {
    const game = uniqueGame("live-shards");
    const twin = uniqueGame("live-twin");
    for (const [g, shards] of [
      [game, 4],
      [twin, 1],
    ] as const) {
      expect(
        (await call(`/v1/games/${g}`, { method: "PUT", key: ADMIN, json: { shards, liveEvery: 100, tiers: TIERS } }))
          .status,
      ).toBe(200);
      expect((await postScores(g, { player: "seed", score: 0, ts: 999, team: "red", country: "FR" })).status).toBe(200);
    }
    const sockets = await Promise.all(queries.flatMap((q) => [watch(game, q), watch(twin, q)]));
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 8; round++) {
      const scores = Array.from({ length: 25 }, (_, i) => ({
        player: `p${random(30)}`,
        score: random(50) - 5,
        ts: 1000 + round * 10 + i,
        team: ["red", "blue", "green"][random(3)],
        country: ["FR", "DE", "JP"][random(3)],
      }));
      for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 60));
    }
    // Compared field by field, whatever order each side wrote its fields in.
    const text = (entries: object[]) => JSON.stringify(entries.map((e) => Object.entries(e).sort()));
    // Totals too: a view's entries can settle an update before its total does.
    const same = () =>
      queries.every(
        (_, q) =>
          text(sockets[2 * q].entries) === text(sockets[2 * q + 1].entries) &&
          sockets[2 * q].board?.total === sockets[2 * q + 1].board?.total,
      );
    await until(same, 3000);
    for (const [q, query] of queries.entries()) {
      const [sharded, one] = [sockets[2 * q], sockets[2 * q + 1]];
      expect(sharded.entries, query).toEqual(one.entries);
      expect(sharded.board?.total, query).toBe(one.board?.total);
      expect(sharded.gap, query).toBe(false);
      expect(sharded.entries.length, query).toBeGreaterThan(0);
    }
    // Closed before the file ends: work a socket starts (a relay's, an object's flush) must not outlive the test.
    for (const socket of sockets) socket.socket.close();
    await until(() => sockets.every((socket) => socket.closed !== undefined));
  }
}

describe("live views of a sharded game", () => {
  it(
    "converge on the same boards as the twin's after random batches, without seq gaps",
    () => converge(QUERIES),
    20_000,
  );

  it(
    "show the board's total and tiers with no top watched: only sets of players and a country",
    () => converge(["?players=p3,p7,p12,nobody", "?limit=3&country=DE"]),
    20_000,
  );
});
