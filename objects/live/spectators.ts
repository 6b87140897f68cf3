import type { Ranking } from "../../engine/ranking";
import { cohortNotFound, errorResponse, tooManySockets, tooManySpectators, tooManyViews } from "../../protocol/errors";
import type { UpdateMessage } from "../../protocol/live";
import { RELAY_HEADER, RELAYS_HEADER, type RelayLimits, relayLimits, SOCKETS_PER_ADDRESS } from "../../protocol/relays";
import { addressOf, type HeldView, HeldViews } from "./held-views";
import { RelayFanout } from "./relay-fanout";
import {
  boardOf,
  diffEntries,
  type ViewSource,
  type ViewSpec,
  viewKey,
  viewSpecOf,
  viewTotal,
  visibleEntries,
} from "./views";

export interface LiveSettings {
  /** Least time between two updates of one game (ms). */
  liveEvery: number;
  maxSpectators: number;
  maxViews: number;
}

/** What the spectators reach of the game's object. */
export interface SpectatorsHost {
  game(): string;
  ranking(): Ranking;
  source(): ViewSource;
  /** Makes `source` ready to answer these views (a sharded game gathers them from its shards). */
  gather(specs: ViewSpec[]): Promise<void>;
  settings(): LiveSettings;
  /** A spectator came or went (the games directory counts them). */
  counted(): void;
}

/**
 * A board's top N, which no player, country, set or cohort narrows: never
 * refused for `maxViews`. There are at most a few hundred (one per board and
 * length), and anyone could otherwise lock every spectator out of the plain
 * board by opening views that follow made-up players.
 */
const isPlainTop = (spec: ViewSpec): boolean =>
  spec.player === undefined && spec.players === undefined && spec.country === undefined && spec.cohort === undefined;

/**
 * A game's spectators. The game's object is their door: it admits each new
 * spectator (limits, views), holds the first sockets itself and places the
 * rest on relays (README, "Audiences beyond one object"). It computes every
 * view: each update is diffed and encoded once per view, sent to the view's
 * own sockets and once to each relay that carries the view. Distinct views
 * are capped (`maxViews`), since each costs a diff per update.
 */
export class Spectators {
  private readonly held: HeldViews;
  private readonly fanout: RelayFanout;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  /** While trending views watch and players are trending, the window slides without reports: refresh each second. */
  private trendTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly limits: RelayLimits;

  constructor(
    ctx: DurableObjectState,
    env: Pick<Env, "RELAY" | "LIVE_RELAY_AFTER" | "LIVE_RELAY_SOCKETS">,
    private readonly host: SpectatorsHost,
  ) {
    this.limits = relayLimits(env);
    this.fanout = new RelayFanout(ctx.storage.sql, env.RELAY, this.limits, host.game, (key) => this.held.release(key));
    this.held = new HeldViews(ctx, () => this.fanout.views());
  }

  /**
   * Admits a new spectator (the Worker's validated upgrade, with its client's
   * address key): a 101 with its socket held here, a 307 naming the relay
   * that now carries its view (the Worker takes the upgrade there), or
   * 429/404 before any upgrade.
   */
  async admit(request: Request): Promise<Response> {
    const spec = viewSpecOf(new URL(request.url).searchParams);
    const address = addressOf(request);
    const { maxSpectators, maxViews } = this.host.settings();
    // Counts told before a crash or deploy may stand for sockets that are gone: asked afresh before refusing.
    if (this.connected >= maxSpectators) await this.fanout.recount();
    const connected = this.connected;
    if (connected >= maxSpectators) return errorResponse(tooManySpectators(connected, maxSpectators));
    if (spec.cohort !== undefined && !this.host.source().hasCohort?.(spec.cohort)) {
      return errorResponse(cohortNotFound(spec.cohort));
    }
    const key = viewKey(spec);
    const views = this.held.all();
    let view = views.get(key);
    if (view === undefined) {
      if (views.size >= maxViews && !isPlainTop(spec)) return errorResponse(tooManyViews(views.size, maxViews));
      await this.host.gather([...this.specs(), spec]);
      view = this.held.get(key) ?? this.held.add(spec, this.stateOf(spec));
    }
    this.scheduleExpiry();
    this.scheduleTrendTick();
    // An address past its share here goes to a relay when the game places spectators on them.
    const crowded = this.held.crowded(address);
    if (this.held.connected < Math.min(this.limits.after, maxSpectators) && !crowded) {
      const response = this.held.hold(view, address);
      this.host.counted();
      return response;
    }
    if (crowded && this.limits.after >= maxSpectators) return errorResponse(tooManySockets(SOCKETS_PER_ADDRESS));
    const place = () => this.fanout.place(key, spec, () => view.state, maxSpectators);
    const relay = (await place()) ?? (await this.fanout.recount().then(place));
    this.held.release(key);
    if (relay === undefined) return errorResponse(tooManySpectators(this.connected, maxSpectators));
    this.host.counted();
    return new Response(null, {
      status: 307,
      headers: { [RELAY_HEADER]: String(relay), [RELAYS_HEADER]: String(this.fanout.opened) },
    });
  }

  /** The game's config changed: relays hold to the new `maxSpectators`. */
  reconfigured(): void {
    this.fanout.allow(this.host.settings().maxSpectators);
  }

  /** What the views watch, one spec each. */
  specs(): ViewSpec[] {
    return [...this.held.all().values()].map((view) => view.spec);
  }

  /** The board changed: spectators get one update within `liveEvery`. */
  changed(): void {
    // The views are asked of the runtime once per wake-up; later batches answer from memory.
    if (this.flushTimer !== undefined || this.held.all().size === 0) return;
    const wait = Math.max(0, this.lastFlush + this.host.settings().liveEvery - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
  }

  message(socket: WebSocket, message: string | ArrayBuffer): void {
    this.held.message(socket, message);
  }

  closed(socket: WebSocket, code?: number, reason?: string): void {
    this.held.closed(socket, code, reason);
    this.host.counted();
  }

  /** A relay told how many sockets it holds. */
  relayCounted(relay: number, sockets: number): void {
    if (this.fanout.counted(relay, sockets)) this.host.counted();
  }

  /** Sockets open now, here and on relays (as they last told). */
  get connected(): number {
    return this.held.connected + this.fanout.spectators;
  }

  /** Closes every spectator's socket, here and on relays, and forgets every view (the game is being deleted). */
  async closeAll(reason: string): Promise<void> {
    for (const timer of [this.flushTimer, this.expiryTimer, this.trendTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this.flushTimer = this.expiryTimer = this.trendTimer = undefined;
    await this.fanout.closeAll(reason);
    this.held.closeAll(reason);
  }

  /** Sends each view whose visible part (or total) changed its update: to its sockets, and once per relay. */
  private flush(): void {
    this.lastFlush = Date.now();
    this.host.ranking().expire(this.lastFlush);
    const source = this.host.source();
    const relayed = new Map<string, string | null>();
    const carried = this.fanout.views();
    for (const [key, view] of this.held.all()) {
      const board = boardOf(view.spec);
      const total = viewTotal(source, view.spec);
      const entries = visibleEntries(source, view.spec, this.lastFlush);
      const changes = diffEntries(board, view.state.entries, entries);
      if (changes.length === 0 && total === view.state.total) continue;
      const state = { seq: view.state.seq + 1, total, entries };
      const update: UpdateMessage = { type: "update", seq: state.seq, total, entries: changes };
      const encoded = JSON.stringify(update);
      this.held.send(key, state, encoded);
      if (carried.has(key)) relayed.set(key, encoded);
    }
    // Views relays carry whose state this object lost (a crash before its save): their sockets resync.
    for (const key of carried.keys()) if (!this.held.all().has(key)) relayed.set(key, null);
    if (relayed.size > 0) this.fanout.deliver(relayed);
    this.scheduleExpiry();
    this.scheduleTrendTick();
  }

  private stateOf(spec: ViewSpec): HeldView["state"] {
    const now = Date.now();
    this.host.ranking().expire(now);
    const source = this.host.source();
    return { seq: 0, total: viewTotal(source, spec), entries: visibleEntries(source, spec, now) };
  }

  private scheduleTrendTick(): void {
    if (this.trendTimer !== undefined || this.host.ranking().derived.trendingPlayers === 0) return;
    if (![...this.held.all().values()].some((view) => boardOf(view.spec) === "trending")) return;
    this.trendTimer = setTimeout(() => {
      this.trendTimer = undefined;
      this.changed();
    }, 1000);
  }

  /** Players leaving a sliding window change the board with no report: wake for that. */
  private scheduleExpiry(): void {
    if (this.expiryTimer !== undefined || this.held.all().size === 0) return;
    const at = this.host.ranking().nextExpiry();
    if (!Number.isFinite(at)) return;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        if (this.host.ranking().expire(Date.now()) > 0) this.changed();
        else this.scheduleExpiry();
      },
      Math.max(0, at - Date.now()) + 1,
    );
  }
}
