import { HttpError, InfluxDB, Point } from "@influxdata/influxdb-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DevServer, INGEST_KEY } from "../support/dev-server";

// The official InfluxDB 2.x client writing to `wrangler dev` as if it were
// InfluxDB: only the URL and the token change.
const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

const leaderboard = async (game: string) =>
  (await (await fetch(`${server.url}/v1/games/${game}/leaderboard?limit=1000`)).json()) as {
    total: number;
    entries: { rank: number; player: string; score: number; ts: number; team?: string }[];
  };

it("takes points from @influxdata/influxdb-client, gzipped, into the bucket's game and tagged games", async () => {
  const influx = new InfluxDB({ url: server.url, token: INGEST_KEY });
  // A low gzip threshold: every flush goes compressed, as big batches do by default.
  const writer = influx.getWriteApi("podium", "influx-bucket", "ms", { gzipThreshold: 64, maxRetries: 0 });
  const t = 1_700_000_000_000;
  for (let i = 0; i < 300; i++) {
    writer.writePoint(
      new Point("scores")
        .tag("player", `p${i}`)
        .floatField("value", i * 10)
        .timestamp(t + i),
    );
  }
  writer.writePoint(
    new Point("scores").tag("game", "influx-tagged").tag("player", "solo").tag("team", "red").intField("score", 42),
  );
  await writer.close();

  const bucket = await leaderboard("influx-bucket");
  const tagged = await leaderboard("influx-tagged");
  console.log(
    `influx client: wrote 301 points; influx-bucket has ${bucket.total} players, leader ` +
      `${JSON.stringify(bucket.entries[0])}; influx-tagged: ${JSON.stringify(tagged.entries)}`,
  );
  expect(bucket.total).toBe(300);
  expect(bucket.entries[0]).toEqual({ rank: 1, player: "p299", score: 2990, ts: t + 299 });
  expect(tagged.entries).toEqual([{ rank: 1, player: "solo", score: 42, ts: expect.any(Number), team: "red" }]);
});

it("surfaces Podium's refusals through the client's own error type", async () => {
  const influx = new InfluxDB({ url: server.url, token: INGEST_KEY });
  const writer = influx.getWriteApi("podium", "influx-errors", "ms", { maxRetries: 0 });
  writer.writeRecord("scores,player=a value=oops");
  const error = await writer.close().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  const http = error as HttpError;
  console.log(`influx client: refused with ${http.statusCode} ${http.code}: ${JSON.stringify(http.json?.message)}`);
  expect(http.statusCode).toBe(400);
  expect(http.code).toBe("invalid");
  expect(http.json.error.code).toBe("invalid_line_protocol");

  const wrongKey = new InfluxDB({ url: server.url, token: "not-a-key" }).getWriteApi("podium", "x", "ms", {
    maxRetries: 0,
  });
  wrongKey.writeRecord("scores,player=a value=1");
  const denied = (await wrongKey.close().catch((e: unknown) => e)) as HttpError;
  expect(denied.statusCode).toBe(401);
  expect(denied.code).toBe("unauthorized");
});
