import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../../client";
import { ADMIN, board, call, postScores, uniqueGame } from "../support/worker-client";

// Event hooks through the Worker and the game's object, as a game backend
// sees them. Workers tests cannot reach a network: the object's fetch is
// replaced by a receiver that records each post and answers what the test
// says (the object runs in the test's isolate, so it calls this one).

const SECRET = "webhook-test-secret"; // vitest.config.ts
const URL_BASE = "https://hooks.example.test/";

interface Post {
  url: string;
  signature: string;
  body: string;
  event: { type: string; game: string; season: number; [key: string]: unknown };
}

let posts: Post[] = [];
/** What the receiver answers next (its status). */
let answer = 200;

const realFetch = globalThis.fetch;
beforeEach(() => {
  posts = [];
  answer = 200;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // The object's attempts carry their body as a string (objects/seasons/webhook.ts).
    const body = String(init?.body);
    const headers = new Headers(init?.headers);
    posts.push({ url: String(input), signature: headers.get("podium-signature") ?? "", body, event: JSON.parse(body) });
    return new Response(null, { status: answer });
  };
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

const stub = (game: string) => env.BOARD.getByName(game);
const postsOf = (game: string) => posts.filter((p) => p.event.game === game && p.signature !== "");

async function configure(game: string, webhook: unknown, more: Record<string, unknown> = {}) {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { webhook, ...more } });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<{ webhook: unknown }>();
}

/** What waits in the game's outbox, and the check it has asked for. */
async function outbox(game: string) {
  return runInDurableObject(stub(game), async (_, state) => ({
    rows: state.storage.sql
      .exec<{ type: string; season: number; body: string | null; delivery: string | null }>(
        "SELECT type, season, body, delivery FROM hook_outbox ORDER BY seq",
      )
      .toArray(),
    checkAt: JSON.parse(
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'hooks'").toArray()[0]?.value ??
        "{}",
    ).checkAt as number | null | undefined,
  }));
}

/**
 * Fires the game's alarm (as many times as it takes, a retry's backoff
 * included) until `done`: by default, until its outbox is empty and no check
 * is pending.
 */
async function drain(game: string, done?: (state: Awaited<ReturnType<typeof outbox>>) => boolean) {
  const settled = done ?? (({ rows, checkAt }) => rows.length === 0 && (checkAt ?? null) === null);
  for (let i = 0; i < 300; i++) {
    await runDurableObjectAlarm(stub(game));
    if (settled(await outbox(game))) return;
    await scheduler.wait(10);
  }
  throw new Error(`the hooks of ${game} did not settle`);
}

/** Fires the game's alarm until the board's change is checked (its events queued). */
const checked = (game: string) => drain(game, ({ checkAt }) => (checkAt ?? null) === null);

/** The receiver's check: HMAC-SHA256 of "t.body" with the shared secret, in hex. */
async function verifies(signature: string, body: string, secret = SECRET): Promise<boolean> {
  const { t, v1 } = Object.fromEntries(signature.split(",").map((part) => part.split("=") as [string, string]));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = Uint8Array.from((v1 ?? "").match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${t}.${body}`));
}

const hooks = (events: string[], more: Record<string, unknown> = {}) => ({
  url: `${URL_BASE}podium`,
  events,
  // Longer than a test: the runtime never fires the alarm on its own meanwhile, the test fires it.
  every: 60,
  ...more,
});

describe("event hooks", () => {
  it("posts one leader.changed and one top.changed per every, carrying the newest state, signed", async () => {
    const game = uniqueGame("hooks");
    await configure(game, hooks(["leader.changed", "top.changed"], { top: 2 }));
    // Five leaders in a row, all within one `every`: one event of each kind.
    for (const [i, player] of ["a", "b", "c", "d", "e"].entries()) {
      expect((await postScores(game, { player, score: 10 + i })).status).toBe(200);
    }
    const { rows, checkAt } = await outbox(game);
    expect(rows).toEqual([]);
    expect(checkAt).toBeGreaterThan(Date.now());
    await drain(game);
    const top = (await board(game, "?limit=2")).entries;
    expect(postsOf(game).map((p) => p.event)).toEqual([
      { type: "leader.changed", game, season: 1, leader: top[0], previous: null },
      { type: "top.changed", game, season: 1, entries: top },
    ]);
    for (const post of postsOf(game)) {
      expect(post.url).toBe(`${URL_BASE}podium`);
      expect(await verifies(post.signature, post.body)).toBe(true);
      expect(await verifies(post.signature, post.body, "another secret")).toBe(false);
    }

    // The same leader with a better score changes the top only; a new leader names the last one as previous.
    await postScores(game, { player: "e", score: 100 });
    await drain(game);
    expect(
      postsOf(game)
        .slice(2)
        .map((p) => p.event.type),
    ).toEqual(["top.changed"]);
    await postScores(game, { player: "a", score: 200 });
    await drain(game);
    const last = postsOf(game).slice(3);
    expect(last.map((p) => p.event.type)).toEqual(["leader.changed", "top.changed"]);
    // `previous` is the leader as the last leader.changed told it.
    expect(last[0].event).toMatchObject({ leader: { player: "a", rank: 1 }, previous: { player: "e", score: 14 } });

    // A write that changes nothing the hooks watch posts nothing.
    await postScores(game, { player: "z", score: 1 });
    await drain(game);
    expect(postsOf(game)).toHaveLength(5);
  });

  it("posts nothing for a plain URL but season.closed, and nothing at all per write without hooks", async () => {
    const game = uniqueGame("hooks");
    await configure(game, `${URL_BASE}season`);
    await postScores(game, { player: "a", score: 1 });
    expect((await outbox(game)).checkAt ?? null).toBeNull();
    await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    await drain(game);
    expect(postsOf(game).map((p) => p.event.type)).toEqual(["season.closed"]);
  });

  it("retries after a 500 with backoff, and a receiver back up gets the newest state only", async () => {
    const game = uniqueGame("hooks");
    await configure(game, hooks(["leader.changed", "top.changed"], { top: 1 }));
    answer = 500;
    await postScores(game, { player: "a", score: 1 });
    const before = Date.now();
    await checked(game);
    let pending = (await outbox(game)).rows;
    expect(pending.map((r) => r.type)).toEqual(["leader.changed", "top.changed"]);
    const delivery = JSON.parse(pending[0].delivery ?? "{}");
    expect(delivery).toMatchObject({ delivered: false, attempts: 1, last: "500" });
    // 1 s after the first failure, with ±25% jitter; the top.changed behind it waits its turn.
    expect(delivery.nextAt).toBeGreaterThan(before + 700);
    expect(delivery.nextAt).toBeLessThan(before + 1300);
    expect(postsOf(game)).toHaveLength(1);

    // Down a while: leaders come and go, the outbox keeps one event of each kind, the newest.
    for (const [i, player] of ["b", "c", "d", "e"].entries()) {
      await postScores(game, { player, score: 10 + i });
      await checked(game);
      pending = (await outbox(game)).rows;
      expect(pending.map((r) => r.type)).toEqual(["leader.changed", "top.changed"]);
      expect(JSON.parse(pending[0].body ?? "{}").leader.player).toBe(player);
    }
    answer = 200;
    const failed = postsOf(game).length;
    await drain(game);
    const after = postsOf(game).slice(failed);
    const top = (await board(game, "?limit=1")).entries;
    // Back up: the newest leader, named against the one the receiver last got (none).
    expect(after.map((p) => p.event)).toEqual([
      { type: "leader.changed", game, season: 1, leader: top[0], previous: null },
      { type: "top.changed", game, season: 1, entries: top },
    ]);
    expect(
      postsOf(game)
        .filter((p) => p.event.type === "leader.changed")
        .every((p) => p.event.previous === null),
    ).toBe(true);
  });

  it("keeps an acknowledged change across an eviction: the check is in SQLite with the alarm", async () => {
    const game = uniqueGame("hooks");
    await configure(game, hooks(["leader.changed"]));
    await postScores(game, { player: "a", score: 5 });
    // Evicted before any post: a post's 10 s timeout would hold the eviction that long.
    await evictDurableObject(stub(game));
    expect((await outbox(game)).checkAt).toBeGreaterThan(Date.now());
    await drain(game);
    expect(postsOf(game).map((p) => p.event)).toMatchObject([
      { type: "leader.changed", leader: { player: "a", score: 5 }, previous: null },
    ]);
  });

  it("delivers in order per game: a season's close between two seasons' events, never dropped or overtaken", async () => {
    const game = uniqueGame("hooks");
    await configure(game, hooks(["season.closed", "leader.changed", "top.changed"], { top: 1 }));
    answer = 503;
    await postScores(game, { player: "a", score: 5 });
    await checked(game);
    const close = await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect(close.status).toBe(200);
    await postScores(game, { player: "b", score: 7 });
    await postScores(game, { player: "c", score: 9 });
    // Season 2's events queue behind the close; season 1's pending ones are not replaced by them.
    await checked(game);
    const { rows } = await outbox(game);
    expect(rows.map((r) => `${r.type} ${r.season}`)).toEqual([
      "leader.changed 1",
      "top.changed 1",
      "season.closed 1",
      "leader.changed 2",
      "top.changed 2",
    ]);
    answer = 200;
    const failed = postsOf(game).length;
    await drain(game);
    const sent = postsOf(game).slice(failed);
    expect(sent.map((p) => `${p.event.type} ${p.event.season}`)).toEqual([
      "leader.changed 1",
      "top.changed 1",
      "season.closed 1",
      "leader.changed 2",
      "top.changed 2",
    ]);
    expect(sent[2].event).toEqual({ type: "season.closed", game, season: 1, awards: [] });
    expect(sent[3].event).toMatchObject({ leader: { player: "c", score: 9 }, previous: null });
    const { seasons } = await (await call(`/v1/games/${game}/seasons`)).json<{
      seasons: { season: number; webhook?: unknown }[];
    }>();
    expect(seasons.find((s) => s.season === 1)?.webhook).toMatchObject({ delivered: true });
  });

  it("takes the webhook's object form, fills its defaults, and refuses what is out of bounds", async () => {
    const game = uniqueGame("hooks");
    // Through the typed client: the object form is part of the config's type.
    const client = createClient("http://podium.test", {
      key: ADMIN,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
    });
    const res = await client.v1.games[":game"].$put({
      param: { game },
      json: { webhook: { url: "http://127.0.0.1:8788/hook", events: ["top.changed"] } },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { webhook: unknown }).webhook).toEqual({
      url: "http://127.0.0.1:8788/hook",
      events: ["top.changed"],
      top: 3,
      every: 10,
    });
    expect((await configure(game, `${URL_BASE}plain`)).webhook).toBe(`${URL_BASE}plain`);
    const url = `${URL_BASE}x`;
    for (const webhook of [
      { url, events: [] },
      { url, events: ["leader.changed", "leader.changed"] },
      { url, events: ["score.changed"] },
      { url, events: ["top.changed"], top: 0 },
      { url, events: ["top.changed"], top: 101 },
      { url, events: ["top.changed"], every: 0 },
      { url, events: ["top.changed"], every: 1.5 },
      { url, events: ["top.changed"], extra: 1 },
      { url: "http://game.example/hook", events: ["top.changed"] },
      { events: ["top.changed"] },
    ]) {
      const refused = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { webhook } });
      expect(refused.status, JSON.stringify(webhook)).toBe(400);
      expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("invalid_request");
    }
  });
});
