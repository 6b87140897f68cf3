import { describe, expect, it } from "vitest";
import { ADMIN, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

async function fingerprint(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

interface Entry {
  ts: number;
  game: string;
  action: string;
  key: string;
  details: Record<string, unknown>;
}

describe("audit log", () => {
  it("keeps config changes, removals, season closes and counted token mints, with key fingerprints only", async () => {
    const game = uniqueGame("audit");
    const started = Date.now();
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    await postScores(game, {
      scores: [
        { player: "a", score: 1 },
        { player: "b", score: 2 },
      ],
    });
    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    for (const player of ["p1", "p2", "p3"]) {
      expect((await call(`/v1/games/${game}/tokens`, { method: "POST", key: INGEST, json: { player } })).status).toBe(
        200,
      );
    }
    // Refused actions leave no entry.
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { order: "sideways" } });

    const res = await call(`/v1/audit?game=${game}`, { key: ADMIN });
    expect(res.status).toBe(200);
    const { entries } = await res.json<{ entries: Entry[] }>();
    const admin = await fingerprint(ADMIN);
    const ingest = await fingerprint(INGEST);
    expect(entries.map((e) => [e.action, e.key, e.details])).toEqual([
      ["season.closed", admin, { season: 1 }],
      ["player.removed", admin, { player: "a" }],
      ["config.changed", admin, { aggregate: "sum" }],
      ["tokens.minted", ingest, { count: 3 }],
    ]);
    expect(entries.every((e) => e.game === game)).toBe(true);
    expect(entries.filter((e) => e.action !== "tokens.minted").every((e) => e.ts >= started)).toBe(true);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(ADMIN);
    expect(text).not.toContain(INGEST);
  });

  it("filters by action and time, and refuses an action it does not record", async () => {
    const game = uniqueGame("audit-filter");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { order: "asc" } });
    await postScores(game, { scores: [{ player: "a", score: 1 }] });
    expect((await call(`/v1/games/${game}/players/a`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    const between = Date.now();
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { order: "desc" } });

    const read = async (query: string) => {
      const res = await call(`/v1/audit?game=${game}&${query}`, { key: ADMIN });
      expect(res.status).toBe(200);
      return (await res.json<{ entries: Entry[] }>()).entries.map((e) => [e.action, e.details]);
    };
    expect(await read("action=config.changed")).toEqual([
      ["config.changed", { order: "desc" }],
      ["config.changed", { order: "asc" }],
    ]);
    expect(await read("action=player.removed")).toEqual([["player.removed", { player: "a" }]]);
    expect(await read("action=season.closed")).toEqual([]);
    expect(await read(`action=config.changed&from=${between}`)).toEqual([["config.changed", { order: "desc" }]]);
    expect(await read(`to=${between - 1}`)).toEqual([
      ["player.removed", { player: "a" }],
      ["config.changed", { order: "asc" }],
    ]);
    const bad = await call("/v1/audit?action=game.created", { key: ADMIN });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("invalid_request");
  });

  it("is for admin keys only, and refuses a range that ends before it starts", async () => {
    expect((await call("/v1/audit")).status).toBe(401);
    expect((await call("/v1/audit", { key: INGEST })).status).toBe(403);
    expect((await call("/v1/audit?limit=0", { key: ADMIN })).status).toBe(400);
    expect((await call("/v1/audit?from=2000&to=1000", { key: ADMIN })).status).toBe(400);
  });
});
