import { type RelayLimits, relayAllowance, relayName, relaysFor } from "../../protocol/relays";
import type { LiveRelay } from "../relay/live-relay";
import type { RelayedMessage } from "../relay/messages";
import type { ViewSpec, ViewState } from "./views";

const RECOUNT_EVERY_MS = 1000;

interface Relay {
  /** Sockets it held when it last said (plus those placed on it since, until it says again). */
  sockets: number;
  /** The views it carries, by key. */
  views: Set<string>;
}

/**
 * The game's side of its relays: which relay carries which view, and how many
 * sockets each holds. An update of a view goes once to each relay that
 * carries it, all of a relay's views in one call; calls on one stub arrive
 * in order, so a relay gets a view's state before its updates. Which relay
 * carries which view is kept in SQLite (`relay_views`), so after a wake-up
 * the game still sends every relay its views.
 */
export class RelayFanout {
  private relays: Map<number, Relay> | undefined;
  /** Each carried view's spec and the relays that carry it. */
  private carried = new Map<string, { spec: ViewSpec; relays: Set<number> }>();
  private readonly stubs = new Map<number, DurableObjectStub<LiveRelay>>();
  private recountedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sql: SqlStorage,
    private readonly namespace: DurableObjectNamespace<LiveRelay>,
    private readonly limits: RelayLimits,
    private readonly game: () => string,
    /** Relays no longer carry this view: the game may forget it if no socket of its own holds it. */
    private readonly released: (key: string) => void,
  ) {}

  /** The views some relay carries, by key. */
  views(): ReadonlyMap<string, { spec: ViewSpec }> {
    this.load();
    return this.carried;
  }

  /** Sockets on relays, as last told. */
  get spectators(): number {
    let sum = 0;
    for (const relay of this.load().values()) sum += relay.sockets;
    return sum;
  }

  /** Relays in use: the Worker spreads direct joins over these. */
  get opened(): number {
    return this.load().size;
  }

  /**
   * Places a new spectator of a view on a relay with room, carrying the view's
   * state there first: a relay that already carries the view is preferred,
   * then the emptiest. Undefined when every relay the game may use is full.
   */
  async place(key: string, spec: ViewSpec, state: () => ViewState, maxSpectators: number): Promise<number | undefined> {
    const relays = this.load();
    const allowance = (index: number) => relayAllowance(index, maxSpectators, this.limits);
    const candidates = Array.from({ length: relaysFor(maxSpectators, this.limits) }, (_, i) => i)
      .filter((i) => (relays.get(i)?.sockets ?? 0) < allowance(i))
      .sort((a, b) => rankOf(relays.get(a), key) - rankOf(relays.get(b), key) || a - b);
    for (const index of candidates) {
      // Placements on their way count against a relay's room, so concurrent ones spread.
      if ((relays.get(index)?.sockets ?? 0) >= allowance(index)) continue;
      const carrying = relays.get(index)?.views.has(key) ?? false;
      const relay = this.subscribe(index, key, spec);
      relay.sockets++;
      const sockets = await this.stub(index)
        .carry({ game: this.game(), relay: index, allowance: allowance(index), spec, ...flat(state()) })
        .catch((error: unknown) => {
          this.stubs.delete(index);
          console.error(`relay ${index} did not take a view`, error);
          return Number.POSITIVE_INFINITY;
        });
      relay.sockets--;
      const held = Math.max(sockets, relay.sockets);
      if (held < allowance(index)) {
        this.counted(index, held + 1);
        return index;
      }
      // A relay full of the view's spectators still carries it; the caller forgets a view no relay took.
      if (!carrying) this.unsubscribe(index, [key], false);
      if (Number.isFinite(sockets)) this.counted(index, held);
    }
    return undefined;
  }

  /** Sends each relay the messages of the views it carries, in one call per relay. */
  deliver(messages: ReadonlyMap<string, string | null>): void {
    this.load();
    const batches = new Map<number, RelayedMessage[]>();
    for (const [view, message] of messages) {
      for (const index of this.carried.get(view)?.relays ?? []) {
        const batch = batches.get(index) ?? [];
        batch.push({ view, message });
        batches.set(index, batch);
      }
    }
    for (const [index, batch] of batches) {
      this.stub(index)
        .deliver(batch)
        .then(
          (dropped) => this.unsubscribe(index, dropped),
          (error: unknown) => {
            // A relay that missed an update sees a seq gap in the next one and resyncs its view.
            this.stubs.delete(index);
            console.error(`relay ${index} missed an update`, error);
          },
        );
    }
  }

  /** A relay holds `sockets` (as it told, or as placed): whether that changed the count. */
  counted(index: number, sockets: number): boolean {
    const relay = this.load().get(index) ?? { sockets: -1, views: new Set<string>() };
    if (relay.sockets === sockets) return false;
    relay.sockets = sockets;
    this.relays?.set(index, relay);
    this.sql.exec("INSERT OR REPLACE INTO live_relays (relay, sockets) VALUES (?, ?)", index, sockets);
    return true;
  }

  /** Asks every relay how many sockets it holds now (at most once a second: a full game is asked often). */
  async recount(): Promise<void> {
    const now = Date.now();
    if (now - this.recountedAt < RECOUNT_EVERY_MS) return;
    this.recountedAt = now;
    await Promise.all(
      [...this.load().keys()].map(async (index) => {
        const sockets = await this.stub(index)
          .sockets()
          .catch((error: unknown) => {
            this.stubs.delete(index);
            console.error(`relay ${index} did not tell its count`, error);
            return undefined;
          });
        if (sockets !== undefined) this.counted(index, sockets);
      }),
    );
  }

  /** Tells every relay its share of a changed `maxSpectators`. */
  allow(maxSpectators: number): void {
    for (const index of this.load().keys()) {
      this.stub(index)
        .allow(relayAllowance(index, maxSpectators, this.limits))
        .catch((error: unknown) => {
          this.stubs.delete(index);
          console.error(`relay ${index} did not take its allowance`, error);
        });
    }
  }

  /** Closes every relay's sockets and empties them (the game is being deleted). */
  async closeAll(reason: string): Promise<void> {
    const indexes = [...this.load().keys()];
    await Promise.all(
      indexes.map((index) =>
        this.stub(index)
          .close(reason)
          .catch((error: unknown) => console.error(`relay ${index} did not close`, error)),
      ),
    );
    this.relays = new Map();
    this.carried = new Map();
  }

  private subscribe(index: number, key: string, spec: ViewSpec): Relay {
    const relay = this.load().get(index) ?? { sockets: 0, views: new Set<string>() };
    this.relays?.set(index, relay);
    if (relay.views.has(key)) return relay;
    relay.views.add(key);
    const view = this.carried.get(key) ?? { spec, relays: new Set<number>() };
    view.relays.add(index);
    this.carried.set(key, view);
    this.sql.exec(
      "INSERT OR REPLACE INTO relay_views (relay, view, spec) VALUES (?, ?, ?)",
      index,
      key,
      JSON.stringify(spec),
    );
    this.sql.exec("INSERT OR IGNORE INTO live_relays (relay, sockets) VALUES (?, ?)", index, relay.sockets);
    return relay;
  }

  private unsubscribe(index: number, keys: readonly string[], release = true): void {
    const relay = this.load().get(index);
    for (const key of keys) {
      if (!relay?.views.delete(key)) continue;
      this.sql.exec("DELETE FROM relay_views WHERE relay = ? AND view = ?", index, key);
      const view = this.carried.get(key);
      view?.relays.delete(index);
      if (view?.relays.size === 0) {
        this.carried.delete(key);
        if (release) this.released(key);
      }
    }
  }

  private stub(index: number): DurableObjectStub<LiveRelay> {
    let stub = this.stubs.get(index);
    if (stub === undefined) {
      stub = this.namespace.getByName(relayName(this.game(), index));
      this.stubs.set(index, stub);
    }
    return stub;
  }

  private load(): Map<number, Relay> {
    if (this.relays !== undefined) return this.relays;
    const relays = new Map<number, Relay>();
    for (const { relay, sockets } of this.sql.exec<{ relay: number; sockets: number }>(
      "SELECT relay, sockets FROM live_relays",
    )) {
      relays.set(relay, { sockets, views: new Set() });
    }
    for (const { relay, view, spec } of this.sql.exec<{ relay: number; view: string; spec: string }>(
      "SELECT relay, view, spec FROM relay_views",
    )) {
      relays.get(relay)?.views.add(view);
      const carried = this.carried.get(view) ?? { spec: JSON.parse(spec) as ViewSpec, relays: new Set<number>() };
      carried.relays.add(relay);
      this.carried.set(view, carried);
    }
    this.relays = relays;
    return relays;
  }
}

/** Relays that carry the view come first (no state to carry), then the emptiest. */
function rankOf(relay: Relay | undefined, key: string): number {
  return (relay?.views.has(key) ? 0 : 1e9) + (relay?.sockets ?? 0);
}

function flat(state: ViewState) {
  return { seq: state.seq, total: state.total, entries: [...state.entries.values()] };
}
