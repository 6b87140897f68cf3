import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGGREGATES, ORDERS, TIE_MODES } from "../../engine/rules";
import { ADMIN, call, INGEST, postScores, uniqueGame } from "../support/worker-client";

// The same report stream sent to a game on one object and to its twin over
// several shards: every read must answer the same, apart from updatedAt.

const NOW = Date.now();
const PLAYERS = ["a", "b", "ab", "B", "é", "😀", "\uE000", "p1", "p10", "p2", "Ω", "a b", "z", "𝔸", "q", "r"];
const reportArb = fc.record({
  player: fc.constantFrom(...PLAYERS),
  score: fc.integer({ min: -3, max: 6 }),
  subscore: fc.option(fc.constantFrom(0, 1, 2.5), { nil: undefined }),
  // Few distinct ts make ties on ts common; with a window, the old ones stay outside it for the whole run.
  ts: fc.constantFrom(NOW - 7_200_000, NOW - 60_000, NOW - 59_000, NOW - 1000),
  team: fc.option(fc.constantFrom("red", "blue", "ß"), { nil: undefined }),
  country: fc.option(fc.constantFrom("FR", "DE", "JP"), { nil: undefined }),
});
// Every bound kind, and a last tier with none; `top` at shares a 16-player board falls on.
const TIERS = [
  { name: "gold", top: 0.125 },
  { name: "silver", rank: 4 },
  { name: "bronze", score: 2 },
  { name: "wood" },
];
const streamArb = fc.record({
  rules: fc.record({
    aggregate: fc.constantFrom(...AGGREGATES),
    order: fc.constantFrom(...ORDERS),
    // Dense ranks are refused on sharded games (test/worker/shards.test.ts); every other mode must agree.
    ties: fc.constantFrom(...TIE_MODES.filter((ties) => ties !== "dense")),
    window: fc.constantFrom(0, 0, 3600),
    tiebreak: fc.constantFrom(null, { order: "desc" }, { order: "asc" }),
  }),
  shards: fc.constantFrom(2, 3, 8),
  tiers: fc.constantFrom(null, TIERS, TIERS.slice(0, 3)),
  batches: fc.array(fc.array(reportArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
});

const json = async (path: string) => {
  const res = await call(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
/** An answer without updatedAt, the one thing the twins may differ in. */
const comparable = ({ status, body }: { status: number; body: Record<string, unknown> }) => {
  const { updatedAt: _, game: __, ...rest } = body;
  return { status, body: rest };
};

async function configure(game: string, config: Record<string, unknown>) {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("a sharded game answers as its twin on one object", () => {
  it("for any report stream: leaderboard at every offset, standings, teams, MVPs, countries and their boards", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(streamArb, async ({ rules, shards, tiers, batches }) => {
        runs++;
        const one = uniqueGame("twin-one");
        const many = uniqueGame("twin-many");
        await configure(one, { ...rules, tiers });
        await configure(many, { ...rules, tiers, shards });
        for (const drawn of batches) {
          // Subscores only where the game has a tiebreak (elsewhere both twins refuse them alike).
          const scores = rules.tiebreak === null ? drawn.map(({ subscore: _, ...report }) => report) : drawn;
          const [a, b] = await Promise.all([postScores(one, { scores }), postScores(many, { scores })]);
          expect(b.status).toBe(a.status);
          expect(await b.json()).toEqual(await a.json());
        }
        const reads = ["?limit=1000", "?limit=1", "?limit=3&offset=2", "?limit=5&offset=9", "?limit=2&offset=40"];
        for (const query of reads) {
          const [a, b] = await Promise.all([
            json(`/v1/games/${one}/leaderboard${query}`),
            json(`/v1/games/${many}/leaderboard${query}`),
          ]);
          expect(comparable(b), query).toEqual(comparable(a));
        }
        for (const player of PLAYERS) {
          for (const around of [0, 2]) {
            const path = (game: string) => `/v1/games/${game}/players/${encodeURIComponent(player)}?around=${around}`;
            const [a, b] = await Promise.all([json(path(one)), json(path(many))]);
            expect(comparable(b), `${player} around ${around}`).toEqual(comparable(a));
          }
        }
        const boards = [
          "teams?limit=100",
          "teams?limit=1&offset=1",
          "teams/red?limit=4",
          "teams/%C3%9F?limit=10",
          "mvps?limit=100",
          "countries?limit=100",
          "leaderboard?country=FR&limit=100",
          "leaderboard?country=JP&limit=2&offset=1",
          `leaderboard?players=${["z", "a", "nobody", "é", "p10", "😀", "B"].map(encodeURIComponent).join(",")}`,
        ];
        for (const board of boards) {
          const [a, b] = await Promise.all([json(`/v1/games/${one}/${board}`), json(`/v1/games/${many}/${board}`)]);
          expect(comparable(b), board).toEqual(comparable(a));
        }
        const friends = { method: "POST", json: { players: [...PLAYERS, "nobody"] } };
        const [fa, fb] = await Promise.all([
          call(`/v1/games/${one}/leaderboard/players`, friends),
          call(`/v1/games/${many}/leaderboard/players`, friends),
        ]);
        const body = async (res: Response) => ({
          status: res.status,
          body: (await res.json()) as Record<string, unknown>,
        });
        const friendsOne = await body(fa);
        expect(comparable(await body(fb)), "friends").toEqual(comparable(friendsOne));
        // Every player asked for is its entry on the whole board, or missing.
        const whole = (await json(`/v1/games/${one}/leaderboard?limit=1000`)).body.entries as { player: string }[];
        expect(friendsOne.body.entries, "friends are the board's entries").toEqual(whole);
        expect(friendsOne.body.missing).toEqual(
          [...PLAYERS, "nobody"].filter((p) => !whole.some((e) => e.player === p.normalize("NFC"))),
        );
        // One player across both twins: the same standing in each, but for the game's name.
        for (const player of PLAYERS.slice(0, 4)) {
          const across = await json(`/v1/players/${encodeURIComponent(player)}?games=${one},${many}`);
          const standings = across.body.standings as Record<string, unknown>[];
          expect(standings.map(({ game: _, ...s }) => s)[1], player).toEqual(
            standings.map(({ game: _, ...s }) => s)[0],
          );
          expect((across.body.missing as string[]).length % 2, player).toBe(0);
        }
        const [a, b] = await Promise.all([json(`/v1/games/${one}`), json(`/v1/games/${many}`)]);
        expect(b.body.players).toBe(a.body.players);
        const perShard = b.body.shards as { shard: number; players: number }[];
        expect(perShard.map((s) => s.shard)).toEqual(Array.from({ length: shards }, (_, i) => i));
        expect(perShard.reduce((sum, s) => sum + s.players, 0)).toBe(a.body.players);
      }),
      { numRuns: 40 },
    );
    expect(runs).toBe(40);
  }, 120_000);
});

const resultArb = fc
  .uniqueArray(fc.constantFrom(...PLAYERS), { minLength: 2, maxLength: 5 })
  .chain((players) =>
    fc.oneof(
      fc.constant({ winner: players[0], loser: players[1] }),
      fc.constant({ draw: players.slice(0, 2) }),
      fc.constant({ placements: players.map((p) => [p]) }),
    ),
  );
const eventArb = fc.record({
  player: fc.constantFrom(...PLAYERS),
  counters: fc.dictionary(fc.constantFrom("kills", "deaths", "picks"), fc.integer({ min: -3, max: 9 }), {
    minKeys: 1,
  }),
});

describe("a sharded game's results, counters and profiles answer as its twin's", () => {
  it("for any stream: wins on the board, every player's stats and counters, names and countries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("none", "wins"),
        fc.constantFrom(2, 5),
        fc.array(fc.array(resultArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        async (rating, shards, batches, events) => {
          const one = uniqueGame("twin-one");
          const many = uniqueGame("twin-many");
          await configure(one, { rating });
          await configure(many, { rating, shards });
          const both = async (path: string, init: Parameters<typeof call>[1]) => {
            const [a, b] = await Promise.all([
              call(`/v1/games/${one}${path}`, init),
              call(`/v1/games/${many}${path}`, init),
            ]);
            expect(b.status, path).toBe(a.status);
            expect(await b.text(), path).toEqual(await a.text());
          };
          for (const [k, results] of batches.entries()) {
            const sent = results.map((r, i) => ({ ...r, id: `r${k}-${i}`, ts: NOW - 1000 + k }));
            await both("/results", { method: "POST", key: INGEST, json: { results: sent } });
          }
          // Sent again with their ids: nothing applies twice, on either game.
          const again = batches[0].map((r, i) => ({ ...r, id: `r0-${i}`, ts: NOW - 1000 }));
          await both("/results", { method: "POST", key: INGEST, json: { results: again } });
          await both("/events", { method: "POST", key: INGEST, json: { events } });
          await both(`/players/${encodeURIComponent(PLAYERS[0])}/profile`, {
            method: "PUT",
            key: ADMIN,
            json: { name: "Ayşe", country: "TR" },
          });
          for (const player of PLAYERS) {
            const [a, b] = await Promise.all([
              json(`/v1/games/${one}/players/${encodeURIComponent(player)}/stats`),
              json(`/v1/games/${many}/players/${encodeURIComponent(player)}/stats`),
            ]);
            // An event stamps the server's clock: the twins' firstSeen and lastSeen may differ by the ms between them.
            const { firstSeen: firstA, lastSeen: lastA, ...restA } = a.body;
            const { firstSeen: firstB, lastSeen: lastB, ...restB } = b.body;
            expect({ status: b.status, body: restB }, `${player} stats`).toEqual({ status: a.status, body: restA });
            expect(Math.abs(Number(firstB ?? 0) - Number(firstA ?? 0))).toBeLessThan(5000);
            expect(Math.abs(Number(lastB ?? 0) - Number(lastA ?? 0))).toBeLessThan(5000);
          }
          const [a, b] = await Promise.all([
            json(`/v1/games/${one}/leaderboard?limit=100`),
            json(`/v1/games/${many}/leaderboard?limit=100`),
          ]);
          expect(comparable(b)).toEqual(comparable(a));
          await both(`/players/${encodeURIComponent(PLAYERS[1])}`, { method: "DELETE", key: ADMIN });
          const [c, d] = await Promise.all([
            json(`/v1/games/${one}/leaderboard?limit=100`),
            json(`/v1/games/${many}/leaderboard?limit=100`),
          ]);
          expect(comparable(d)).toEqual(comparable(c));
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});
