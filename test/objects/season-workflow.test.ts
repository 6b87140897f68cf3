import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { boardOrder } from "../../engine/board-order";
import { GainAllowance } from "../../engine/gain-allowance";
import type { Ranking } from "../../engine/ranking";
import { BoardLoader } from "../../objects/board-loader";
import { type PendingCopy, SeasonBook, STANDINGS_PART } from "../../objects/seasons/season-book";
import { type SeasonHost, SeasonWorkflow } from "../../objects/seasons/season-workflow";
import { SeasonsAcross } from "../../objects/shards/seasons-across";
import type { ShardSet } from "../../objects/shards/shard-set";
import { GameTables } from "../../objects/storage/tables";
import type { LeaderboardEntry } from "../../protocol/boards";
import { DEFAULT_CONFIG, type GameConfig } from "../../protocol/config";
import { uniqueGame } from "../support/worker-client";

// The season workflow over a real object's SQLite, with everything beyond it
// faked: the host's board, the alarm and D1 (which can be made to refuse). What HTTP cannot do: stop between two staging steps, look at the
// outbox and the armed times between firings, and fail D1 on demand.

const CONFIG: GameConfig = {
  ...DEFAULT_CONFIG,
  webhook: "https://hooks.example.test/season",
  prizes: { poolShare: 0, poolSeed: 100, split: [{ from: 1, to: 2, share: 0.5 }] },
};
const CREATED = 1_000;
const CLOSE_AT = 50_000;

/** The workflow's outside world, recorded. */
class World {
  readonly armed: number[] = [];
  readonly copies: PendingCopy[] = [];
  background = 0;
  d1Down = false;
  /** How long each copy to D1 takes. */
  d1Ms = 0;
  board: Ranking;

  constructor(
    readonly tables: GameTables,
    readonly loader: BoardLoader,
  ) {
    this.board = loader.open(CONFIG, CLOSE_AT);
  }

  /** A workflow as the object builds one at each start: a new book over the same storage (and for a sharded game, `shards`). */
  workflow(game: string | undefined = "g", shards: () => ShardSet | undefined = () => undefined): SeasonWorkflow {
    const host: SeasonHost = {
      game: () => game,
      config: () => CONFIG,
      board: (now) => {
        this.board.expire(now);
        return this.board;
      },
      standing: async () => ({
        players: this.board.rankedPlayers,
        leader: this.board.page(0, 1)[0]?.player ?? null,
      }),
      retireBoard: () => {},
      openBoard: (now) => {
        this.board = this.loader.empty(CONFIG, now);
      },
      background: () => {
        this.background++;
      },
    };
    const book = new SeasonBook(this.tables.sql, this.tables.schema, CREATED);
    return new SeasonWorkflow(host, {
      book,
      tables: this.tables,
      loader: this.loader,
      clock: { arm: (at) => this.armed.push(at) },
      archive: {
        copy: async (_game, copy) => {
          if (this.d1Down) throw new Error("D1 is down");
          if (this.d1Ms > 0) await new Promise((r) => setTimeout(r, this.d1Ms));
          this.copies.push(copy);
        },
      },
      across: new SeasonsAcross(this.tables, book, shards, () => CONFIG),
    });
  }

  outbox(): { season: number; part: number }[] {
    return this.tables.sql.exec<{ season: number; part: number }>("SELECT season, part FROM season_outbox").toArray();
  }

  staging(): number | null {
    return this.tables.sql.exec<{ staging: number | null }>("SELECT staging FROM seasons WHERE season = 1").one()
      .staging;
  }
}

/** A created game with `players` players (p0 leads), stored in its log as the object would. */
function seeded(state: DurableObjectState, players: number): World {
  const tables = new GameTables(state.storage);
  const states = Array.from({ length: players }, (_, i) => ({ player: `p${i}`, score: players - i, ts: 2_000 }));
  tables.transaction(() => {
    tables.schema.migrate();
    new SeasonBook(tables.sql, tables.schema, 0).start(CREATED);
    tables.log.append(states);
  });
  return new World(tables, new BoardLoader(tables, new GainAllowance()));
}

const copiedEntries = (copies: PendingCopy[]): LeaderboardEntry[] =>
  copies.flatMap((c) => c.parts.flatMap((p) => p.entries));

const stub = () => env.BOARD.getByName(uniqueGame("workflow"));

describe("SeasonWorkflow", () => {
  it("closes in one transaction, stages the standings a few parts per step, then copies them in order", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 5_000);
      const standings = world.board.page(0, 5_000);
      const seasons = world.workflow();
      // Prizes set on a game without a pool start it at the seed.
      expect(world.tables.transaction(() => seasons.reconfigure(DEFAULT_CONFIG, CONFIG, CREATED))).toBe(false);
      expect((await seasons.projection()).pool).toBe(100);

      expect(seasons.close(CLOSE_AT)).toBe(1);
      expect(seasons.current()).toEqual({ number: 2, startedAt: CLOSE_AT, endsAt: null });
      expect(world.board.rankedPlayers).toBe(0);
      expect(await seasons.summary(1)).toMatchObject({ players: 5_000, leader: "p0", pool: 100, complete: false });
      expect(seasons.awards(1)).toEqual([
        { rank: 1, player: "p0", amount: 25 },
        { rank: 2, player: "p1", amount: 25 },
      ]);
      // Nothing is staged by the close itself: the background steps do it, 4 parts of 500 each.
      expect(world.background).toBe(1);
      expect(world.outbox()).toEqual([]);
      expect(seasons.step()).toBe(true);
      expect(world.staging()).toBe(4);
      expect(world.outbox()).toHaveLength(4);
      // Until its rows are released, the closed board is held (a new shard count waits for it).
      expect(seasons.gathering).toBe(1);
      while (seasons.step());
      expect(seasons.gathering).toBeUndefined();
      expect(world.staging()).toBe(null);
      expect(world.outbox()).toHaveLength(5_000 / STANDINGS_PART);
      expect(world.tables.log.retainedBoard).toBeUndefined();

      // Its post waits for the archive (the hook outbox sends it in its turn).
      expect(seasons.seasonClosed(1)).toEqual({ state: "archiving" });
      // The alarm copies 4 parts at its first firing, then more while D1 keeps up; then the season's post is due.
      for (let firing = 0; firing < 5 && world.copies.at(-1)?.last !== true; firing++) await seasons.alarm(CLOSE_AT);
      expect(world.copies.map((c) => c.parts.length)).toEqual([4, 6]);
      expect(copiedEntries(world.copies)).toEqual(standings);
      expect(world.outbox()).toEqual([]);
      expect((await seasons.summary(1))?.complete).toBe(true);
      const close = seasons.seasonClosed(1);
      if (close.state !== "due") throw new Error(`season 1's post is ${close.state}`);
      expect(close.delivery).toMatchObject({ url: CONFIG.webhook, delivered: false, attempts: 0 });
      expect(JSON.parse(close.body)).toEqual({
        type: "season.closed",
        game: "g",
        season: 1,
        awards: seasons.awards(1),
      });
      seasons.seasonPosted(1, { ...close.delivery, delivered: true, attempts: 1 });
      expect(seasons.seasonClosed(1)).toEqual({ state: "done" });
      expect((await seasons.summary(1))?.webhook).toEqual({ delivered: true, attempts: 1 });
    });
  });

  it("keeps the outbox through a D1 outage, retrying with growing backoff, and never throws", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 1_200);
      const seasons = world.workflow();
      seasons.close(CLOSE_AT);
      while (seasons.step());
      world.d1Down = true;
      const waits: number[] = [];
      for (let failure = 0; failure < 4; failure++) {
        const before = Date.now();
        world.armed.length = 0;
        await seasons.alarm(CLOSE_AT);
        waits.push(Math.min(...world.armed) - before);
      }
      expect(world.copies).toEqual([]);
      expect(world.outbox()).toHaveLength(3);
      // 1 s doubling, with ±25% jitter: each wait lies within its own band.
      for (const [i, wait] of waits.entries()) {
        expect(wait).toBeGreaterThanOrEqual(0.75 * 1000 * 2 ** i - 5);
        expect(wait).toBeLessThanOrEqual(1.25 * 1000 * 2 ** i + 5);
      }
      world.d1Down = false;
      await seasons.alarm(CLOSE_AT);
      expect(copiedEntries(world.copies).map((e) => e.rank)).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
      expect((await seasons.summary(1))?.complete).toBe(true);
    });
  });

  it("paces the copy: after each D1 batch the object is left to requests twice as long as the batch took", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 10_000);
      const seasons = world.workflow();
      seasons.close(CLOSE_AT);
      while (seasons.step());
      for (const d1Ms of [0, 150]) {
        world.d1Ms = d1Ms;
        world.armed.length = 0;
        await seasons.alarm(CLOSE_AT);
        const wait = Math.min(...world.armed) - Date.now();
        // A fast batch leaves the 20 ms floor; a slow one twice its own time.
        expect(wait).toBeGreaterThanOrEqual(d1Ms === 0 ? 15 : 2 * d1Ms - 10);
        expect(wait).toBeLessThanOrEqual(d1Ms === 0 ? 25 : 2 * d1Ms + 60);
      }
      expect(world.copies).toHaveLength(2);
    });
  });

  it("sizes each D1 batch by how long the last took a part: one part while D1 is slow, growing to 8 while it keeps up", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 10_000);
      const seasons = world.workflow();
      seasons.close(CLOSE_AT);
      while (seasons.step());
      // 200 ms for 4 parts is 50 ms a part, past the 40 ms a batch should take: one part a batch.
      world.d1Ms = 200;
      for (let firing = 0; firing < 2; firing++) await seasons.alarm(CLOSE_AT);
      world.d1Ms = 0;
      for (let firing = 0; firing < 8 && world.copies.at(-1)?.last !== true; firing++) await seasons.alarm(CLOSE_AT);
      // Back to fast, each batch at most doubles the last.
      expect(world.copies.map((c) => c.parts.length)).toEqual([4, 1, 1, 2, 4, 8]);
      expect(copiedEntries(world.copies).map((e) => e.rank)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    });
  });

  it("resumes a close cut short between two staging steps: the closed board rebuilt from its retained rows", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 3_000);
      const standings = world.board.page(0, 3_000);
      const closing = world.workflow();
      closing.close(CLOSE_AT);
      expect(closing.step()).toBe(true);
      expect(world.staging()).toBe(4);

      // Evicted here: the closed board in memory is gone, the storage stays. A new start goes on from part 4.
      const restarted = world.workflow();
      world.background = 0;
      restarted.resume(CLOSE_AT + 1);
      expect(world.background).toBe(1);
      while (restarted.step());
      expect(world.staging()).toBe(null);
      expect(world.outbox().map((r) => r.part)).toEqual([0, 1, 2, 3, 4, 5]);
      for (let firing = 0; firing < 3 && world.copies.at(-1)?.last !== true; firing++) await restarted.alarm(CLOSE_AT);
      expect(copiedEntries(world.copies)).toEqual(standings);
      expect((await restarted.summary(1))?.complete).toBe(true);
    });
  });

  it("does nothing for a game that was never created", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 10);
      const seasons = world.workflow(undefined);
      seasons.resume(CLOSE_AT);
      await seasons.alarm(CLOSE_AT);
      expect(world.armed).toEqual([]);
      expect(world.copies).toEqual([]);
    });
  });

  it("tries a sharded close a shard failed to answer again after a growing backoff, never at once, and never throws", async () => {
    await runInDurableObject(stub(), async (_, state) => {
      const world = seeded(state, 0);
      // Two shards holding a player each; the second fails to answer its first two closes.
      let failures = 2;
      let releaseFailures = 1;
      const asked: number[] = [];
      const released = new Set<string>();
      const shard = (player: string, fails: boolean) => ({
        closeSeason: async (season: number) => {
          asked.push(season);
          if (fails && failures-- > 0) throw new Error("the shard did not answer");
          return { season, players: 1, poolMicros: 0 };
        },
        seasonStandings: async (_season: number, from: number) =>
          from === 0 ? [{ player, score: 1, ts: 1, rank: 0 }] : [],
        releaseSeason: async () => {
          if (fails && releaseFailures-- > 0) throw new Error("the shard did not answer");
          released.add(player);
        },
      });
      const stubs = [shard("a", false), shard("b", true)];
      const set = {
        count: 2,
        order: boardOrder(false, undefined),
        ask: <T>(count: number, call: (stub: unknown, i: number) => Promise<T>) =>
          Promise.all(stubs.slice(0, count).map((s, i) => call(s, i))),
      };
      const seasons = world.workflow("g", () => set as unknown as ShardSet);
      world.tables.transaction(() => seasons.reconfigure(CONFIG, { ...CONFIG, season: { every: "hour" } }, CREATED));
      const boundary = seasons.current().endsAt as number;

      const waits: number[] = [];
      let firedFor = boundary;
      for (let failure = 0; failure < 2; failure++) {
        world.armed.length = 0;
        const before = Date.now();
        await seasons.alarm(firedFor);
        expect(seasons.current().number).toBe(1);
        // Never the boundary already past, which would fire again at once.
        firedFor = Math.min(...world.armed);
        waits.push(firedFor - before);
      }
      expect(waits[0]).toBeGreaterThanOrEqual(750 - 5);
      expect(waits[0]).toBeLessThanOrEqual(1250 + 5);
      expect(waits[1]).toBeGreaterThanOrEqual(1500 - 5);
      expect(waits[1]).toBeLessThanOrEqual(2500 + 5);
      // A firing for something due sooner (a history sample) leaves the shards alone until the retry is due.
      const askedBefore = asked.length;
      world.armed.length = 0;
      await seasons.alarm(firedFor - 100);
      expect(asked).toHaveLength(askedBefore);
      // That firing forgot the armed time: it asks for the retry again.
      expect(world.armed).toContain(firedFor);

      world.armed.length = 0;
      await seasons.alarm(firedFor);
      expect(seasons.current().number).toBe(2);
      expect((await seasons.summary(1))?.players).toBe(2);
      expect(seasons.gathering).toBeUndefined();
      expect(copiedEntries(world.copies).map((e) => [e.player, e.rank])).toEqual([
        ["a", 1],
        ["b", 2],
      ]);
      // Staged and copied, but one shard failed to let its closed board go: asked again after a backoff, with no
      // boundary left to fire the alarm (the game's schedule is off after the close).
      expect([...released]).toEqual(["a"]);
      const retry = Math.min(...world.armed);
      expect(retry).toBeGreaterThan(Date.now() + 500);
      world.armed.length = 0;
      await seasons.alarm(retry - 100);
      expect(world.armed).toContain(retry);
      await seasons.alarm(retry);
      expect([...released].sort()).toEqual(["a", "b"]);
    });
  });
});
