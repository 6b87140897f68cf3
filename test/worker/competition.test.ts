import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

// Opening hours, joins and attempts (docs/api.md, "Competitions"): what each gate refuses, that a refused
// batch applies nothing, and that joins and attempts last one season.

async function configure(game: string, config: Record<string, unknown>) {
  const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });
  expect(res.status, await res.clone().text()).toBe(200);
}

const join = (game: string, player: string, key = INGEST) =>
  call(`/v1/games/${game}/players/${encodeURIComponent(player)}/join`, { method: "POST", key });

const standing = async (game: string, player: string) =>
  (await call(`/v1/games/${game}/players/${encodeURIComponent(player)}`)).json<Record<string, unknown>>();

describe("opening hours", () => {
  it("refuses reports and results outside the window with game_closed, applying nothing", async () => {
    const game = uniqueGame("open");
    const now = Date.now();
    await configure(game, { open: { from: now + 3_600_000 } });
    const early = await postScores(game, { scores: [{ player: "a", score: 1 }] });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).code).toBe("game_closed");
    const results = await call(`/v1/games/${game}/results`, {
      method: "POST",
      key: INGEST,
      json: { winner: "a", loser: "b" },
    });
    expect(results.status).toBe(409);
    expect((await errorOf(results)).code).toBe("game_closed");
    expect((await board(game)).total).toBe(0);

    await configure(game, { open: { from: now - 1000, to: now + 3_600_000 } });
    expect((await postScores(game, { player: "a", score: 1 })).status).toBe(200);
    await configure(game, { open: { to: now - 1 } });
    const late = await postScores(game, { player: "b", score: 2 });
    expect(late.status).toBe(409);
    expect((await errorOf(late)).message).toContain("closed at");
    expect((await board(game)).entries.map((e) => e.player)).toEqual(["a"]);
    await configure(game, { open: null });
    expect((await postScores(game, { player: "b", score: 2 })).status).toBe(200);
  });

  it("refuses opening hours that end before they start", async () => {
    const res = await call(`/v1/games/${uniqueGame("open")}`, {
      method: "PUT",
      key: ADMIN,
      json: { open: { from: 2000, to: 1000 } },
    });
    expect(res.status).toBe(400);
  });
});

describe("joining", () => {
  it("refuses reports of players who have not joined, naming them; nothing of the batch applies", async () => {
    const game = uniqueGame("join");
    await configure(game, { join: true });
    const joined = await join(game, "ana");
    expect(joined.status).toBe(200);
    const first = await joined.json<{ joinedAt: number }>();
    expect(first).toMatchObject({ player: "ana", season: 1, rank: null, score: null, total: 0 });
    const res = await postScores(game, {
      scores: [
        { player: "ana", score: 5 },
        { player: "bo", score: 7 },
        { player: "cy", score: 1 },
      ],
    });
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error.code).toBe("not_joined");
    expect(error.details).toEqual([
      { index: 1, player: "bo", reason: "has not joined this season" },
      { index: 2, player: "cy", reason: "has not joined this season" },
    ]);
    expect((await board(game)).total).toBe(0);
    expect((await postScores(game, { player: "ana", score: 5 })).status).toBe(200);
    // Joining again keeps the first join and shows where the player stands.
    const again = await (await join(game, "ana")).json<Record<string, unknown>>();
    expect(again).toMatchObject({ rank: 1, score: 5, total: 1, joinedAt: first.joinedAt });
  });

  it("holds results to joins too", async () => {
    const game = uniqueGame("join");
    await configure(game, { join: true, rating: "wins" });
    await join(game, "a");
    const res = await call(`/v1/games/${game}/results`, {
      method: "POST",
      key: INGEST,
      json: { winner: "a", loser: "b" },
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).details).toEqual([{ index: 0, player: "b", reason: "has not joined this season" }]);
    await join(game, "b");
    const ok = await call(`/v1/games/${game}/results`, {
      method: "POST",
      key: INGEST,
      json: { winner: "a", loser: "b" },
    });
    expect(ok.status).toBe(200);
    expect((await board(game)).entries.map((e) => [e.player, e.score])).toEqual([
      ["a", 1],
      ["b", 0],
    ]);
  });

  it("lets a player's own token join it, and no other", async () => {
    const game = uniqueGame("join");
    await configure(game, { join: true });
    const mint = await call(`/v1/games/${game}/tokens`, { method: "POST", key: INGEST, json: { player: "ana" } });
    const { token } = await mint.json<{ token: string }>();
    expect((await join(game, "bo", token)).status).toBe(403);
    expect((await join(game, "ana", token)).status).toBe(200);
    expect((await join(game, "ana")).status).toBe(200);
    expect((await call(`/v1/games/${game}/players/ana/join`, { method: "POST" })).status).toBe(401);
  });

  it("counts joins against maxPlayers", async () => {
    const game = uniqueGame("join");
    await configure(game, { join: true, maxPlayers: 2 });
    expect((await join(game, "a")).status).toBe(200);
    expect((await postScores(game, { player: "a", score: 1 })).status).toBe(200);
    expect((await join(game, "b")).status).toBe(200);
    const full = await join(game, "c");
    expect(full.status).toBe(409);
    expect((await errorOf(full)).code).toBe("board_full");
    // A player already on the board, or already joined, takes no new place.
    expect((await join(game, "a")).status).toBe(200);
    expect((await join(game, "b")).status).toBe(200);
  });

  it("empties the joins when the season closes", async () => {
    const game = uniqueGame("join");
    await configure(game, { join: true });
    await join(game, "a");
    expect((await postScores(game, { player: "a", score: 1 })).status).toBe(200);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    const res = await postScores(game, { player: "a", score: 2 });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("not_joined");
    const again = await (await join(game, "a")).json<Record<string, unknown>>();
    expect(again.season).toBe(2);
    expect((await postScores(game, { player: "a", score: 2 })).status).toBe(200);
  });
});

describe("attempts", () => {
  it("refuses reports beyond maxAttempts, naming them; duplicates are no attempts", async () => {
    const game = uniqueGame("tries");
    await configure(game, { maxAttempts: 3 });
    const two = await postScores(game, {
      scores: [
        { player: "a", score: 1, id: "x1" },
        { player: "b", score: 1 },
        { player: "a", score: 2, id: "x2" },
      ],
    });
    expect(two.status).toBe(200);
    expect(await standing(game, "a")).toMatchObject({ attempts: 2, attemptsLeft: 1 });
    // Resent with their ids, the reports apply once and cost nothing.
    const again = await postScores(game, {
      scores: [
        { player: "a", score: 1, id: "x1" },
        { player: "a", score: 2, id: "x2" },
      ],
    });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 2 });
    const over = await postScores(game, {
      scores: [
        { player: "b", score: 5 },
        { player: "a", score: 3 },
        { player: "a", score: 4 },
        { player: "a", score: 5 },
      ],
    });
    expect(over.status).toBe(409);
    const error = await errorOf(over);
    expect(error.code).toBe("attempts_exhausted");
    expect(error.details).toEqual([
      { index: 2, player: "a", reason: "attempt 4 of at most 3 this season" },
      { index: 3, player: "a", reason: "attempt 5 of at most 3 this season" },
    ]);
    expect(await standing(game, "b")).toMatchObject({ score: 1, attempts: 1, attemptsLeft: 2 });
    expect((await postScores(game, { player: "a", score: 3 })).status).toBe(200);
    expect(await standing(game, "a")).toMatchObject({ score: 3, attempts: 3, attemptsLeft: 0 });
    expect((await postScores(game, { player: "a", score: 9 })).status).toBe(409);
    // A new season gives every player its attempts back.
    await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
    expect((await postScores(game, { player: "a", score: 9 })).status).toBe(200);
    expect(await standing(game, "a")).toMatchObject({ attempts: 1, attemptsLeft: 2 });
  });

  it("shows attempts on a join and not on games without maxAttempts", async () => {
    const game = uniqueGame("tries");
    await configure(game, { join: true, maxAttempts: 2 });
    expect(await (await join(game, "a")).json()).toMatchObject({ attempts: 0, attemptsLeft: 2 });
    const plain = uniqueGame("plain");
    await postScores(plain, { player: "a", score: 1 });
    expect(await standing(plain, "a")).not.toHaveProperty("attempts");
  });

  it("holds across batches sent at once: no player passes its attempts", async () => {
    const game = uniqueGame("tries");
    const most = 5;
    await configure(game, { maxAttempts: most });
    const players = ["a", "b", "c", "d"];
    const batches = Array.from({ length: 24 }, (_, k) => ({
      scores: players.slice(0, 1 + (k % players.length)).map((player, i) => ({ player, score: k * 10 + i })),
    }));
    const answers = await Promise.all(batches.map((batch) => postScores(game, batch)));
    const sent = new Map<string, number>();
    for (const [k, res] of answers.entries()) {
      expect([200, 409]).toContain(res.status);
      if (res.status !== 200) continue;
      for (const { player } of batches[k].scores) sent.set(player, (sent.get(player) ?? 0) + 1);
    }
    for (const player of players) {
      const applied = sent.get(player) ?? 0;
      expect(applied, player).toBeLessThanOrEqual(most);
      // The batches race: when every batch with a player came after a's attempts ran out, it never reached the board.
      const read = await standing(game, player);
      if (applied === 0) expect(read).toMatchObject({ error: { code: "player_not_found" } });
      else expect(read).toMatchObject({ attempts: applied, attemptsLeft: most - applied });
    }
    expect(sent.get("a")).toBe(most);
  });
});

describe("the typed client", () => {
  it("sets the gates, joins a player and reads its attempts", async () => {
    const fetchWorker: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
    const admin = createClient("http://podium.test", { key: ADMIN, fetch: fetchWorker });
    const game = uniqueGame("client");
    const games = admin.v1.games[":game"];
    const put = await games.$put({ param: { game }, json: { join: true, maxAttempts: 2, open: { from: 0 } } });
    expect(put.status).toBe(200);
    const joined = await games.players[":player"].join.$post({ param: { game, player: "ana" } });
    if (joined.status !== 200) throw new Error(`join answered ${joined.status}`);
    const body = await joined.json();
    expect([body.player, body.rank, body.attemptsLeft]).toEqual(["ana", null, 2]);
    expect((await games.scores.$post({ param: { game }, json: { player: "ana", score: 3 } })).status).toBe(200);
    const standing = await games.players[":player"].$get({ param: { game, player: "ana" }, query: {} });
    if (standing.status !== 200) throw new Error(`standing answered ${standing.status}`);
    expect((await standing.json()).attemptsLeft).toBe(1);
  });
});
