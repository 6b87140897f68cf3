import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GAME_PATTERN } from "../../protocol/patterns";
import { ADMIN, call, INGEST, postScores } from "../support/worker-client";

// Every route, hit with random and valid-looking requests: never a 5xx,
// every error in the envelope, and a refused request changes nothing.
const TARGET = "fuzz-target";
const CASES = 400;

const gameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(TARGET) },
  { weight: 2, arbitrary: fc.constantFrom("fuzz-other", "...", "a b", "%2e%2e", "x".repeat(65), "g%00", "é", "") },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(encodeURIComponent) },
);
const nameArb = fc.oneof(
  fc.constantFrom("p1", "p2", "caf%C3%A9", "cafe%CC%81", "%F0%9F%98%80", "%00", "%ZZ", "x".repeat(129), "a%2Fb"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const pathArb = fc.oneof(
  fc.constantFrom("/v1/games", "/v1/write", "/v1/openapi.json", "/v1/docs", "/v1/nope", "/", "/v1", "/v1/games/"),
  gameArb.map((g) => `/v1/games/${g}`),
  fc
    .tuple(gameArb, fc.constantFrom("scores", "leaderboard", "live", "history", "history/leaders", "history/reports"))
    .map(([g, rest]) => `/v1/games/${g}/${rest}`),
  fc
    .tuple(gameArb, fc.constantFrom("players", "history/players"), nameArb)
    .map(([g, sub, p]) => `/v1/games/${g}/${sub}/${p}`),
);
const queryArb = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "limit",
        "offset",
        "around",
        "player",
        "from",
        "to",
        "precision",
        "history",
        "entries",
        "after",
        "cursor",
        "x",
      ),
      fc.oneof(
        fc.constantFrom("0", "1", "15", "-1", "1001", "1e3", "9007199254740993", "", "ns", "s", "true", "abc", "1.5"),
        fc.string({ maxLength: 8 }),
      ),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? "" : `?${new URLSearchParams(pairs)}`));
const reportArb = fc.record(
  {
    player: fc.oneof(fc.constantFrom("p1", "p2", "café"), fc.string({ maxLength: 5 })),
    score: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 60), fc.constant("12")),
    ts: fc.oneof(fc.nat(), fc.constant(-5), fc.constant(9e15)),
    id: fc.string({ maxLength: 4 }),
    team: fc.string({ maxLength: 4 }),
  },
  { requiredKeys: [] },
);
const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  reportArb.map((r) => JSON.stringify(r)),
  fc.array(reportArb, { maxLength: 4 }).map((scores) => JSON.stringify({ scores })),
  fc.json(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    `scores,game=${TARGET},player=p1 value=5`,
    `scores,game=${TARGET},player=p1 value=abc`,
    "scores,game=...,player=p value=1",
    `{"order":"asc"}`,
    `{"aggregate":"sum"}`,
    `{"maxPlayers":0}`,
    `{"window":-1}`,
  ),
);
const headersArb = fc.record({
  authorization: fc.constantFrom(
    undefined,
    `Bearer ${INGEST}`,
    `Bearer ${ADMIN}`,
    "Bearer nope",
    "Basic YTpi",
    "Bearer",
  ),
  "content-type": fc.constantFrom(
    undefined,
    "application/json",
    "text/plain",
    "application/xml",
    "text/plain; charset=utf-8",
  ),
  upgrade: fc.constantFrom(undefined, undefined, "websocket"),
});
const requestArb = fc.record({
  method: fc.constantFrom("GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
  path: pathArb,
  query: queryArb,
  headers: headersArb,
  body: bodyArb,
});

/** What a request could change: the target's config, board and player count, and the directory. */
async function observable() {
  const info = await (await call(`/v1/games/${TARGET}`)).text();
  const board = await (await call(`/v1/games/${TARGET}/leaderboard?limit=1000`)).text();
  const games = await env.DB.prepare("SELECT count(*) AS n FROM games").first<{ n: number }>();
  return { info, board, games: games?.n };
}

async function tablesOf(game: string): Promise<number> {
  return runInDurableObject(
    env.BOARD.getByName(game),
    (_, state) => state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master").one().n as number,
  );
}

describe("every route under random requests", () => {
  beforeAll(async () => {
    await postScores(TARGET, {
      scores: [
        { player: "p1", score: 10 },
        { player: "p2", score: 20, team: "red" },
      ],
    });
  });

  it(`never answers 5xx, always uses the envelope, and changes nothing when it refuses (${CASES} cases)`, async () => {
    let refused = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ method, path, query, headers, body }) => {
        const before = await observable();
        const sent = new Headers();
        for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent.set(name, value);
        const init: RequestInit = { method, headers: sent };
        if (body !== undefined && method !== "GET" && method !== "HEAD") init.body = body;
        const res = await exports.default.fetch(new Request(`http://podium.test${path}${query}`, init));
        res.webSocket?.accept();
        res.webSocket?.close(1000, "fuzz");
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${method} ${path}${query}`).toBeLessThan(500);
        if (res.status < 400) return;
        refused++;
        if (method !== "HEAD") {
          const envelope = JSON.parse(text) as { error: { code: unknown; message: unknown } };
          expect(typeof envelope.error.code).toBe("string");
          expect(typeof envelope.error.message).toBe("string");
        }
        expect(await observable(), `${method} ${path}${query} changed state`).toEqual(before);
        const game = decodeURIComponent(path.split("/")[3] ?? "");
        if (game !== TARGET && GAME_PATTERN.test(game) && !/%/.test(path.split("/")[3] ?? "")) {
          expect(await tablesOf(game), `${method} ${path} left storage for ${game}`).toBe(0);
        }
      }),
      { numRuns: CASES },
    );
    console.log(`fuzz: ${CASES} requests by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(refused).toBeGreaterThan(CASES / 2);
    expect([...statuses.keys()].filter((s) => s < 300).length).toBeGreaterThan(1);
  }, 120_000);
});
