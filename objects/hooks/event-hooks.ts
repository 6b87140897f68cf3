import type { LeaderboardEntry } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { boardHooks } from "../../protocol/hooks";
import type { AlarmClock } from "../alarm/alarm-clock";
import type { SeasonWorkflow } from "../seasons/season-workflow";
import { attempt, type Delivery } from "../seasons/webhook";
import type { GameTables } from "../storage/tables";
import { HookOutbox } from "./hook-outbox";

/** Posts per alarm firing: a firing holds the object between its awaits, so a backlog goes in steps. */
const POSTS_PER_FIRING = 10;

/** How the hooks reach the rest of the object. */
export interface HooksHost {
  /** The game's name; undefined before its first write and after its deletion. */
  game(): string | undefined;
  config(): Pick<GameConfig, "webhook" | "window">;
  /** The board's top `limit` entries now, as the leaderboard shows them (gathered from the shards of a sharded game). */
  top(limit: number): Promise<LeaderboardEntry[]>;
}

/** What the hooks keep and send through, each replaceable in tests. */
export interface HookParts {
  outbox: HookOutbox;
  clock: { arm(at: number): void };
  transaction<T>(work: () => T): T;
  /** One webhook attempt, and the delivery after it. */
  deliver(delivery: Delivery, body: string): Promise<Delivery>;
  /** The open season, and season closes posted in their place in the outbox. */
  seasons: Pick<SeasonWorkflow, "current" | "seasonClosed" | "seasonPosted">;
}

/**
 * A game's webhook events: season closes, and with `{events}` the board's
 * leader.changed and top.changed, posted in order from the object's alarm.
 *
 * A write pays nothing for them: `changed` only sets a check `every` seconds
 * ahead (once, kept in SQLite with the alarm, so an acknowledged change is
 * checked after a restart). The check reads the board's top `top` once and
 * compares it with what the newest events told, so however many writes came
 * in between, each kind gets at most one event carrying the newest state, and
 * the outbox is written at most once per `every`.
 *
 * One post is in flight at a time, the oldest first; a failed one is retried
 * with backoff (webhook.ts) and the later ones wait. The alarm never throws.
 */
export class EventHooks {
  constructor(
    private readonly host: HooksHost,
    private readonly parts: HookParts,
  ) {}

  /**
   * The hooks of a game's object, resumed: its outbox in `tables`, its alarm,
   * its seasons, posts signed with `secret`.
   */
  static over(
    tables: GameTables,
    clock: AlarmClock,
    seasons: HookParts["seasons"],
    secret: string,
    host: HooksHost,
  ): EventHooks {
    const hooks = new EventHooks(host, {
      outbox: new HookOutbox(tables.sql, tables.meta),
      clock,
      transaction: (work) => tables.transaction(work),
      deliver: (delivery, body) => attempt(delivery, body, secret),
      seasons,
    });
    hooks.resume(Date.now());
    return hooks;
  }

  /** At a start: asks the alarm for a check due and for the next post. */
  resume(now: number): void {
    if (this.host.game() === undefined) return;
    const { outbox, clock } = this.parts;
    if (outbox.checkAt !== null) clock.arm(Math.max(outbox.checkAt, now + 1));
    const next = this.nextPostAt();
    if (next !== undefined) clock.arm(Math.max(next, now + 1));
  }

  /** The board changed: a game with board events checks it `every` seconds from now, unless a check is coming. */
  changed(now: number): void {
    if (this.parts.outbox.checkAt !== null) return;
    const hooks = boardHooks(this.host.config().webhook);
    if (hooks !== null) this.checkAt(now + hooks.every * 1000);
  }

  /** The check due by `firedFor`, then the posts due. Never throws. */
  async alarm(firedFor: number): Promise<void> {
    const game = this.host.game();
    if (game === undefined) return;
    const { outbox, clock } = this.parts;
    const checkAt = outbox.checkAt;
    try {
      if (checkAt !== null && checkAt <= firedFor) await this.check(game);
      if (this.host.game() === game) await this.post(game, firedFor);
    } catch (error) {
      // A shard that did not answer the top: the next firing checks again.
      console.error(`hooks of ${game}: checking the board failed`, error);
      if (this.host.game() === game && outbox.checkAt === null) outbox.setCheckAt(Date.now() + 1000);
    }
    // The firing took the alarm: a check not due yet (or asked for meanwhile) asks again.
    const next = outbox.checkAt;
    if (this.host.game() === game && next !== null) clock.arm(Math.max(next, Date.now() + 1));
  }

  private checkAt(at: number): void {
    this.parts.outbox.setCheckAt(at);
    this.parts.clock.arm(at);
  }

  /** Compares the board's top with what the events told, and queues the events that differ. */
  private async check(game: string): Promise<void> {
    const { outbox } = this.parts;
    // Cleared first: a change while the top is gathered asks for the next check.
    outbox.setCheckAt(null);
    const hooks = boardHooks(this.host.config().webhook);
    if (hooks === null) return;
    const entries = await this.host.top(hooks.top);
    if (this.host.game() !== game) return;
    const season = this.parts.seasons.current().number;
    const now = Date.now();
    this.parts.transaction(() => {
      if (hooks.events.includes("leader.changed")) outbox.offerLeader(game, season, entries[0], hooks.url, now);
      if (hooks.events.includes("top.changed")) outbox.offerTop(game, season, entries, hooks.url, now);
    });
    // A top entry leaving the window changes the top without a write: check again when the first one does.
    const { window } = this.host.config();
    if (window > 0 && entries.length > 0 && outbox.checkAt === null) {
      const leaves = Math.min(...entries.map((e) => e.ts)) + window * 1000 + 1;
      this.checkAt(Math.max(leaves, now + hooks.every * 1000));
    }
  }

  /** Posts the outbox's oldest events due by `firedFor`, one at a time; stops at the first that must wait. */
  private async post(game: string, firedFor: number): Promise<void> {
    const { outbox, seasons, deliver, clock } = this.parts;
    for (let posted = 0; posted < POSTS_PER_FIRING; posted++) {
      const head = outbox.head();
      if (head === undefined) return;
      if (head.type === "season.closed") {
        const close = seasons.seasonClosed(head.season);
        // Its archive is still on its way to D1: the season workflow's copy brings the alarm back.
        if (close.state === "archiving") return;
        if (close.state === "done") {
          outbox.remove(head.seq);
          continue;
        }
        if (close.delivery.nextAt > firedFor) return clock.arm(close.delivery.nextAt);
        const after = await deliver(close.delivery, close.body);
        if (this.host.game() !== game) return;
        seasons.seasonPosted(head.season, after);
        if (!after.delivered) {
          console.error(`hooks of ${game}: season ${head.season}'s close answered ${after.last}`);
          return clock.arm(after.nextAt);
        }
        continue;
      }
      if (head.delivery.nextAt > firedFor) return clock.arm(head.delivery.nextAt);
      const after = await deliver(head.delivery, head.body);
      if (this.host.game() !== game) return;
      outbox.attempted(head.seq, after);
      if (!after.delivered) {
        // Retried after its backoff (a firing's `firedFor` may lie past it when tests fire early).
        console.error(`hooks of ${game}: ${head.type} answered ${after.last}`);
        return clock.arm(after.nextAt);
      }
    }
    clock.arm(Date.now() + 1);
  }

  /** When the oldest post is due, if one can go. */
  private nextPostAt(): number | undefined {
    const head = this.parts.outbox.head();
    if (head === undefined) return undefined;
    if (head.type !== "season.closed") return head.delivery.nextAt;
    const close = this.parts.seasons.seasonClosed(head.season);
    return close.state === "due" ? close.delivery.nextAt : close.state === "done" ? 0 : undefined;
  }
}
