import type { Ranking } from "../../engine/ranking";
import { cohortNotFound, errorResponse, tooManySpectators, tooManyViews } from "../../protocol/errors";
import {
  type AnyLiveEntry,
  CLOSE,
  entryKey,
  PING,
  PONG,
  type SnapshotMessage,
  type UpdateMessage,
} from "../../protocol/live";
import {
  boardOf,
  diffEntries,
  type ViewSource,
  type ViewSpec,
  type ViewState,
  viewKey,
  viewTotal,
  visibleEntries,
} from "./views";

export interface LiveSettings {
  /** Least time between two updates of one game (ms). */
  liveEvery: number;
  maxSpectators: number;
  maxViews: number;
}

/** View states are saved once updates pause this long, and at least this often while they don't. */
const SAVE_AFTER_MS = 1000;
const SAVE_AT_LEAST_EVERY_MS = 5000;

interface View {
  spec: ViewSpec;
  sockets: Set<WebSocket>;
  state: ViewState;
}

/**
 * A game's spectators on hibernatable websockets. Spectators with the same
 * view share its messages: each update is diffed and encoded once per view,
 * not per socket, and distinct views are capped (`maxViews`), since each
 * costs a diff per update. A view's last sent state and seq are kept in
 * SQLite, so after the object hibernates, the next update still follows on
 * from what every socket last received. Views are rebuilt lazily from
 * `getWebSockets()` and the sockets' attachments.
 *
 * States are saved when updates pause (and every few seconds under steady
 * load), not after every update: an object only hibernates once no timer is
 * pending, so the pending save always lands first. Should an object be lost
 * some other way with sockets still open, a saved seq behind what a socket
 * holds shows it a gap, and it resyncs.
 */
export class Spectators {
  private views: Map<string, View> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private unsaved = new Set<string>();
  private oldestUnsaved = 0;
  /** While trending views watch and players are trending, the window slides without reports: refresh each second. */
  private trendTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly ranking: () => Ranking,
    private readonly source: () => ViewSource,
    private readonly settings: () => LiveSettings,
    /** A spectator came or went (the games directory counts them). */
    private readonly counted: () => void,
  ) {
    // Keep-alives are answered by the runtime, without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** Upgrades a request to a spectator socket, or refuses with 429 when full. */
  accept(spec: ViewSpec): Response {
    const views = this.loadViews();
    const connected = this.ctx.getWebSockets().length;
    if (connected >= this.settings().maxSpectators) {
      return errorResponse(tooManySpectators(connected, this.settings().maxSpectators));
    }
    if (spec.cohort !== undefined && !this.source().hasCohort?.(spec.cohort)) {
      return errorResponse(cohortNotFound(spec.cohort));
    }
    const key = viewKey(spec);
    let view = views.get(key);
    if (view === undefined && views.size >= this.settings().maxViews) {
      return errorResponse(tooManyViews(views.size, this.settings().maxViews));
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(spec);
    if (view === undefined) {
      const now = Date.now();
      this.ranking().expire(now);
      const source = this.source();
      const total = viewTotal(source, spec);
      view = { spec, sockets: new Set(), state: { seq: 0, total, entries: visibleEntries(source, spec, now) } };
      views.set(key, view);
      this.markUnsaved(key);
    }
    view.sockets.add(server);
    const snapshot: SnapshotMessage = {
      type: "snapshot",
      seq: view.state.seq,
      total: view.state.total,
      entries: [...view.state.entries.values()],
    };
    if (boardOf(spec) !== "players") snapshot.board = boardOf(spec);
    server.send(JSON.stringify(snapshot));
    this.scheduleExpiry();
    this.scheduleTrendTick();
    this.counted();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** What the views watch, one spec each. */
  specs(): ViewSpec[] {
    return [...this.loadViews().values()].map((view) => view.spec);
  }

  /** The board changed: spectators get one update within `liveEvery`. */
  changed(): void {
    // loadViews() asks the runtime for sockets once per wake-up; later batches answer from memory.
    if (this.flushTimer !== undefined || this.loadViews().size === 0) return;
    const wait = Math.max(0, this.lastFlush + this.settings().liveEvery - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
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
    this.counted();
  }

  /** Sockets open now; one closing is no longer counted. */
  get connected(): number {
    return this.ctx.getWebSockets().filter((socket) => socket.readyState === WebSocket.OPEN).length;
  }

  /** Closes every spectator's socket and forgets every view (the game was deleted). */
  closeAll(reason: string): void {
    for (const timer of [this.flushTimer, this.expiryTimer, this.saveTimer, this.trendTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this.flushTimer = this.expiryTimer = this.saveTimer = this.trendTimer = undefined;
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
  }

  /** Sends each view whose visible part (or total) changed its update. */
  private flush(): void {
    this.lastFlush = Date.now();
    this.ranking().expire(this.lastFlush);
    const source = this.source();
    for (const [key, view] of this.loadViews()) {
      const board = boardOf(view.spec);
      const total = viewTotal(source, view.spec);
      const entries = visibleEntries(source, view.spec, this.lastFlush);
      const changes = diffEntries(board, view.state.entries, entries);
      if (changes.length === 0 && total === view.state.total) continue;
      view.state = { seq: view.state.seq + 1, total, entries };
      this.markUnsaved(key);
      const update: UpdateMessage = { type: "update", seq: view.state.seq, total, entries: changes };
      const encoded = JSON.stringify(update);
      for (const socket of view.sockets) {
        try {
          socket.send(encoded);
        } catch {
          this.forget(socket);
        }
      }
    }
    this.scheduleExpiry();
    this.scheduleTrendTick();
  }

  private scheduleTrendTick(): void {
    if (this.trendTimer !== undefined || this.ranking().derived.trendingPlayers === 0) return;
    if (![...(this.views?.values() ?? [])].some((view) => boardOf(view.spec) === "trending")) return;
    this.trendTimer = setTimeout(() => {
      this.trendTimer = undefined;
      this.changed();
    }, 1000);
  }

  /** Players leaving a sliding window change the board with no report: wake for that. */
  private scheduleExpiry(): void {
    if (this.expiryTimer !== undefined || this.views?.size === 0) return;
    const at = this.ranking().nextExpiry();
    if (!Number.isFinite(at)) return;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        if (this.ranking().expire(Date.now()) > 0) this.changed();
        else this.scheduleExpiry();
      },
      Math.max(0, at - Date.now()) + 1,
    );
  }

  private forget(socket: WebSocket): void {
    const views = this.loadViews();
    for (const [key, view] of views) {
      if (!view.sockets.delete(socket)) continue;
      if (view.sockets.size === 0) {
        views.delete(key);
        this.unsaved.delete(key);
        this.ctx.storage.sql.exec("DELETE FROM live_views WHERE view = ?", key);
      }
      return;
    }
  }

  private markUnsaved(key: string): void {
    if (this.unsaved.size === 0) this.oldestUnsaved = Date.now();
    this.unsaved.add(key);
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    const wait = Math.min(SAVE_AFTER_MS, this.oldestUnsaved + SAVE_AT_LEAST_EVERY_MS - Date.now());
    this.saveTimer = setTimeout(() => this.saveViews(), Math.max(0, wait));
  }

  /** Writes the states of the views changed since the last save, in one transaction. */
  private saveViews(): void {
    this.saveTimer = undefined;
    const views = this.loadViews();
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

  /** The views of the connected sockets, rebuilt after a wake-up from attachments and SQLite. */
  private loadViews(): Map<string, View> {
    if (this.views !== undefined) return this.views;
    const sql = this.ctx.storage.sql;
    const saved = new Map<string, { seq: number; total: number; entries: AnyLiveEntry[] }>();
    for (const row of sql.exec<{ view: string; seq: number; total: number; entries: string }>(
      "SELECT view, seq, total, entries FROM live_views",
    )) {
      saved.set(row.view, { seq: row.seq, total: row.total, entries: JSON.parse(row.entries) as AnyLiveEntry[] });
    }
    const views = new Map<string, View>();
    for (const socket of this.ctx.getWebSockets()) {
      const spec = socket.deserializeAttachment() as ViewSpec | null;
      const key = spec === null ? undefined : viewKey(spec);
      const row = key === undefined ? undefined : saved.get(key);
      if (spec === null || key === undefined || row === undefined) {
        // Without its last state a socket cannot follow updates: let it resync.
        socket.close(1011, "the view was lost; reconnect for a fresh snapshot");
        continue;
      }
      const view = views.get(key);
      if (view !== undefined) {
        view.sockets.add(socket);
        continue;
      }
      // Entries are stored as a list: the view's board says which field keys them.
      const board = boardOf(spec);
      const state: ViewState = {
        seq: row.seq,
        total: row.total,
        entries: new Map(row.entries.map((e) => [entryKey(board, e), e])),
      };
      views.set(key, { spec, sockets: new Set([socket]), state });
    }
    for (const key of saved.keys()) {
      if (!views.has(key)) sql.exec("DELETE FROM live_views WHERE view = ?", key);
    }
    this.views = views;
    return views;
  }
}
