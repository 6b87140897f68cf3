import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, INGEST, SCOPED, uniqueGame } from "../support/worker-client";

const write = (body: string, query = "", key = INGEST, type = "text/plain; charset=utf-8") =>
  call(`/v1/write${query}`, { method: "POST", key, headers: { "content-type": type }, body });

describe("POST /v1/write (line protocol)", () => {
  it("applies lines for several games, as Kapacitor sends them, and answers 204", async () => {
    const [g1, g2] = [uniqueGame(), uniqueGame()];
    const res = await write(
      [
        `scores,game=${g1},player=p1 value=120 1700000000000000000`,
        `scores,game=${g2},player=p1,team=red score=7i 1700000000001000000`,
        `scores,game=${g1},player=p\\ 2 value=130 1700000000002000000`,
      ].join("\n"),
    );
    expect(res.status).toBe(204);
    expect((await board(g1)).entries).toEqual([
      { rank: 1, player: "p 2", score: 130, ts: 1_700_000_000_002 },
      { rank: 2, player: "p1", score: 120, ts: 1_700_000_000_000 },
    ]);
    expect((await board(g2)).entries).toEqual([
      { rank: 1, player: "p1", score: 7, ts: 1_700_000_000_001, team: "red" },
    ]);
  });

  it("honours precision", async () => {
    const game = uniqueGame();
    expect((await write(`scores,game=${game},player=a value=1 1700000000`, "?precision=s")).status).toBe(204);
    expect((await board(game)).entries[0].ts).toBe(1_700_000_000_000);
    expect((await write(`scores,game=${game},player=a value=1 1`, "?precision=hours")).status).toBe(400);
  });

  it("rejects the whole body with the bad line numbers, applying nothing", async () => {
    const game = uniqueGame();
    const res = await write(
      [
        `scores,game=${game},player=ok value=1`,
        "scores,player=nogame value=2",
        `scores,game=${game},player=x value=abc`,
      ].join("\n"),
    );
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_line_protocol");
    expect(error.details?.map((d) => (d as { line: number }).line)).toEqual([2, 3]);
    expect((await call(`/v1/games/${game}/leaderboard`)).status).toBe(404);
  });

  it("answers 403 when a scoped key sends a line for a game outside its scope, applying nothing", async () => {
    const allowed = uniqueGame("scoped");
    const res = await write(
      [`scores,game=${allowed},player=a value=1`, `scores,game=${uniqueGame("other")},player=a value=1`].join("\n"),
      "",
      SCOPED,
    );
    expect(res.status).toBe(403);
    expect((await call(`/v1/games/${allowed}/leaderboard`)).status).toBe(404);
  });

  it("answers 401 without a key and 415 for JSON", async () => {
    expect((await write("scores,game=g,player=a value=1", "", "")).status).toBe(401);
    const res = await write("scores,game=g,player=a value=1", "", INGEST, "application/json");
    expect(res.status).toBe(415);
    await errorOf(res);
  });

  it("refuses a body naming more than 100 games, creating none of them", async () => {
    const prefix = uniqueGame("fan");
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `scores,game=${prefix}-${i},player=a value=1`);
    const res = await write(lines(101).join("\n"));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("too_many_games");
    expect(error.message).toContain("100");
    for (const i of [0, 50, 100]) expect((await call(`/v1/games/${prefix}-${i}`)).status).toBe(404);
    expect((await write(lines(100).join("\n"))).status).toBe(204);
    expect((await board(`${prefix}-99`)).total).toBe(1);
  });

  it("applies each game's lines atomically and says which games applied when one refuses", async () => {
    const [ok, full] = [uniqueGame(), uniqueGame()];
    await call(`/v1/games/${full}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    expect((await write(`scores,game=${full},player=a value=9007199254740990`)).status).toBe(204);
    const res = await write(
      [
        `scores,game=${ok},player=a value=1`,
        `scores,game=${full},player=b value=5`,
        `scores,game=${full},player=a value=5`,
        `scores,game=${ok},player=b value=2`,
      ].join("\n"),
    );
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("score_out_of_range");
    expect(error.details).toEqual([
      { game: ok, applied: true },
      { game: full, applied: false, code: "score_out_of_range", message: expect.any(String) },
    ]);
    expect((await board(ok)).total).toBe(2);
    // Nothing of the refused game's lines applied, not even its valid first line.
    expect((await board(full)).entries).toEqual([
      { rank: 1, player: "a", score: 9007199254740990, ts: expect.any(Number) },
    ]);
  });

  it("refuses a line with more than 64 tags", async () => {
    const game = uniqueGame();
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `,t${i}=v`).join("");
    expect((await write(`scores,game=${game},player=a${tags(62)} value=1`)).status).toBe(204);
    const res = await write(`scores,game=${game},player=a${tags(100_000)} value=1`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("more than 64 tags");
  });
});
