import { describe, expect, it } from "vitest";
import { roomInWindow } from "../support/rate-window";
import { ADMIN, call, errorOf, INGEST, postScores, SCOPED, uniqueGame } from "../support/worker-client";

// Runs in its own project, whose wrangler config binds INGEST_LIMIT at 5 requests per 10 s (vitest.config.ts).
const LIMIT = 5;

describe("the optional per-ingest-key rate limit", () => {
  it("holds each ingest key to INGEST_LIMIT (429 with Retry-After) on JSON and Influx writes alike; other keys count apart", async () => {
    const game = uniqueGame("scoped-limit");
    // The binding counts in fixed windows of its period: the budget is spent inside one.
    await roomInWindow(10, 5000);
    for (let i = 0; i < LIMIT; i++) expect((await postScores(game, { player: "a", score: i })).status).toBe(200);
    const over = await postScores(game, { player: "a", score: 99 });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("60");
    expect((await errorOf(over)).message).toMatch(/ingest key/);
    const influx = await call(`/write?db=${game}`, {
      method: "POST",
      headers: { authorization: `Token ${INGEST}`, "content-type": "text/plain" },
      body: "scores,player=a value=99",
    });
    expect(influx.status).toBe(429);
    expect(influx.headers.get("retry-after")).toBe("60");
    // Another ingest key has a count of its own; admin keys are the operator's and not limited.
    expect((await postScores(game, { player: "b", score: 1 }, SCOPED)).status).toBe(200);
    for (let i = 0; i < LIMIT + 1; i++)
      expect((await postScores(game, { player: "c", score: i }, ADMIN)).status).toBe(200);
  }, 20_000);
});
