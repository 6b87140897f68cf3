import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { packReports } from "../../protocol/packed-reports";
import type { ScoreReport } from "../../protocol/reports";
import { watchingSql } from "../support/sql-watch";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

// maxAttempts reads a player's attempts only when their bound in memory (see
// StatsTable.attemptBound) leaves the batch near the limit: what the object
// reads is watched by wrapping its SQL, and what it refuses is the contract's.
const READ = "SELECT player, attempts, attempts_epoch FROM stats";
const SCAN = "SELECT player, attempts FROM stats WHERE player > ?";

/** Applies `reports` inside the game's object, answering whether they applied and the statements it ran. */
async function applied(game: string, reports: ScoreReport[]): Promise<{ ok: boolean; statements: string[] }> {
  return await runInDurableObject(env.BOARD.getByName(game), async (board, state) => {
    const { value, statements } = await watchingSql(state.storage.sql, () =>
      board.applyReports(game, packReports(reports)),
    );
    return { ok: value.ok, statements: statements.map((s) => s.query) };
  });
}
const reads = (statements: string[], what: string) => statements.filter((q) => q.includes(what)).length;

/** Waits until the object's background steps have read the stats table into the bounds: a new player is read no more. */
async function boundsBuilt(game: string): Promise<void> {
  let probes = 0;
  await vi.waitFor(
    async () => {
      const probe = await applied(game, [{ player: `probe-${probes++}`, score: 1 }]);
      expect(reads(probe.statements, READ)).toBe(0);
    },
    { timeout: 20_000, interval: 50 },
  );
}

describe("attempts bounded in memory", () => {
  it("reads no attempts far from the limit, reads them near it, and refuses as exactly after a restart and a close", async () => {
    const game = uniqueGame("attempt-bounds");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { maxAttempts: 3 } });
    const players = Array.from({ length: 200 }, (_, i) => `p${i}`);
    expect((await postScores(game, { scores: players.map((player) => ({ player, score: 1 })) })).status).toBe(200);

    // Every player at 1 attempt sends 1 more: the bounds (built once) leave room, so no player's row is read.
    const second = await applied(
      game,
      players.map((player) => ({ player, score: 2 })),
    );
    expect(second.ok).toBe(true);
    expect(reads(second.statements, READ)).toBe(0);
    expect(reads(second.statements, SCAN)).toBe(0);

    // At 2 of 3, two more pass the limit: that player is read, and refused with the exact count.
    const over = await postScores(game, {
      scores: [
        { player: "p0", score: 3 },
        { player: "p0", score: 4 },
      ],
    });
    expect((await errorOf(over)).details).toEqual([
      { index: 1, player: "p0", reason: "attempt 4 of at most 3 this season" },
    ]);

    // After a restart background steps read the table into the bounds, no batch waiting on them:
    // meanwhile every player is read, and refused the same.
    await evictDurableObject(env.BOARD.getByName(game));
    const again = await applied(game, [
      { player: "p0", score: 3 },
      { player: "p0", score: 4 },
    ]);
    expect(again.ok).toBe(false);
    expect(reads(again.statements, SCAN)).toBe(0);
    expect(reads(again.statements, READ)).toBe(1);
    await boundsBuilt(game);
    const last = await applied(game, [{ player: "p0", score: 3 }]);
    expect(last.ok).toBe(true);
    expect(reads(last.statements, SCAN) + reads(last.statements, READ)).toBe(0);
    expect((await postScores(game, { player: "p0", score: 9 })).status).toBe(409);

    // A new season gives every attempt back: its bounds start empty, with no scan.
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN })).status).toBe(200);
    const fresh = await applied(game, [
      { player: "p0", score: 1 },
      { player: "p0", score: 2 },
      { player: "p0", score: 3 },
    ]);
    expect(fresh.ok).toBe(true);
    expect(reads(fresh.statements, SCAN) + reads(fresh.statements, READ)).toBe(0);
    expect((await postScores(game, { player: "p0", score: 9 })).status).toBe(409);
  });
});
