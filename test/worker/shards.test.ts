import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardName, shardOf } from "../../protocol/shards";
import { ADMIN, board, call, errorOf, INGEST, postScores, uniqueGame } from "../support/worker-client";

const put = (game: string, config: Record<string, unknown>) =>
  call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: config });

/** `n` player names that land on `shard` of a game of `shards`. */
function playersOn(game: string, shards: number, shard: number, n: number): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < n; i++) if (shardOf(game, `p${i}`, shards) === shard) found.push(`p${i}`);
  return found;
}

describe("sharded games", () => {
  it("applies each shard's part of a batch atomically, names every report a shard refused, and applies a resend once", async () => {
    const game = uniqueGame("shards");
    expect((await put(game, { shards: 4, aggregate: "sum", bounds: { max: 100 } })).status).toBe(200);
    const [cheat] = playersOn(game, 4, 0, 1);
    const honest = [1, 2, 3].flatMap((shard) => playersOn(game, 4, shard, 2));
    const scores = [
      ...honest.map((player, i) => ({ player, score: 10, id: `h${i}` })),
      { player: cheat, score: 1000, id: "cheat" },
      { player: playersOn(game, 4, 0, 2)[1], score: 5, id: "neighbour" },
    ];
    const res = await postScores(game, { scores });
    expect(res.status).toBe(422);
    const error = (await res.json()) as {
      error: { code: string; applied: number; details: { index: number; applied: boolean; code: string }[] };
    };
    expect(error.error.code).toBe("score_out_of_bounds");
    expect(error.error.applied).toBe(honest.length);
    // Both reports of shard 0 were refused with their part, the cheat with its reason.
    expect(error.error.details).toEqual([
      { index: honest.length, applied: false, code: "score_out_of_bounds", player: cheat, reason: expect.any(String) },
      { index: honest.length + 1, applied: false, code: "score_out_of_bounds" },
    ]);
    expect((await board(game)).total).toBe(honest.length);

    // Resent as it was: the applied parts are duplicates, the refused part is refused again.
    const again = await postScores(game, { scores });
    expect(again.status).toBe(422);
    // The bound raised, resent once more: what was refused applies, nothing applies twice.
    expect((await put(game, { bounds: { max: 10_000 } })).status).toBe(200);
    const last = await postScores(game, { scores });
    expect(last.status).toBe(200);
    expect(await last.json()).toEqual({ accepted: 2, duplicates: honest.length });
    const entries = (await board(game, "?limit=100")).entries;
    expect(entries).toHaveLength(honest.length + 2);
    for (const { player, score } of scores) expect(entries.find((e) => e.player === player)?.score).toBe(score);
  });

  it("changes shards only while the board is empty, and refuses what needs one object", async () => {
    const game = uniqueGame("shards");
    await postScores(game, { player: "a", score: 1 });
    expect((await errorOf(await put(game, { shards: 4 }))).code).toBe("not_empty");

    const sharded = uniqueGame("shards");
    expect((await put(sharded, { shards: 4 })).status).toBe(200);
    await postScores(sharded, { player: "a", score: 1 });
    expect((await errorOf(await put(sharded, { shards: 2 }))).code).toBe("not_empty");
    expect((await errorOf(await put(sharded, { shards: 1 }))).code).toBe("not_empty");
    for (const config of [{ rating: "elo" }, { rating: "openskill" }, { ties: "dense" }]) {
      const res = await put(sharded, config);
      expect(res.status, JSON.stringify(config)).toBe(409);
      expect((await errorOf(res)).code).toBe("needs_one_shard");
    }
    // Dense ties count distinct values across every player: a dense game stays on one object.
    const dense = uniqueGame("shards");
    expect((await put(dense, { ties: "dense" })).status).toBe(200);
    const sharding = await put(dense, { shards: 2 });
    expect(sharding.status).toBe(409);
    expect((await errorOf(sharding)).code).toBe("needs_one_shard");
    expect((await errorOf(await put(uniqueGame("shards"), { shards: 2, ties: "dense" }))).code).toBe("needs_one_shard");
    const tooMany = await put(uniqueGame("shards"), { shards: 2, maxPlayers: 3_000_000 });
    expect(tooMany.status).toBe(400);
    expect((await put(uniqueGame("shards"), { shards: 3, maxPlayers: 3_000_000 })).status).toBe(200);
  });

  it("holds each shard to its share of maxPlayers", async () => {
    const game = uniqueGame("shards");
    expect((await put(game, { shards: 2, maxPlayers: 4 })).status).toBe(200);
    const [first, second, third] = playersOn(game, 2, 1, 3);
    expect((await postScores(game, { scores: [first, second].map((player) => ({ player, score: 1 })) })).status).toBe(
      200,
    );
    const res = await postScores(game, { player: third, score: 1 });
    expect((await errorOf(res)).code).toBe("board_full");
    expect((await postScores(game, { player: playersOn(game, 2, 0, 1)[0], score: 1 })).status).toBe(200);
  });

  it("reads a deep page exactly across the shards, from reports sent as line protocol", async () => {
    const game = uniqueGame("shards");
    expect((await put(game, { shards: 4, ties: "shared" })).status).toBe(200);
    const twin = uniqueGame("shards-twin");
    expect((await put(twin, { ties: "shared" })).status).toBe(200);
    for (let from = 0; from < 12_000; from += 3000) {
      const lines = Array.from(
        { length: 3000 },
        (_, k) => `scores,game=${game},player=p${from + k} value=${(from + k) % 997} ${1000 + ((from + k) % 5)}`,
      );
      const body = [...lines, ...lines.map((l) => l.replace(`game=${game}`, `game=${twin}`))].join("\n");
      const res = await call("/v1/write?precision=ms", { method: "POST", key: INGEST, body });
      expect(res.status, await res.clone().text()).toBe(204);
    }
    for (const query of ["?limit=1000&offset=9000", "?limit=7&offset=11995", "?limit=3&offset=4321"]) {
      expect((await board(game, query)).entries, query).toEqual((await board(twin, query)).entries);
    }
  }, 60_000);

  it("answers trending as one object would: each shard's hottest players, merged", async () => {
    const game = uniqueGame("shards");
    const twin = uniqueGame("shards-twin");
    // Rounds 100, 75 and 25 s ago: each stands seconds away from the edges of the windows' buckets (6 s short,
    // 10 s long), so no report crosses an edge between the twin's write or read and the sharded game's. At 100, 60
    // and 20 s, the middle round sat on the short window's edge, and one run counted it in the twin only.
    const trend = { short: 60, long: 120, minReports: 1 };
    expect((await put(game, { shards: 4, aggregate: "sum", trend })).status).toBe(200);
    expect((await put(twin, { aggregate: "sum", trend })).status).toBe(200);
    const now = Date.now();
    for (let round = 0; round < 3; round++) {
      const scores = Array.from({ length: 200 }, (_, i) => ({
        player: `p${i}`,
        score: ((i * 37 + round * 11) % 23) - 3,
        ts: now - [100_000, 75_000, 25_000][round] + i,
        team: i % 3 === 0 ? "red" : undefined,
      }));
      for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
    }
    const [a, b] = await Promise.all(
      [twin, game].map(
        async (g) => (await (await call(`/v1/games/${g}/trending?limit=100`)).json()) as { entries: unknown[] },
      ),
    );
    expect(a.entries.length).toBeGreaterThan(10);
    expect(b.entries).toEqual(a.entries);
  });

  it("samples a sharded game's top into history and counts its players in the directory, as its twin's", async () => {
    const game = uniqueGame("shards");
    const twin = uniqueGame("shards-twin");
    expect((await put(game, { shards: 4, snapshotTop: 5 })).status).toBe(200);
    expect((await put(twin, { snapshotTop: 5 })).status).toBe(200);
    const scores = Array.from({ length: 40 }, (_, i) => ({ player: `p${i}`, score: (i * 7) % 13, ts: 1000 + (i % 3) }));
    for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
    // The shards tell the game's object of their changes within liveEvery; it arms its alarm then.
    const alarm = () => runInDurableObject(env.BOARD.getByName(game), (_, state) => state.storage.getAlarm());
    for (let i = 0; i < 100 && (await alarm()) === null; i++) await new Promise((r) => setTimeout(r, 20));
    for (const g of [game, twin]) expect(await runDurableObjectAlarm(env.BOARD.getByName(g))).toBe(true);
    const snapshot = async (g: string) => {
      const head = await env.DB.prepare("SELECT ts, leader, gap, total FROM snapshots WHERE game = ?").bind(g).first();
      const { results } = await env.DB.prepare(
        "SELECT rank, player, score FROM snapshot_entries WHERE game = ? ORDER BY position",
      )
        .bind(g)
        .all();
      return { leader: head?.leader, gap: head?.gap, total: head?.total, results };
    };
    const sampled = await snapshot(game);
    expect(sampled.results).toHaveLength(5);
    expect(sampled).toEqual(await snapshot(twin));
    const listed = async () => {
      const { games } = (await (await call("/v1/games?limit=1000")).json()) as {
        games: { game: string; players: number }[];
      };
      return games.find((g) => g.game === game)?.players;
    };
    for (let i = 0; i < 100 && (await listed()) !== 40; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await listed()).toBe(40);
  });

  it("archives every report of a sharded game from its shards, as its twin does", async () => {
    const game = uniqueGame("shards");
    const twin = uniqueGame("shards-twin");
    expect((await put(game, { shards: 3, archive: true })).status).toBe(200);
    expect((await put(twin, { archive: true })).status).toBe(200);
    // Recent: history older than historyDays is pruned as soon as it is written.
    const recent = Date.now() - 60_000;
    const scores = Array.from({ length: 60 }, (_, i) => ({
      player: `p${i % 20}`,
      score: i,
      ts: recent + i,
      id: `r${i}`,
    }));
    for (const g of [game, twin]) expect((await postScores(g, { scores })).status).toBe(200);
    const archived = async (g: string) => {
      const { results } = await env.DB.prepare(
        "SELECT player, score, ts, report_id FROM archived_reports WHERE game = ?",
      )
        .bind(g)
        .all<{ player: string; score: number; ts: number; report_id: string }>();
      return results.sort((a, b) => a.ts - b.ts);
    };
    // Each shard drains its own outbox on its alarm.
    for (let shard = 0; shard < 3; shard++) await runDurableObjectAlarm(env.SHARD.getByName(shardName(game, shard)));
    await runDurableObjectAlarm(env.BOARD.getByName(twin));
    expect(await archived(game)).toHaveLength(60);
    expect(await archived(game)).toEqual(await archived(twin));
  });

  it("deletes every shard with the game; the next report starts a game on one object", async () => {
    const game = uniqueGame("shards");
    expect((await put(game, { shards: 3 })).status).toBe(200);
    const players = [0, 1, 2].map((shard) => playersOn(game, 3, shard, 1)[0]);
    expect((await postScores(game, { scores: players.map((player) => ({ player, score: 1 })) })).status).toBe(200);
    expect((await call(`/v1/games/${game}`, { method: "DELETE", key: ADMIN })).status).toBe(204);
    for (let shard = 0; shard < 3; shard++) {
      const tables = await runInDurableObject(env.SHARD.getByName(shardName(game, shard)), (_, state) =>
        state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
      );
      expect(tables.filter((t) => !String(t.name).startsWith("_cf"))).toEqual([]);
    }
    // This isolate's Worker still routes the game by 3 shards: they refuse, and it finds the game on one object.
    expect((await postScores(game, { player: players[1], score: 7 })).status).toBe(200);
    const info = (await (await call(`/v1/games/${game}`)).json()) as { players: number; shards?: unknown };
    expect(info.players).toBe(1);
    expect(info.shards).toBeUndefined();
    expect((await board(game)).entries).toMatchObject([{ rank: 1, player: players[1], score: 7 }]);
  });
});
