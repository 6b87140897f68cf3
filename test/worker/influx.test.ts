import { describe, expect, it } from "vitest";
import { board, call, INGEST, SCOPED, uniqueGame } from "../support/worker-client";

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** An Influx-style error: Influx's code and message on top, the usual envelope beside them. */
async function influxError(res: Response) {
  const body = (await res.json()) as { code: string; message: string; error: { code: string; message: string } };
  expect(typeof body.code).toBe("string");
  expect(body.message).toBe(body.error.message);
  return body;
}

describe("Influx-compatible writes", () => {
  it("2.x: takes the game from the bucket for lines without a game tag, with Token auth", async () => {
    const [bucket, tagged] = [uniqueGame("bucket"), uniqueGame("tagged")];
    const res = await call(`/api/v2/write?org=podium&bucket=${bucket}&precision=ms`, {
      method: "POST",
      headers: { authorization: `Token ${INGEST}`, "content-type": "text/plain; charset=utf-8" },
      body: `scores,player=p1 value=120 1700000000000\nscores,game=${tagged},player=p2 value=7 1700000000001`,
    });
    expect(res.status).toBe(204);
    expect((await board(bucket)).entries).toEqual([{ rank: 1, player: "p1", score: 120, ts: 1_700_000_000_000 }]);
    expect((await board(tagged)).entries).toEqual([{ rank: 1, player: "p2", score: 7, ts: 1_700_000_000_001 }]);
  });

  it("1.x: takes db, Influx's units, and the key as Basic password or as p", async () => {
    const db = uniqueGame("db");
    const basic = await call(`/write?db=${db}&precision=h`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`anyone:${INGEST}`)}` },
      body: "scores,player=a value=1 472222",
    });
    expect(basic.status).toBe(204);
    expect((await board(db)).entries[0]).toMatchObject({ player: "a", ts: 472_222 * 3_600_000 });
    const query = await call(`/write?db=${db}&u=anyone&p=${INGEST}&precision=s`, {
      method: "POST",
      body: "scores,player=b value=2 1700000000",
    });
    expect(query.status).toBe(204);
    expect((await board(db)).total).toBe(2);
  });

  it("takes gzip bodies", async () => {
    const game = uniqueGame("gz");
    const lines = Array.from({ length: 500 }, (_, i) => `scores,game=${game},player=p${i} value=${i}`).join("\n");
    const res = await call("/api/v2/write?bucket=unused", {
      method: "POST",
      headers: { authorization: `Token ${INGEST}`, "content-encoding": "gzip" },
      body: await gzip(lines),
    });
    expect(res.status).toBe(204);
    expect((await board(game)).total).toBe(500);
  });

  it("answers errors as Influx clients read them, with the envelope beside", async () => {
    const unauthorized = await call("/api/v2/write?bucket=x", { method: "POST", body: "scores,player=a value=1" });
    expect(unauthorized.status).toBe(401);
    expect((await influxError(unauthorized)).code).toBe("unauthorized");

    const game = uniqueGame("bad");
    const invalid = await call(`/api/v2/write?bucket=${game}`, {
      method: "POST",
      headers: { authorization: `Token ${INGEST}` },
      body: "scores,player=a value=1\nscores,player=b value=abc",
    });
    expect(invalid.status).toBe(400);
    const body = await influxError(invalid);
    expect(body.code).toBe("invalid");
    expect(body.error.code).toBe("invalid_line_protocol");
    expect(body.message).toContain("line 2");
    expect((await call(`/v1/games/${game}`)).status).toBe(404);

    const noGame = await call("/api/v2/write", {
      method: "POST",
      headers: { authorization: `Token ${INGEST}` },
      body: "scores,player=a value=1",
    });
    expect((await influxError(noGame)).message).toContain("tag game is missing");

    const forbidden = await call(`/write?db=${uniqueGame("other")}`, {
      method: "POST",
      headers: { authorization: `Token ${SCOPED}` },
      body: "scores,player=a value=1",
    });
    expect(forbidden.status).toBe(403);
    expect((await influxError(forbidden)).code).toBe("forbidden");

    const brokenGzip = await call("/write?db=x", {
      method: "POST",
      headers: { authorization: `Token ${INGEST}`, "content-encoding": "gzip" },
      body: "not gzip at all",
    });
    expect(brokenGzip.status).toBe(400);
    await influxError(brokenGzip);
    const badPrecision = await call("/api/v2/write?bucket=x&precision=h", {
      method: "POST",
      headers: { authorization: `Token ${INGEST}` },
      body: "scores,player=a value=1 1",
    });
    expect(badPrecision.status).toBe(400);
    expect((await influxError(badPrecision)).code).toBe("invalid");
  });

  it("refuses a gzip body that inflates past the limit with 413", async () => {
    const bomb = await gzip(`${"#".repeat(6 * 1024 * 1024)}\n`);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const res = await call("/write?db=x", {
      method: "POST",
      headers: { authorization: `Token ${INGEST}`, "content-encoding": "gzip" },
      body: bomb,
    });
    expect(res.status).toBe(413);
    expect((await influxError(res)).code).toBe("request too large");
  });
});
