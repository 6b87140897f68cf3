import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Spectator, until, watch } from "../support/spectator";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

const configure = (game: string, config: object) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });

const api = async (path: string) => (await call(path)).json<{ entries: unknown[]; total?: number }>();

/** Waits until the spectator shows exactly what `path` answers. */
async function converges(spectator: Spectator, path: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const want = (await api(path)).entries;
    if (want.length > 0 && JSON.stringify(spectator.entries) === JSON.stringify(want)) return;
    if (Date.now() > deadline) throw new Error(`${path}: the spectator never showed ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("live boards beyond players", () => {
  it("streams teams, MVPs and countries, keyed by team or country, converging on their APIs", async () => {
    const game = uniqueGame("boards");
    await configure(game, { aggregate: "sum", liveEvery: 100 });
    await postScores(game, { player: "a", score: 1, team: "red", country: "TR" });
    const [teams, mvps, countries] = [
      await watch(game, "?board=teams&limit=2"),
      await watch(game, "?board=mvps"),
      await watch(game, "?board=countries"),
    ];
    expect(teams.messages[0]).toMatchObject({ type: "snapshot", board: "teams" });
    for (let i = 0; i < 20; i++) {
      await postScores(game, {
        scores: [
          {
            player: `p${i % 7}`,
            score: (i * 13) % 11,
            team: ["red", "blue", "green"][i % 3],
            country: ["TR", "DE"][i % 2],
          },
        ],
      });
    }
    await converges(teams, `/v1/games/${game}/teams?limit=2`);
    await converges(mvps, `/v1/games/${game}/mvps`);
    await converges(countries, `/v1/games/${game}/countries`);
    // A team pushed out of the top two left with its key.
    const left = teams.messages.flatMap((m) => m.entries).filter((e) => e.rank === null);
    for (const entry of left) expect(Object.keys(entry).sort()).toEqual(["rank", "team"]);
    expect([teams, mvps, countries].every((s) => !s.gap)).toBe(true);
  });

  it("streams one country's players with their rank in the country and on the board", async () => {
    const game = uniqueGame("boards");
    await configure(game, { liveEvery: 100 });
    await postScores(game, {
      scores: [
        { player: "a", score: 9, country: "TR" },
        { player: "b", score: 8, country: "DE" },
        { player: "c", score: 7, country: "TR" },
      ],
    });
    const turks = await watch(game, "?country=TR");
    expect(turks.ranked.map((e) => e.player)).toEqual(["a", "c"]);
    await postScores(game, { player: "d", score: 10, country: "TR" });
    await converges(turks, `/v1/games/${game}/leaderboard?country=TR`);
    expect(turks.entries[0]).toMatchObject({ player: "d", rank: 1, globalRank: 1 });
  });

  it("resumes a teams view after hibernation with the next seq", async () => {
    const game = uniqueGame("boards");
    await postScores(game, { player: "a", score: 1, team: "red" });
    const spectator = await watch(game, "?board=teams");
    await postScores(game, { player: "b", score: 5, team: "blue" });
    await until(() => spectator.updates === 1);
    await new Promise((r) => setTimeout(r, 1100)); // the view's state is saved once updates pause
    await evictDurableObject(env.BOARD.getByName(game), { webSockets: "hibernate" });
    await postScores(game, { player: "c", score: 9, team: "green" });
    await until(() => spectator.updates === 2);
    expect(spectator.gap).toBe(false);
    expect(spectator.closed).toBeUndefined();
    expect(spectator.entries.map((e) => (e as { team: string }).team)).toEqual(["green", "blue", "red"]);
  });

  it("updates trending views at most once a second", async () => {
    const game = uniqueGame("boards");
    await configure(game, { aggregate: "sum", liveEvery: 100, trend: { short: 10, long: 60, minReports: 1 } });
    await postScores(game, { player: "seed", score: 1 });
    const spectator = await watch(game, "?board=trending");
    const started = Date.now();
    for (let i = 0; Date.now() - started < 2500; i++) {
      await postScores(game, { player: `p${i % 5}`, score: 1 + (i % 3) });
      await new Promise((r) => setTimeout(r, 40));
    }
    const elapsed = Date.now() - started;
    await until(() => spectator.entries.length > 0);
    expect(spectator.updates).toBeGreaterThan(0);
    expect(spectator.updates).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
  });

  it.each([
    "?board=teams&player=a",
    "?board=countries&country=TR",
    "?player=a&country=TR",
    "?board=everything",
    "?country=XX",
  ])("refuses %s with 400 before the upgrade", async (query) => {
    const game = uniqueGame("boards");
    await postScores(game, { player: "a", score: 1 });
    const res = await exports.default.fetch(`http://podium.test/v1/games/${game}/live${query}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(400);
    await errorOf(res);
  });
});
