import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { TOKEN_MAX_BATCH } from "../../worker/routes/scores";
import { roomInWindow } from "../support/rate-window";
import { board, call, errorOf, INGEST, SCOPED, uniqueGame } from "../support/worker-client";

const SECRET = "player-token-test-secret"; // PLAYER_TOKEN_SECRET in vitest.config.ts

async function mint(game: string, player: string, key = INGEST, ttl?: number) {
  return call(`/v1/games/${game}/tokens`, {
    method: "POST",
    key,
    json: ttl === undefined ? { player } : { player, ttl },
  });
}

async function tokenFor(game: string, player: string): Promise<string> {
  const res = await mint(game, player);
  expect(res.status).toBe(200);
  return (await res.json<{ token: string }>()).token;
}

const base64url = (json: object) =>
  btoa(JSON.stringify(json)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

const post = (game: string, token: string, json: unknown) =>
  call(`/v1/games/${game}/scores`, { method: "POST", key: token, json });

describe("player tokens", () => {
  it("mints a token that posts its own player's scores and sets its own profile, and nothing else", async () => {
    const game = uniqueGame("tok");
    const res = await mint(game, "ana");
    const { token, expiresAt } = await res.json<{ token: string; expiresAt: number }>();
    expect(Math.abs(expiresAt - (Date.now() + 3_600_000))).toBeLessThan(5000);

    expect((await post(game, token, { player: "ana", score: 10 })).status).toBe(200);
    const other = await post(game, token, {
      scores: [
        { player: "ana", score: 11 },
        { player: "bo", score: 99 },
      ],
    });
    expect(other.status).toBe(403);
    expect((await errorOf(other)).message).toMatch(/only act for player "ana"/);
    expect((await board(game)).entries).toEqual([expect.objectContaining({ player: "ana", score: 10 })]);

    const profile = (player: string) =>
      call(`/v1/games/${game}/players/${player}/profile`, { method: "PUT", key: token, json: { name: "Ana" } });
    expect((await profile("ana")).status).toBe(200);
    expect((await profile("bo")).status).toBe(403);

    // Everything else a key may do, a token may not.
    const forbidden = [
      call(`/v1/games/${game}/results`, { method: "POST", key: token, json: { winner: "ana", loser: "bo" } }),
      call(`/v1/games/${game}/events`, { method: "POST", key: token, json: { player: "ana", counters: { x: 1 } } }),
      call(`/v1/games/${game}`, { method: "PUT", key: token, json: { order: "asc" } }),
      call(`/v1/games/${game}/tokens`, { method: "POST", key: token, json: { player: "ana" } }),
      call("/v1/write", {
        method: "POST",
        key: token,
        headers: { "content-type": "text/plain" },
        body: `scores,game=${game},player=ana value=1`,
      }),
      // Refused before the body is parsed: lines that would not parse are still a 403, not a 400.
      call("/v1/write", { method: "POST", key: token, headers: { "content-type": "text/plain" }, body: "not lines" }),
    ];
    for (const res of await Promise.all(forbidden)) expect(res.status).toBe(403);
  });

  it("stamps a token's reports with the server's time and takes a few a request", async () => {
    const game = uniqueGame("tok");
    const ana = await tokenFor(game, "ana");
    // A client's clock could win a tie by backdating, or outdate the game server's correction by stamping ahead.
    for (const ts of [0, Date.now() + 60_000]) {
      const stamped = await post(game, ana, { player: "ana", score: 1000, ts });
      expect(stamped.status).toBe(403);
      expect((await errorOf(stamped)).message).toMatch(/take the server's time/);
    }
    const many = (count: number) => ({
      scores: Array.from({ length: count }, (_, i) => ({ player: "ana", score: i, id: `r${i}` })),
    });
    const over = await post(game, ana, many(TOKEN_MAX_BATCH + 1));
    expect(over.status).toBe(403);
    expect((await errorOf(over)).message).toMatch(`at most ${TOKEN_MAX_BATCH} reports`);
    const before = Date.now();
    expect(await (await post(game, ana, many(TOKEN_MAX_BATCH))).json()).toEqual({
      accepted: TOKEN_MAX_BATCH,
      duplicates: 0,
    });
    const [entry] = (await board(game)).entries;
    expect(entry).toEqual(expect.objectContaining({ player: "ana", score: TOKEN_MAX_BATCH - 1 }));
    expect(entry.ts).toBeGreaterThanOrEqual(before);
  });

  it("lets a token name no team, and keeps its ids apart from the server's and other players'", async () => {
    const game = uniqueGame("tok");
    const ana = await tokenFor(game, "ana");
    const team = await post(game, ana, { player: "ana", score: 1, team: "red" });
    expect(team.status).toBe(403);
    expect((await errorOf(team)).message).toMatch(/may not name a team/);

    // The id a result or another player would send next is not the token's to spend.
    expect((await post(game, ana, { player: "ana", score: 5, id: "result:r1" })).status).toBe(200);
    expect((await post(game, ana, { player: "ana", score: 6, id: "s1" })).status).toBe(200);
    const server = await call(`/v1/games/${game}/scores`, {
      method: "POST",
      key: INGEST,
      json: { scores: [{ player: "bo", score: 7, id: "s1" }] },
    });
    expect(await server.json()).toEqual({ accepted: 1, duplicates: 0 });
    const result = await call(`/v1/games/${game}/results`, {
      method: "POST",
      key: INGEST,
      json: { winner: "ana", loser: "bo", id: "r1" },
    });
    expect(await result.json()).toEqual({ accepted: 1, duplicates: 0 });
    // Player names may hold colons: "ana:x" with id "y" and "ana" with id "x:y" are not one id.
    const colon = await tokenFor(game, "ana:x");
    expect(await (await post(game, colon, { player: "ana:x", score: 1, id: "y" })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(await (await post(game, ana, { player: "ana", score: 6, id: "x:y" })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    // The token's own retry is still a duplicate.
    expect(await (await post(game, ana, { player: "ana", score: 6, id: "s1" })).json()).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect((await board(game)).entries.map((e) => [e.player, e.score])).toEqual([
      ["bo", 7],
      ["ana", 6],
      ["ana:x", 1],
    ]);
  });

  it("refuses a token for another game with 403", async () => {
    const token = await tokenFor(uniqueGame("tok"), "ana");
    const res = await post(uniqueGame("tok"), token, { player: "ana", score: 1 });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/this token is for game/);
  });

  it("refuses forged, tampered and expired tokens with 401", async () => {
    const game = uniqueGame("tok");
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const forged = await sign({ sub: "ana", game, exp }, "not the secret", "HS256");
    const genuine = await tokenFor(game, "ana");
    const [head, , signature] = genuine.split(".");
    const tampered = `${head}.${base64url({ sub: "bo", game, exp })}.${signature}`;
    const expired = await sign({ sub: "ana", game, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, "HS256");
    const noGame = await sign({ sub: "ana", exp }, SECRET, "HS256");
    const noExpiry = await sign({ sub: "ana", game }, SECRET, "HS256");
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: "ana", game, exp })}.x`;
    const otherAlgorithm = await sign({ sub: "ana", game, exp }, SECRET, "HS512");
    for (const [token, why] of [
      [forged, /not valid/],
      [tampered, /not valid/],
      [expired, /expired/],
      [noGame, /names no player or game/],
      [noExpiry, /no expiry/],
      [unsigned, /not valid/],
      [otherAlgorithm, /not valid/],
    ] as const) {
      const res = await post(game, token, { player: "ana", score: 1 });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).message).toMatch(why);
    }
    expect((await board(game).catch(() => ({ total: 0 }))).total).toBe(0);
  });

  it("mints only with an ingest key allowed for the game, and a ttl of 60 s to 24 h", async () => {
    const game = uniqueGame("tok");
    expect((await call(`/v1/games/${game}/tokens`, { method: "POST", json: { player: "a" } })).status).toBe(401);
    expect((await mint(game, "a", SCOPED)).status).toBe(403);
    expect((await mint("scoped-x", "a", SCOPED)).status).toBe(200);
    expect((await mint(game, "a", INGEST, 30)).status).toBe(400);
    expect((await mint(game, "a", INGEST, 86_401)).status).toBe(400);
    const res = await mint(game, "a", INGEST, 60);
    expect(res.status).toBe(200);
    const { expiresAt } = await res.json<{ expiresAt: number }>();
    expect(Math.abs(expiresAt - (Date.now() + 60_000))).toBeLessThan(5000);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past 20 requests in 10 s with one player token", async () => {
    const game = uniqueGame("tok");
    const token = await tokenFor(game, "ana");
    await roomInWindow(10, 4_000);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 22; i++) {
      const res = await post(game, token, { player: "ana", score: i });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        expect((await errorOf(res)).code).toBe("rate_limited");
      }
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect(retryAfter).toBe("10");
    // Another player's token has its own budget.
    expect((await post(game, await tokenFor(game, "bo"), { player: "bo", score: 1 })).status).toBe(200);
  });

  it("answers 429 with Retry-After past 600 live requests a minute from one address, never to loopback", async () => {
    const game = uniqueGame("live-limit");
    const live = (ip: string) => call(`/v1/games/${game}/live`, { headers: { "cf-connecting-ip": ip } });
    await roomInWindow(60, 20_000);
    const statuses = await Promise.all(Array.from({ length: 601 }, () => live("203.0.113.7")));
    expect(statuses.filter((r) => r.status === 426)).toHaveLength(600);
    const limited = statuses.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0].headers.get("retry-after")).toBe("60");
    expect((await live("198.51.100.1")).status).toBe(426);
    const loopback = await Promise.all(Array.from({ length: 610 }, () => live("127.0.0.1")));
    expect(loopback.every((r) => r.status === 426)).toBe(true);
    // An IPv6 client is counted by its /64: a fresh address per request does not escape the limit.
    const v6 = await Promise.all(Array.from({ length: 601 }, (_, i) => live(`2001:db8:5:7::${i.toString(16)}`)));
    expect(v6.filter((r) => r.status === 429)).toHaveLength(1);
    expect((await live("2001:db8:5:8::1")).status).toBe(426);
    // 1,800 requests: a volume test, given room on a busy machine (it measures nothing by time).
  }, 60_000);
});
