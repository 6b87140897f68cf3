import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, board, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

const stub = (game: string) => env.BOARD.getByName(game);

interface Season {
  season: number;
  startedAt: number;
  endedAt: number | null;
  players: number;
  leader: string | null;
  pool: number;
  complete: boolean;
}

const json = async <T>(path: string, init?: Parameters<typeof call>[1]) => {
  const res = await call(path, init);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return res.json<T>();
};
const seasons = (game: string) => json<{ seasons: Season[] }>(`/v1/games/${game}/seasons`);
const close = (game: string) => json<Season>(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN });
const archived = (game: string, season: number, query = "?limit=1000") =>
  json<{ total: number; complete: boolean; entries: Record<string, unknown>[] }>(
    `/v1/games/${game}/seasons/${season}/leaderboard${query}`,
  );

async function d1Count(table: string, game: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE game = ?`)
    .bind(game)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** `n` players with distinct scores (p0 leads), in batches of 1000. */
async function seed(game: string, n: number) {
  for (let from = 0; from < n; from += 1000) {
    const scores = Array.from({ length: Math.min(1000, n - from) }, (_, k) => ({
      player: `p${from + k}`,
      score: n - (from + k),
      ts: 1000,
    }));
    expect((await postScores(game, { scores })).status).toBe(200);
  }
}

/**
 * Fires the game's alarm until the archive stops moving: the rows in D1 have
 * not changed over ten firings 20 ms apart. The runtime fires the alarm on
 * its own too, and a copy it runs may still be under way when a forced
 * firing finds no alarm set, so an empty alarm alone does not mean done.
 */
async function drainAlarms(game: string) {
  let last = -1;
  for (let still = 0, i = 0; still < 10 && i < 300; i++) {
    await runDurableObjectAlarm(stub(game));
    await scheduler.wait(20);
    const now = (await d1Count("season_standings", game)) + (await d1Count("season_archive", game));
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

describe("seasons", () => {
  it("closes a season on request: standings archived whole, the next season starts empty", async () => {
    const game = uniqueGame("season");
    await postScores(game, {
      scores: [
        { player: "a", score: 5, team: "red" },
        { player: "b", score: 9 },
      ],
    });
    await call(`/v1/games/${game}/players/a/profile`, {
      method: "PUT",
      key: ADMIN,
      json: { name: "Ayşe", country: "TR" },
    });
    const before = (await board(game, "?limit=1000")).entries;

    const closed = await close(game);
    expect(closed).toMatchObject({ season: 1, players: 2, leader: "b", complete: false });
    expect(closed.endedAt).toBeGreaterThan(0);
    const info = await json<{ players: number; season: { number: number; startedAt: number; endsAt: null } }>(
      `/v1/games/${game}`,
    );
    expect(info.players).toBe(0);
    expect(info.season).toEqual({ number: 2, startedAt: closed.endedAt, endsAt: null });
    expect((await board(game)).entries).toEqual([]);

    await drainAlarms(game);
    const final = await archived(game, 1);
    expect(final).toMatchObject({ total: 2, complete: true });
    expect(final.entries).toEqual(before);
    expect(await json(`/v1/games/${game}/seasons/1/players/a`)).toMatchObject({
      rank: 2,
      score: 5,
      team: "red",
      name: "Ayşe",
      country: "TR",
      season: 1,
      total: 2,
      award: 0,
    });

    // A report after the close counts in season 2 only.
    await postScores(game, { player: "c", score: 1 });
    const list = (await seasons(game)).seasons;
    expect(list.map((s) => [s.season, s.endedAt === null, s.players, s.leader, s.complete])).toEqual([
      [2, true, 1, "c", true],
      [1, false, 2, "b", true],
    ]);
    expect((await archived(game, 2)).entries.map((e) => e.player)).toEqual(["c"]);
  });

  it("answers 404 for a season not started, a player not in it, and 403 to a close without the admin key", async () => {
    const game = uniqueGame("season");
    await postScores(game, { player: "a", score: 1 });
    const unknown = await call(`/v1/games/${game}/seasons/2/leaderboard`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("season_not_found");
    expect((await call(`/v1/games/${game}/seasons/0/leaderboard`)).status).toBe(400);
    await close(game);
    await drainAlarms(game);
    const missing = await call(`/v1/games/${game}/seasons/1/players/zed`);
    expect(missing.status).toBe(404);
    expect((await call(`/v1/games/${game}/seasons/close`, { method: "POST" })).status).toBe(401);
    expect((await call(`/v1/games/${uniqueGame("none")}/seasons`)).status).toBe(404);
  });

  it("counts every report in exactly one season while a close lands among concurrent batches", async () => {
    const game = uniqueGame("season");
    await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { aggregate: "sum" } });
    const batches = Array.from({ length: 40 }, (_, i) =>
      postScores(game, {
        scores: Array.from({ length: 10 }, (_, k) => ({ player: `p${k}`, score: 1, id: `${i}-${k}` })),
      }),
    );
    const closing = close(game);
    const answers = await Promise.all([...batches, closing.then(() => new Response(null, { status: 200 }))]);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await drainAlarms(game);
    const one = await archived(game, 1);
    const two = (await board(game, "?limit=1000")).entries;
    for (let k = 0; k < 10; k++) {
      const inOne = (one.entries.find((e) => e.player === `p${k}`)?.score as number | undefined) ?? 0;
      const inTwo = (two.find((e) => e.player === `p${k}`)?.score as number | undefined) ?? 0;
      expect(inOne + inTwo, `p${k}`).toBe(40);
    }
  });

  it("archives the seasons of a game deleted and started afresh without the old game's standings", async () => {
    const game = uniqueGame("season");
    const prizes = { poolShare: 0, poolSeed: 90, split: [{ from: 1, to: 3, share: 1 }] };
    expect((await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { prizes } })).status).toBe(200);
    await seed(game, 3);
    await close(game);
    await drainAlarms(game);
    expect((await archived(game, 1)).entries).toHaveLength(3);
    expect(await d1Count("season_awards", game)).toBe(3);
    // Deleted without its history: the new game's first season is season 1 again.
    expect((await call(`/v1/games/${game}`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    await postScores(game, { player: "z", score: 1 });
    await close(game);
    await drainAlarms(game);
    expect((await archived(game, 1)).entries.map((e) => e.player)).toEqual(["z"]);
    expect(await d1Count("season_standings", game)).toBe(1);
    expect(await d1Count("season_awards", game)).toBe(0);
  });

  it("finishes a close after a kill at each step: before the copy, and in the middle of it", async () => {
    const game = uniqueGame("season");
    await seed(game, 12_000);
    const before = await archived(game, 1, "?limit=5&offset=11995");
    const trigger = `stop_${game.replaceAll("-", "_")}`;
    const refuseFrom = (position: number) =>
      env.DB.exec(
        `CREATE TRIGGER ${trigger} BEFORE INSERT ON season_standings WHEN NEW.game = '${game}' AND NEW.position >= ${position} BEGIN SELECT RAISE(ABORT, 'killed'); END`,
      );

    // Kill 1: the close is committed and nothing is copied yet (D1 refuses every row), then the object dies.
    await refuseFrom(0);
    await close(game);
    await runDurableObjectAlarm(stub(game));
    expect(await d1Count("season_standings", game)).toBe(0);
    await evictDurableObject(stub(game));

    // Kill 2: D1 refuses every player from position 10,000 on, so the copy dies at the batch that reaches it (its
    // batches hold 500 to 4,000 players, as D1's pace goes), then the object dies.
    await env.DB.exec(`DROP TRIGGER ${trigger}`);
    await refuseFrom(10_000);
    await drainAlarms(game);
    const copied = await d1Count("season_standings", game);
    expect(copied).toBeGreaterThanOrEqual(6_000);
    expect(copied).toBeLessThanOrEqual(10_000);
    expect(copied % 500).toBe(0);
    expect((await archived(game, 1, "?limit=1")).complete).toBe(false);
    await evictDurableObject(stub(game));
    await env.DB.exec(`DROP TRIGGER ${trigger}`);

    // The restart re-arms the alarm; the copy resumes where it stopped and ends with every player once.
    await drainAlarms(game);
    expect(await d1Count("season_standings", game)).toBe(12_000);
    expect(await d1Count("season_archive", game)).toBe(1);
    const after = await archived(game, 1, "?limit=5&offset=11995");
    expect(after.complete).toBe(true);
    expect(after.entries).toEqual(before.entries);
    const outbox = await runInDurableObject(
      stub(game),
      (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM season_outbox").one().n,
    );
    expect(outbox).toBe(0);
  }, 60_000);

  it("finishes a close after a kill while its standings are being written to the outbox", async () => {
    const game = uniqueGame("season");
    await seed(game, 12_000);
    const top = await board(game, "?limit=1000");
    const tail = await archived(game, 1, "?limit=5&offset=11995");
    // Inside the object: close, write 2 steps of 4 parts (4,000 of the 24 parts' players), then stop the
    // background steps and take the object away, as a kill between two steps would.
    type Internals = {
      closeSeason(): Promise<unknown>;
      restored: { seasons: { step(): boolean }; maintenance: { stop(): void } };
    };
    const staged = await runInDurableObject(stub(game), async (instance, state) => {
      const object = instance as unknown as Internals;
      await object.closeSeason();
      object.restored.seasons.step();
      object.restored.seasons.step();
      object.restored.maintenance.stop();
      return state.storage.sql.exec<{ staging: number }>("SELECT staging FROM seasons WHERE season = 1").one().staging;
    });
    expect(staged).toBe(8);
    await evictDurableObject(stub(game));

    // The restart rebuilds the closed board from its retained rows and goes on from part 8.
    for (let i = 0; i < 100 && !(await archived(game, 1, "?limit=1")).complete; i++) await drainAlarms(game);
    expect(await d1Count("season_standings", game)).toBe(12_000);
    expect((await archived(game, 1, "?limit=1000")).entries).toEqual(top.entries);
    expect((await archived(game, 1, "?limit=5&offset=11995")).entries).toEqual(tail.entries);
    // The retained board's rows are gone once archived; the new season's board is empty.
    const rows = await runInDurableObject(stub(game), (_, state) => [
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM base").one().n,
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM log").one().n,
    ]);
    expect(rows).toEqual([0, 0]);
    expect((await board(game)).total).toBe(0);
  }, 60_000);

  it("closes at the schedule's boundary, also when the object was evicted before it", async () => {
    const game = uniqueGame("season");
    // A boundary due while the test runs would close the season at its own time, not at the boundary.
    const untilBoundary = 300_000 - (Date.now() % 300_000);
    if (untilBoundary < 30_000) await new Promise((r) => setTimeout(r, untilBoundary + 100));
    const put = await call(`/v1/games/${game}`, {
      method: "PUT",
      key: ADMIN,
      json: { season: { cron: "*/5 * * * *", timezone: "Europe/Istanbul" } },
    });
    expect(put.status).toBe(200);
    await postScores(game, { player: "a", score: 3 });
    const { season } = await json<{ season: { number: number; endsAt: number } }>(`/v1/games/${game}`);
    expect(season.number).toBe(1);
    expect(season.endsAt % 300_000).toBe(0);
    expect(season.endsAt).toBeGreaterThan(Date.now());

    await evictDurableObject(stub(game));
    // Alarms fire early in tests, running the duties due by the time they were armed for: first a history
    // sample, then the boundary (each later firing would close the next season too).
    type Info = { season: { number: number; startedAt: number; endsAt: number } };
    let info = await json<Info>(`/v1/games/${game}`);
    for (let i = 0; i < 5 && info.season.number === 1; i++) {
      await runDurableObjectAlarm(stub(game));
      info = await json<Info>(`/v1/games/${game}`);
    }
    expect(info.season).toEqual({ number: 2, startedAt: season.endsAt, endsAt: season.endsAt + 300_000 });
    // The standings reach D1 in background steps and alarm firings after the close (under load they may
    // not have yet): step it until the archive says it is complete (later firings close later seasons).
    for (let i = 0; i < 100 && !(await archived(game, 1, "?limit=1")).complete; i++) {
      if (!(await runDurableObjectAlarm(stub(game)))) await new Promise((r) => setTimeout(r, 50));
    }
    expect((await archived(game, 1)).entries.map((e) => [e.player, e.score])).toEqual([["a", 3]]);
  }, 90_000);

  it("feeds the pool by a share of every gain, pays it by rank ranges at the close (ties split), carries the rest", async () => {
    const game = uniqueGame("season");
    const prizes = {
      poolShare: 0.1,
      poolSeed: 100,
      split: [
        { from: 1, to: 1, share: 0.5 },
        { from: 2, to: 3, share: 0.3 },
      ],
    };
    const put = await call(`/v1/games/${game}`, {
      method: "PUT",
      key: ADMIN,
      json: { aggregate: "sum", ties: "shared", prizes },
    });
    expect(put.status).toBe(200);
    await postScores(game, {
      scores: [
        { player: "a", score: 50 },
        { player: "b", score: 30 },
        { player: "c", score: 30 },
        { player: "d", score: 10 },
        { player: "d", score: -5 }, // a loss feeds nothing
      ],
    });
    // 100 seed + 10% of 120 gained = 112; 1st: 56; 2nd-3rd: 33.6 over positions 2-3, b and c tie on both: 16.8 each.
    const projection = await json<{ pool: number; projected: unknown[] }>(`/v1/games/${game}/prizes`);
    expect(projection.pool).toBeCloseTo(112, 9);
    const paid = [
      { rank: 1, player: "a", amount: 56 },
      { rank: 2, player: "b", amount: 16 },
      { rank: 2, player: "c", amount: 16 },
    ];
    expect(projection.projected).toEqual(paid);

    const closed = await close(game);
    expect(closed.pool).toBeCloseTo(112, 9);
    expect(await json(`/v1/games/${game}/seasons/1/awards`)).toEqual({ awards: paid });
    // What was not paid (112 - 88 = 24) carries over on top of the seed.
    expect((await json<{ pool: number }>(`/v1/games/${game}/prizes`)).pool).toBeCloseTo(124, 9);
    await drainAlarms(game);
    expect(await json(`/v1/games/${game}/seasons/1/players/c`)).toMatchObject({ rank: 2, award: 16, complete: true });
    expect(await json(`/v1/games/${game}/seasons/1/players/d`)).toMatchObject({ rank: 4, award: 0 });
    expect(await d1Count("season_awards", game)).toBe(3);
  });

  it("refuses prize ranges that overlap, run backwards or share out more than the pool", async () => {
    const game = uniqueGame("season");
    const split = (ranges: unknown[]) => ({ prizes: { poolShare: 0.1, poolSeed: 0, split: ranges } });
    for (const body of [
      split([
        { from: 1, to: 3, share: 0.2 },
        { from: 3, to: 5, share: 0.2 },
      ]),
      split([{ from: 5, to: 2, share: 0.2 }]),
      split([
        { from: 1, to: 1, share: 0.7 },
        { from: 2, to: 2, share: 0.4 },
      ]),
      split([{ from: 1, to: 1, share: 0.1234567 }]),
      { prizes: { poolShare: 2, poolSeed: 0, split: [{ from: 1, to: 1, share: 1 }] } },
    ]) {
      const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("takes an https webhook, or plain http only to this machine", async () => {
    const game = uniqueGame("season");
    const put = (webhook: string) => call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { webhook } });
    for (const url of [
      "https://game.example/hook",
      "http://127.0.0.1:9999/hook",
      "http://localhost/x",
      "http://[::1]:80/",
    ]) {
      expect((await put(url)).status, url).toBe(200);
    }
    for (const url of ["http://game.example/hook", "ftp://127.0.0.1/x", "not a url", "http://10.0.0.1/"]) {
      expect((await put(url)).status, url).toBe(400);
    }
  });

  it("refuses a schedule that never fires or names an unknown zone", async () => {
    const game = uniqueGame("season");
    for (const season of [{ cron: "0 0 31 2 *" }, { every: "day", timezone: "Nowhere/Land" }, { every: "year" }]) {
      const res = await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { season } });
      expect(res.status, JSON.stringify(season)).toBe(400);
    }
  });
});
