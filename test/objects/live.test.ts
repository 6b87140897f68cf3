import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Spectator, until, watch } from "../support/spectator";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const configure = (game: string, config: object) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });

async function top(game: string, limit: number) {
  const res = await call(`/v1/games/${game}/leaderboard?limit=${limit}`);
  const body = await res.json<{ total: number; entries: { rank: number; player: string; score: number }[] }>();
  return { total: body.total, entries: body.entries.map(({ rank, player, score }) => ({ rank, player, score })) };
}

/** Waits until no message arrives for a while, then compares the spectator with the true board. */
async function settled(spectator: Spectator, expected: () => Promise<unknown>, total: () => Promise<number>) {
  let seen = -1;
  await until(() => {
    const stable = spectator.messages.length === seen;
    seen = spectator.messages.length;
    return stable;
  }, 5000).catch(() => {});
  await new Promise((r) => setTimeout(r, 150));
  expect(spectator.gap).toBe(false);
  expect(spectator.ranked).toEqual(await expected());
  expect(spectator.board?.total).toBe(await total());
  const seqs = spectator.messages.map((m) => m.seq);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
}

describe("live spectators", () => {
  it("snapshot plus updates converge on the true board after random batches, without seq gaps", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              player: fc.constantFrom(...[..."abcdefghijklmnopqrstuvwxyz"]),
              score: fc.integer({ min: 0, max: 30 }),
            }),
            {
              minLength: 1,
              maxLength: 30,
            },
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom("first", "shared"),
        async (batches, ties) => {
          const game = uniqueGame("live");
          await configure(game, { liveEvery: 100, ties });
          await postScores(game, { player: "seed", score: 15 });
          const [plain, follower] = [await watch(game, "?limit=5"), await watch(game, "?limit=3&player=seed&around=1")];
          for (const scores of batches) {
            expect((await postScores(game, { scores })).status).toBe(200);
          }
          await settled(
            plain,
            async () => (await top(game, 5)).entries,
            async () => (await top(game, 1)).total,
          );
          const followed = async () => {
            const board = await top(game, 1000);
            const at = board.entries.findIndex((e) => e.player === "seed");
            return board.entries.filter((_, i) => i < 3 || Math.abs(i - at) <= 1);
          };
          await settled(follower, followed, async () => (await top(game, 1)).total);
          expect(follower.board?.entries.has("seed")).toBe(true);
          plain.socket.close();
          follower.socket.close();
        },
      ),
      { numRuns: 8 },
    );
  }, 60_000);

  it("reports a leaver as {player, rank: null}", async () => {
    const game = uniqueGame("live");
    await postScores(game, {
      scores: [
        { player: "a", score: 3 },
        { player: "b", score: 2 },
        { player: "c", score: 1 },
      ],
    });
    const spectator = await watch(game, "?limit=2");
    await postScores(game, { player: "c", score: 10 });
    await until(() => spectator.updates === 1);
    const update = spectator.messages[1];
    expect(update).toMatchObject({ type: "update", seq: spectator.messages[0].seq + 1, total: 3 });
    expect(update.entries).toEqual(
      expect.arrayContaining([
        { player: "b", rank: null },
        expect.objectContaining({ player: "c", rank: 1, score: 10 }),
        expect.objectContaining({ player: "a", rank: 2 }),
      ]),
    );
    expect(update.entries).toHaveLength(3);
  });

  it("coalesces: 200 batches in under a second give at most ~11 updates per socket", async () => {
    const game = uniqueGame("live");
    await configure(game, {}); // a game must exist to be watched
    const spectators = [await watch(game), await watch(game), await watch(game, "?limit=50")];
    const started = Date.now();
    for (let i = 0; i < 200; i++) await postScores(game, { player: `p${i % 37}`, score: i });
    const elapsed = Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
    for (const s of spectators) {
      expect(s.updates).toBeGreaterThan(0);
      expect(s.updates).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
      expect(s.gap).toBe(false);
    }
    if (elapsed < 1000) expect(Math.max(...spectators.map((s) => s.updates))).toBeLessThanOrEqual(12);
    expect(spectators[0].ranked).toEqual((await top(game, 15)).entries);
  });

  it("after the object hibernates, every spectator gets a correct update with the next seq", async () => {
    const game = uniqueGame("live");
    await postScores(game, {
      scores: [
        { player: "a", score: 1 },
        { player: "b", score: 2 },
      ],
    });
    const spectators = [await watch(game), await watch(game), await watch(game, "?player=a&limit=1")];
    await postScores(game, { player: "c", score: 3 });
    await until(() => spectators.every((s) => s.updates === 1));
    const seqs = spectators.map((s) => s.messages.at(-1)?.seq);
    await evictDurableObject(env.BOARD.getByName(game), { webSockets: "hibernate" });
    await postScores(game, { player: "a", score: 9 });
    await until(() => spectators.every((s) => s.updates === 2));
    expect(spectators.map((s) => s.messages.at(-1)?.seq)).toEqual(seqs.map((seq) => (seq as number) + 1));
    expect(spectators[0].ranked).toEqual((await top(game, 15)).entries);
    expect(spectators[2].ranked.map((e) => e.player)).toEqual(["a", "c", "b"]);
    expect(spectators.every((s) => !s.gap && s.closed === undefined)).toBe(true);
  });

  it("stays consistent when the object is evicted with an update pending", async () => {
    const game = uniqueGame("live");
    await configure(game, { liveEvery: 5000 });
    await postScores(game, { player: "a", score: 1 });
    const spectator = await watch(game);
    await postScores(game, { player: "b", score: 5 }); // sent at once: the first update is not delayed
    await until(() => spectator.updates === 1);
    await postScores(game, { player: "c", score: 3 }); // pending for 5 s when the object goes
    await evictDurableObject(env.BOARD.getByName(game), { webSockets: "hibernate" });
    await postScores(game, { player: "d", score: 2 });
    await until(() => spectator.ranked.length === 4, 12_000);
    expect(spectator.gap).toBe(false);
    expect(spectator.ranked).toEqual((await top(game, 15)).entries);
    expect(spectator.ranked.map((e) => e.player)).toEqual(["b", "c", "d", "a"]);
  }, 20_000);

  it("answers ping with pong and closes a socket that sends anything else", async () => {
    const game = uniqueGame("live");
    await configure(game, {});
    const spectator = await watch(game);
    spectator.socket.send("ping");
    await until(() => spectator.texts.includes("pong"));
    spectator.socket.send("hello");
    await until(() => spectator.closed !== undefined);
    expect(spectator.closed?.code).toBe(1008);
    expect(spectator.closed?.reason).toMatch(/ping/);
  });

  it("refuses spectators over the game's limit with 429 before the upgrade", async () => {
    const game = uniqueGame("live");
    await configure(game, { maxSpectators: 2 });
    await watch(game);
    await watch(game);
    const res = await exports.default.fetch(`http://podium.test/v1/games/${game}/live`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(429);
    expect(res.webSocket).toBeNull();
    expect((await errorOf(res)).code).toBe("too_many_spectators");
  });

  it("refuses a new distinct view over maxViews with 429, while sockets may still join existing views", async () => {
    const game = uniqueGame("live");
    await configure(game, { maxViews: 3 });
    await postScores(game, { player: "a", score: 1 });
    await watch(game);
    await watch(game, "?player=a");
    await watch(game, "?player=nobody");
    const res = await exports.default.fetch(`http://podium.test/v1/games/${game}/live?player=someone-else`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(429);
    expect(res.webSocket).toBeNull();
    expect((await errorOf(res)).code).toBe("too_many_views");
    const joined = await watch(game, "?player=nobody");
    expect(joined.board?.entries.size).toBe(1);
    // Views following made-up players cannot lock anyone out of a board's plain top.
    for (const query of ["?limit=5", "?board=teams"]) expect((await watch(game, query)).board).toBeDefined();
    const country = await exports.default.fetch(`http://podium.test/v1/games/${game}/live?country=TR`, {
      headers: { upgrade: "websocket" },
    });
    expect(country.status).toBe(429);
  });

  it("saves view states when updates pause, not after every update", async () => {
    const game = uniqueGame("live");
    await configure(game, { liveEvery: 100 });
    await postScores(game, { player: "a", score: 1 });
    const spectator = await watch(game);
    const savedSeq = () =>
      runInDurableObject(env.BOARD.getByName(game), (_, state) =>
        state.storage.sql
          .exec<{ seq: number }>("SELECT seq FROM live_views")
          .toArray()
          .map((r) => r.seq),
      );
    await sleep(1100); // the first save
    expect(await savedSeq()).toEqual([0]);
    for (let i = 0; i < 5; i++) {
      await postScores(game, { player: "a", score: 10 + i });
      await until(() => spectator.updates === i + 1);
    }
    // Five updates sent, none saved yet: saving waits for a pause.
    expect(await savedSeq()).toEqual([0]);
    await sleep(1100);
    expect(await savedSeq()).toEqual([5]);
  });

  it.each(["?limit=0", "?limit=101", "?limit=x", "?colour=red", "?around=11", `?player=${"x".repeat(129)}`])(
    "answers 400 before the upgrade for %s",
    async (query) => {
      const res = await exports.default.fetch(`http://podium.test/v1/games/g1/live${query}`, {
        headers: { upgrade: "websocket" },
      });
      expect(res.status).toBe(400);
      await errorOf(res);
    },
  );

  it("answers a plain GET with 426 in the error envelope", async () => {
    const res = await call("/v1/games/g1/live");
    expect(res.status).toBe(426);
    expect((await errorOf(res)).code).toBe("upgrade_required");
  });
});
