import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EventHooks, type HooksHost } from "../../objects/hooks/event-hooks";
import { HookOutbox } from "../../objects/hooks/hook-outbox";
import type { SeasonClose } from "../../objects/seasons/season-workflow";
import type { Delivery } from "../../objects/seasons/webhook";
import { ObjectSchema } from "../../objects/storage/schema";
import { GameTables } from "../../objects/storage/tables";
import type { LeaderboardEntry } from "../../protocol/boards";
import { DEFAULT_CONFIG, type GameConfig } from "../../protocol/config";
import { uniqueGame } from "../support/worker-client";

// The hooks over a real object's SQLite, with the board, the alarm, the
// seasons and the receiver faked: what HTTP cannot show, such as how often a
// burst of writes touches storage, a restart between any two steps, or the
// outbox's rows as each event comes.

const URL = "https://hooks.example.test/h";
/** The schema version that creates the hook outbox (objects/storage/schema.ts). */
const OUTBOX_MIGRATION = 14;
const entry = (rank: number, player: string, score: number, ts = 1_000): LeaderboardEntry => ({
  rank,
  player,
  score,
  ts,
});

class World {
  top: LeaderboardEntry[] = [];
  config: GameConfig = {
    ...DEFAULT_CONFIG,
    webhook: { url: URL, events: ["leader.changed", "top.changed"], top: 2, every: 10 },
  };
  season = 1;
  closes = new Map<number, SeasonClose>();
  readonly armed: number[] = [];
  readonly posted: { type: string; body: Record<string, unknown> }[] = [];
  receiverUp = true;
  checkWrites = 0;

  constructor(readonly tables: GameTables) {}

  /** Hooks as the object builds them at each start: a new outbox over the same storage. */
  hooks(): { hooks: EventHooks; outbox: HookOutbox } {
    const world = this;
    const outbox = new (class extends HookOutbox {
      override setCheckAt(at: number | null): void {
        world.checkWrites++;
        super.setCheckAt(at);
      }
    })(this.tables.sql, this.tables.meta);
    const host: HooksHost = {
      game: () => "g",
      config: () => this.config,
      top: async (limit) => this.top.slice(0, limit),
    };
    const hooks = new EventHooks(host, {
      outbox,
      clock: { arm: (at) => this.armed.push(at) },
      transaction: (work) => this.tables.transaction(work),
      deliver: async (delivery: Delivery, body: string) => {
        const parsed = JSON.parse(body);
        this.posted.push({ type: parsed.type, body: parsed });
        return this.receiverUp
          ? { ...delivery, delivered: true, attempts: delivery.attempts + 1 }
          : { ...delivery, attempts: delivery.attempts + 1, nextAt: Date.now() + 1000 };
      },
      seasons: {
        current: () => ({ number: this.season, startedAt: 0, endsAt: null }),
        seasonClosed: (season) => this.closes.get(season) ?? { state: "done" },
        seasonPosted: (season, delivery) => {
          if (delivery.delivered) this.closes.set(season, { state: "done" });
        },
      },
    });
    return { hooks, outbox };
  }

  rows() {
    return this.tables.sql
      .exec<{ type: string; season: number; body: string | null }>(
        "SELECT type, season, body FROM hook_outbox ORDER BY seq",
      )
      .toArray()
      .map((r) => ({ type: r.type, season: r.season, body: r.body === null ? null : JSON.parse(r.body) }));
  }
}

async function inObject(test: (world: World) => Promise<void>) {
  await runInDurableObject(env.BOARD.getByName(uniqueGame("event-hooks")), async (_, state) => {
    const tables = new GameTables(state.storage);
    tables.transaction(() => tables.schema.migrate());
    await test(new World(tables));
  });
}

/** The alarm as it fires for the check: at the time the check asked for. */
const fire = (world: World, hooks: EventHooks) => hooks.alarm(Math.max(...world.armed, Date.now()));

describe("EventHooks", () => {
  it("coalesces a burst of changes: one check written once, one event of each kind with the newest state", async () => {
    await inObject(async (world) => {
      const { hooks } = world.hooks();
      const now = Date.now();
      for (let i = 0; i < 1_000; i++) {
        world.top = [entry(1, `p${i}`, i), entry(2, `p${i - 1}`, i - 1)];
        hooks.changed(now + i);
      }
      // A thousand changes: the check is written (and the alarm asked) once, `every` after the first.
      expect(world.checkWrites).toBe(1);
      expect(world.armed).toEqual([now + 10_000]);
      expect(world.rows()).toEqual([]);
      await fire(world, hooks);
      expect(world.posted.map((p) => p.body)).toEqual([
        { type: "leader.changed", game: "g", season: 1, leader: entry(1, "p999", 999), previous: null },
        { type: "top.changed", game: "g", season: 1, entries: world.top },
      ]);
      expect(world.rows()).toEqual([]);
    });
  });

  it("withdraws a pending leader.changed when the leader the receiver knows is back on top", async () => {
    await inObject(async (world) => {
      world.config = { ...world.config, webhook: { url: URL, events: ["leader.changed"], top: 1, every: 10 } };
      const { hooks } = world.hooks();
      world.top = [entry(1, "a", 5)];
      hooks.changed(Date.now());
      await fire(world, hooks);
      expect(world.posted.map((p) => p.body.leader)).toEqual([entry(1, "a", 5)]);

      world.receiverUp = false;
      world.top = [entry(1, "b", 6)];
      hooks.changed(Date.now());
      await fire(world, hooks);
      expect(world.rows().map((r) => [r.body.leader.player, r.body.previous.player])).toEqual([["b", "a"]]);
      // c replaces b and keeps the previous the receiver last got; a again withdraws it.
      world.top = [entry(1, "c", 7)];
      hooks.changed(Date.now());
      await fire(world, hooks);
      expect(world.rows().map((r) => [r.body.leader.player, r.body.previous.player])).toEqual([["c", "a"]]);
      world.top = [entry(1, "a", 8)];
      hooks.changed(Date.now());
      await fire(world, hooks);
      expect(world.rows()).toEqual([]);
    });
  });

  it("never replaces across a season's close, nor drops the close; a restart goes on from storage", async () => {
    await inObject(async (world) => {
      const first = world.hooks();
      world.receiverUp = false;
      world.top = [entry(1, "a", 5)];
      first.hooks.changed(Date.now());
      await fire(world, first.hooks);
      // The close holds its place; its archive is still on its way.
      world.tables.sql.exec("INSERT INTO hook_outbox (type, season) VALUES ('season.closed', 1)");
      world.closes.set(1, { state: "archiving" });
      world.season = 2;
      world.top = [entry(1, "b", 1)];
      first.hooks.changed(Date.now());

      // Evicted here: a new start finds the check and the outbox where they were.
      const { hooks } = world.hooks();
      world.armed.length = 0;
      hooks.resume(Date.now());
      expect(world.armed.length).toBeGreaterThan(0);
      await fire(world, hooks);
      expect(world.rows().map((r) => `${r.type} ${r.season}`)).toEqual([
        "leader.changed 1",
        "top.changed 1",
        "season.closed 1",
        "leader.changed 2",
        "top.changed 2",
      ]);
      expect(world.rows()[3].body.previous).toBeNull();

      // Up again: season 1's events go, then the close waits for its archive, and what follows waits behind it.
      world.receiverUp = true;
      world.posted.length = 0;
      await fire(world, hooks);
      await fire(world, hooks);
      expect(world.posted.map((p) => `${p.type} ${p.body.season}`)).toEqual(["leader.changed 1", "top.changed 1"]);
      world.closes.set(1, {
        state: "due",
        delivery: { url: URL, delivered: false, attempts: 0, nextAt: 0, until: Date.now() + 1000 },
        body: JSON.stringify({ type: "season.closed", game: "g", season: 1, awards: [] }),
      });
      await fire(world, hooks);
      expect(world.posted.map((p) => `${p.type} ${p.body.season}`)).toEqual([
        "leader.changed 1",
        "top.changed 1",
        "season.closed 1",
        "leader.changed 2",
        "top.changed 2",
      ]);
      expect(world.rows()).toEqual([]);
    });
  });

  it("tells a top change by players, ranks and scores, and checks again when a top entry leaves the window", async () => {
    await inObject(async (world) => {
      const now = Date.now();
      world.config = { ...world.config, window: 60 };
      const { hooks, outbox } = world.hooks();
      world.top = [entry(1, "a", 5, now - 50_000), entry(2, "b", 4, now - 30_000)];
      hooks.changed(now);
      await fire(world, hooks);
      expect(world.posted).toHaveLength(2);
      // a leaves the window 10 s from now: the next check is then (here `every` is 10 s too).
      expect(outbox.checkAt).toBeGreaterThanOrEqual(now + 10_000);
      expect(outbox.checkAt).toBeLessThan(now + 11_000);
      // Newer ts, same players, ranks and scores: nothing to tell.
      world.top = world.top.map((e) => ({ ...e, ts: e.ts + 1 }));
      await fire(world, hooks);
      expect(world.posted).toHaveLength(2);
      world.top = [entry(1, "b", 4, now - 30_000)];
      hooks.changed(now);
      await fire(world, hooks);
      expect(world.posted.slice(2).map((p) => p.body)).toEqual([
        {
          type: "leader.changed",
          game: "g",
          season: 1,
          leader: world.top[0],
          previous: entry(1, "a", 5, now - 50_000),
        },
        { type: "top.changed", game: "g", season: 1, entries: world.top },
      ]);
    });
  });

  it("gives season posts pending from before the outbox their places, oldest first", async () => {
    await inObject(async (world) => {
      const { sql } = world.tables;
      const delivery = (delivered: boolean) =>
        JSON.stringify({ url: URL, delivered, attempts: 1, nextAt: 0, until: 1 });
      for (const [season, webhook] of [
        [3, delivery(false)],
        [1, delivery(false)],
        [2, delivery(true)],
        [4, null],
      ] as const) {
        sql.exec(
          "INSERT INTO seasons (season, started_at, ended_at, complete, webhook) VALUES (?, 0, 1, 1, ?)",
          season,
          webhook,
        );
      }
      // As an object written before the outbox's migration (the 14th) stands: at version 13, without the
      // outbox nor what the later migrations add (objects/storage/schema.ts).
      sql.exec("DROP TABLE hook_outbox");
      sql.exec("DROP TABLE competitors_log");
      sql.exec("ALTER TABLE stats DROP COLUMN attempts");
      sql.exec("ALTER TABLE stats DROP COLUMN attempts_epoch");
      sql.exec("UPDATE meta SET value = ? WHERE key = 'schema'", String(OUTBOX_MIGRATION - 1));
      new ObjectSchema(sql, (work) => world.tables.transaction(work));
      expect(world.rows()).toEqual([
        { type: "season.closed", season: 1, body: null },
        { type: "season.closed", season: 3, body: null },
      ]);
    });
  });

  it("does nothing per change without board events (a plain URL or season.closed only)", async () => {
    await inObject(async (world) => {
      world.config = { ...world.config, webhook: URL };
      const { hooks } = world.hooks();
      world.top = [entry(1, "a", 5)];
      hooks.changed(Date.now());
      world.config = { ...world.config, webhook: { url: URL, events: ["season.closed"], top: 3, every: 10 } };
      hooks.changed(Date.now());
      expect(world.checkWrites).toBe(0);
      expect(world.armed).toEqual([]);
    });
  });
});
