import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, postScores, SCOPED, uniqueGame } from "../support/worker-client";

describe("POST /v1/games/{game}/scores", () => {
  it("accepts one report and ranks it", async () => {
    const game = uniqueGame();
    const res = await postScores(game, { player: "p1", score: 120, ts: 1_700_000_000_000, team: "red" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await board(game)).entries).toEqual([
      { rank: 1, player: "p1", score: 120, ts: 1_700_000_000_000, team: "red" },
    ]);
  });

  it("accepts a batch, ranks by score then earlier ts then player, and fills a missing ts with server time", async () => {
    const game = uniqueGame();
    const before = Date.now();
    const res = await postScores(game, {
      scores: [
        { player: "late", score: 50, ts: 2000 },
        { player: "early", score: 50, ts: 1000 },
        { player: "b", score: 10, ts: 5 },
        { player: "a", score: 10, ts: 5 },
        { player: "now", score: 99 },
      ],
    });
    expect(await res.json()).toEqual({ accepted: 5, duplicates: 0 });
    const { total, entries } = await board(game);
    expect(total).toBe(5);
    expect(entries.map((e) => e.player)).toEqual(["now", "early", "late", "a", "b"]);
    expect(entries[0].ts).toBeGreaterThanOrEqual(before);
  });

  it("acknowledges a repeated id as a duplicate and does not apply it twice", async () => {
    const game = uniqueGame();
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    expect(await (await postScores(game, { player: "p", score: 5, id: "e1" })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    const again = await postScores(game, {
      scores: [
        { player: "p", score: 5, id: "e1" },
        { player: "p", score: 7, id: "e2" },
        { player: "p", score: 7, id: "e2" },
      ],
    });
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 2 });
    expect((await board(game)).entries[0].score).toBe(12);
  });

  it("rejects a batch whole when one report is invalid, with details", async () => {
    const game = uniqueGame();
    const res = await postScores(game, {
      scores: [
        { player: "ok", score: 1 },
        { player: "bad", score: "12" },
      ],
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(error.details).toContainEqual(expect.objectContaining({ path: "scores[1].score" }));
    expect((await call(`/v1/games/${game}/leaderboard`)).status).toBe(404);
  });

  it.each([
    ["missing score", { player: "p" }],
    ["unknown field", { player: "p", score: 1, scroe: 2 }],
    ["score beyond 2^53-1", { player: "p", score: 2 ** 53 }],
    ["control character in player", { player: "a\u0007b", score: 1 }],
    ["player of 129 characters", { player: "x".repeat(129), score: 1 }],
    ["empty player", { player: "", score: 1 }],
    ["negative ts", { player: "p", score: 1, ts: -1 }],
    ["fractional ts", { player: "p", score: 1, ts: 1.5 }],
    ["ts two days ahead", { player: "p", score: 1, ts: Date.now() + 2 * 86_400_000 }],
    ["empty batch", { scores: [] }],
    ["batch of 1001", { scores: Array.from({ length: 1001 }, (_, i) => ({ player: `p${i}`, score: i })) }],
    ["not an object", [1, 2]],
  ])("answers 400 for %s", async (_, body) => {
    const res = await postScores(uniqueGame(), body);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_request");
  });

  it("accepts 128-character and emoji player names", async () => {
    const game = uniqueGame();
    const long = "😀".repeat(128);
    expect((await postScores(game, { player: long, score: 1 })).status).toBe(200);
    expect((await board(game)).entries[0].player).toBe(long);
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await call(`/v1/games/${uniqueGame()}/scores`, {
      method: "POST",
      key: INGEST,
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    await errorOf(res);
  });

  it("answers 400 for a bad game name", async () => {
    const res = await postScores("no spaces!", { player: "p", score: 1 });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toContainEqual(expect.objectContaining({ path: "game" }));
  });

  it("refuses game names of only dots, which URLs would normalize away", async () => {
    const res = await postScores("...", { player: "a", score: 1 });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/not only dots/);
    expect((await postScores("a.b..", { player: "a", score: 1 })).status).toBe(200);
  });

  it("compares players, teams and ids after NFC normalization", async () => {
    const game = uniqueGame();
    const [nfc, nfd] = ["caf\u00e9", "cafe\u0301"];
    expect(await (await postScores(game, { player: nfc, score: 1, team: nfd, id: nfc })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(await (await postScores(game, { player: nfd, score: 5, id: nfd })).json()).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    await postScores(game, { player: nfd, score: 7 });
    const { entries, total } = await board(game);
    expect(total).toBe(1);
    expect(entries[0]).toMatchObject({ player: nfc, score: 7, team: nfc });
    const standing = await call(`/v1/games/${game}/players/${encodeURIComponent(nfd)}`);
    expect(standing.status).toBe(200);
    expect((await standing.json<{ player: string }>()).player).toBe(nfc);
  });

  it("answers 401 without a key or with a wrong one", async () => {
    const game = uniqueGame();
    for (const key of ["", "nope"]) {
      const res = await postScores(game, { player: "p", score: 1 }, key);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("unauthorized");
    }
  });

  it("answers 403 when a scoped key writes to another game, and 200 inside its scope", async () => {
    const denied = await postScores(uniqueGame("other"), { player: "p", score: 1 }, SCOPED);
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).code).toBe("forbidden");
    expect((await postScores(uniqueGame("scoped"), { player: "p", score: 1 }, SCOPED)).status).toBe(200);
    expect((await postScores("solo", { player: "p", score: 1 }, SCOPED)).status).toBe(200);
  });

  it("admin keys may ingest too", async () => {
    expect((await postScores(uniqueGame(), { player: "p", score: 1 }, ADMIN)).status).toBe(200);
  });

  it("answers 415 for a non-JSON content type", async () => {
    const res = await call(`/v1/games/${uniqueGame()}/scores`, {
      method: "POST",
      key: INGEST,
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ player: "p", score: 1 }),
    });
    expect(res.status).toBe(415);
    const error = await errorOf(res);
    expect(error.code).toBe("unsupported_media_type");
    expect(error.message).toBe("this route takes JSON: send Content-Type: application/json (got text/plain)");
    const bare = await call(`/v1/games/${uniqueGame()}/scores`, {
      method: "POST",
      key: INGEST,
      body: new TextEncoder().encode("player=p"),
    });
    expect((await errorOf(bare)).message).toBe(
      "this route takes JSON: send Content-Type: application/json (got no Content-Type)",
    );
  });

  it("answers 413 for a body over 1 MiB", async () => {
    const res = await call(`/v1/games/${uniqueGame()}/scores`, {
      method: "POST",
      key: INGEST,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scores: [{ player: "p", score: 1, id: "x".repeat(1_100_000) }] }),
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("rejects a sum that would pass 2^53-1 and changes nothing", async () => {
    const game = uniqueGame();
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    await postScores(game, { player: "p", score: Number.MAX_SAFE_INTEGER - 1 });
    const res = await postScores(game, {
      scores: [
        { player: "q", score: 3 },
        { player: "p", score: 2 },
      ],
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("score_out_of_range");
    expect((await board(game)).entries).toHaveLength(1);
  });
});

describe("names that would display as something else, or as nothing", () => {
  it("refuses bidi overrides and isolates, and names of only blanks or invisible characters", async () => {
    const game = uniqueGame("names");
    const blank = [
      "   ",
      "\u200b",
      "\u200b\u2060\ufeff",
      "\u00a0\u3000",
      "\u3164",
      "\uffa0",
      "\u2800",
      "\u034f",
      "\ufe0f",
    ];
    for (const player of [...blank, "\u0301\u0301", "ab\u202Ecd", "\u2067admin\u2069"]) {
      const res = await postScores(game, { player, score: 1 });
      expect(res.status, JSON.stringify(player)).toBe(400);
    }
    const profile = await call(`/v1/games/${game}/players/a/profile`, {
      method: "PUT",
      key: INGEST,
      json: { name: "\u202Enimda" },
    });
    expect(profile.status).toBe(400);
    // Spaces, joiners and marks inside a visible name are fine.
    for (const player of [" ana ", "x\u200dy", "café", "cafe\u0301", "ملك", "कि", "👍\ufe0f"]) {
      expect((await postScores(game, { player, score: 1 })).status, JSON.stringify(player)).toBe(200);
    }
  });
});
