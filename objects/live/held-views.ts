import { type AnyLiveEntry, CLOSE, PING, PONG, type SnapshotMessage } from "../../protocol/live";
import { ADDRESS_HEADER, SOCKETS_PER_ADDRESS } from "../../protocol/relays";
import { boardOf, type ViewSpec, type ViewState, viewKey, viewState } from "./views";

/** View states are saved once updates pause this long, and at least this often while they don't. */
const SAVE_AFTER_MS = 1000;
const SAVE_AT_LEAST_EVERY_MS = 5000;

/** The `live_views` table both the game and its relays keep their views' last states in. */
export const LIVE_VIEWS_TABLE =
  "CREATE TABLE IF NOT EXISTS live_views (view TEXT PRIMARY KEY, seq INTEGER NOT NULL, total INTEGER NOT NULL, entries TEXT NOT NULL) WITHOUT ROWID";

/** A socket's tag naming its client's address (tags are at most 256 characters; an address key is far shorter). */
const addressTag = (address: string): string => `address:${address}`;

/** The client address key the Worker put on an upgrade; absent for loopback clients, which no cap counts. */
export const addressOf = (request: Request): string | undefined => request.headers.get(ADDRESS_HEADER) ?? undefined;

export interface HeldView {
  spec: ViewSpec;
  sockets: Set<WebSocket>;
  state: ViewState;
}

/**
 * Hibernatable spectator sockets grouped by view, each view with the last
 * state its sockets were sent, as the game's object and each relay hold them.
 * Spectators with the same view share its messages: each is encoded once per
 * view, not per socket. A view's last state and seq are kept in SQLite, so
 * after the object hibernates the next update still follows on from what
 * every socket last received. Views are rebuilt lazily from
 * `getWebSockets()` and the sockets' attachments.
 *
 * States are saved when updates pause (and every few seconds under steady
 * load), not after every update: an object only hibernates once no timer is
 * pending, so the pending save always lands first. Should an object be lost
 * some other way with sockets still open, a saved seq behind what a socket
 * holds shows it a gap, and it resyncs.
 */
export class HeldViews {
  private views: Map<string, HeldView> | undefined;
  private sockets = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private unsaved = new Set<string>();
  private oldestUnsaved = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    /** Views kept without sockets of their own (the game's views carried only by relays), with their specs. */
    private readonly kept: () => ReadonlyMap<string, { spec: ViewSpec }> = () => new Map(),
  ) {
    // Keep-alives are answered by the runtime, without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** Every view, by key. */
  all(): Map<string, HeldView> {
    return this.load();
  }

  get(key: string): HeldView | undefined {
    return this.load().get(key);
  }

  /** Sockets held now; one closing is no longer counted. Kept as a count: asking the runtime for every socket costs a wrapper each. */
  get connected(): number {
    this.load();
    return this.sockets;
  }

  /** Adds a view no socket holds yet, with its first state. */
  add(spec: ViewSpec, state: ViewState): HeldView {
    const key = viewKey(spec);
    const view = { spec, sockets: new Set<WebSocket>(), state };
    this.load().set(key, view);
    this.markUnsaved(key);
    return view;
  }

  /** Whether `address` already holds its SOCKETS_PER_ADDRESS here (see `hold`), hibernating sockets included. */
  crowded(address: string | undefined): boolean {
    return address !== undefined && this.ctx.getWebSockets(addressTag(address)).length >= SOCKETS_PER_ADDRESS;
  }

  /** Accepts a new socket on `view`, tagged with its client's address when known, and sends it the view's snapshot. */
  hold(view: HeldView, address: string | undefined): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, address === undefined ? [] : [addressTag(address)]);
    server.serializeAttachment(view.spec);
    view.sockets.add(server);
    this.sockets++;
    server.send(JSON.stringify(snapshotOf(view)));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The view moved on to `state`: its sockets get `encoded` (the update that leads there). */
  send(key: string, state: ViewState, encoded: string): void {
    const view = this.load().get(key);
    if (view === undefined) return;
    view.state = state;
    this.markUnsaved(key);
    for (const socket of view.sockets) {
      try {
        socket.send(encoded);
      } catch {
        this.forget(socket);
      }
    }
  }

  /** Closes the sockets of a view that can no longer follow its updates, and forgets it. */
  lose(key: string, reason: string): void {
    const view = this.load().get(key);
    if (view === undefined) return;
    for (const socket of view.sockets) {
      try {
        socket.close(1011, reason);
      } catch {
        // Already closed.
      }
    }
    this.remove(key);
  }

  /** A spectator sent something: only `ping` is expected (answered by the runtime). */
  message(socket: WebSocket, message: string | ArrayBuffer): void {
    if (message === PING) {
      socket.send(PONG);
      return;
    }
    this.forget(socket);
    socket.close(CLOSE.unexpectedMessage, `spectators may only send "${PING}"`);
  }

  closed(socket: WebSocket, code?: number, reason?: string): void {
    this.forget(socket);
    try {
      socket.close(code === 1005 || code === undefined ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  /** Closes every socket and forgets every view (the game was deleted). */
  closeAll(reason: string): void {
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.unsaved.clear();
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.close(1000, reason);
      } catch {
        // Already closed.
      }
    }
    // Known to be empty: no table is read for the close events still to come.
    this.views = new Map();
    this.sockets = 0;
  }

  /** Forgets a view with no sockets that is no longer kept. */
  release(key: string): void {
    const view = this.load().get(key);
    if (view !== undefined && view.sockets.size === 0 && !this.kept().has(key)) this.remove(key);
  }

  private forget(socket: WebSocket): void {
    for (const [key, view] of this.load()) {
      if (!view.sockets.delete(socket)) continue;
      this.sockets--;
      if (view.sockets.size === 0 && !this.kept().has(key)) this.remove(key);
      return;
    }
  }

  private remove(key: string): void {
    this.sockets -= this.load().get(key)?.sockets.size ?? 0;
    this.load().delete(key);
    this.unsaved.delete(key);
    this.ctx.storage.sql.exec("DELETE FROM live_views WHERE view = ?", key);
  }

  private markUnsaved(key: string): void {
    if (this.unsaved.size === 0) this.oldestUnsaved = Date.now();
    this.unsaved.add(key);
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    const wait = Math.min(SAVE_AFTER_MS, this.oldestUnsaved + SAVE_AT_LEAST_EVERY_MS - Date.now());
    this.saveTimer = setTimeout(() => this.save(), Math.max(0, wait));
  }

  /** Writes the states of the views changed since the last save, in one transaction. */
  private save(): void {
    this.saveTimer = undefined;
    const views = this.load();
    const keys = [...this.unsaved];
    this.unsaved.clear();
    this.ctx.storage.transactionSync(() => {
      for (const key of keys) {
        const state = views.get(key)?.state;
        if (state === undefined) continue;
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO live_views (view, seq, total, entries) VALUES (?, ?, ?, ?)",
          key,
          state.seq,
          state.total,
          JSON.stringify([...state.entries.values()]),
        );
      }
    });
  }

  /** The views of the connected sockets (and the kept ones), rebuilt after a wake-up from attachments and SQLite. */
  private load(): Map<string, HeldView> {
    if (this.views !== undefined) return this.views;
    const sql = this.ctx.storage.sql;
    const saved = new Map<string, { seq: number; total: number; entries: AnyLiveEntry[] }>();
    for (const row of sql.exec<{ view: string; seq: number; total: number; entries: string }>(
      "SELECT view, seq, total, entries FROM live_views",
    )) {
      saved.set(row.view, { seq: row.seq, total: row.total, entries: JSON.parse(row.entries) as AnyLiveEntry[] });
    }
    const views = new Map<string, HeldView>();
    const restore = (spec: ViewSpec, key: string) => {
      const row = saved.get(key);
      if (row === undefined) return undefined;
      // Entries are stored as a list: the view's board says which field keys them.
      const view = { spec, sockets: new Set<WebSocket>(), state: viewState(spec, row) };
      views.set(key, view);
      return view;
    };
    for (const [key, { spec }] of this.kept()) restore(spec, key);
    for (const socket of this.ctx.getWebSockets()) {
      const spec = socket.deserializeAttachment() as ViewSpec | null;
      const key = spec === null ? undefined : viewKey(spec);
      const view = spec === null || key === undefined ? undefined : (views.get(key) ?? restore(spec, key));
      if (view === undefined) {
        // Without its last state a socket cannot follow updates: let it resync.
        socket.close(1011, "the view was lost; reconnect for a fresh snapshot");
        continue;
      }
      view.sockets.add(socket);
      this.sockets++;
    }
    for (const key of saved.keys()) {
      if (!views.has(key)) sql.exec("DELETE FROM live_views WHERE view = ?", key);
    }
    this.views = views;
    return views;
  }
}

/** The first message a socket of `view` gets. */
function snapshotOf(view: HeldView): SnapshotMessage {
  const snapshot: SnapshotMessage = {
    type: "snapshot",
    seq: view.state.seq,
    total: view.state.total,
    entries: [...view.state.entries.values()],
  };
  if (boardOf(view.spec) !== "players") snapshot.board = boardOf(view.spec);
  return snapshot;
}
