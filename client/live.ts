import {
  applyLiveMessage,
  type BoardEntries,
  type LiveBoardName,
  type LiveMessage,
  type LiveState,
  PING,
  PONG,
  rankedEntries,
} from "../protocol/live";

export type FeedState = "connecting" | "live" | "reconnecting";

export interface LiveFeedOptions<B extends LiveBoardName = "players"> {
  /** The board to watch (default players). */
  board?: B;
  /** Top entries to watch, 1-100 (default 15). */
  limit?: number;
  /** On the players board: only this country's players. */
  country?: string;
  /** Follow this player: its entry and `around` neighbours on each side. */
  player?: string;
  around?: number;
  /** On the players board: only these players (friends, at most 100), wherever they stand. */
  players?: readonly string[];
  /** On the players board: only this cohort's players, ranked within it (each with `globalRank`). */
  cohort?: number;
  /** Called with the board after every message applied. */
  onBoard?: (board: LiveState<BoardEntries[B]>) => void;
  /** Called when the connection's state changes; `detail` says when the next attempt is. */
  onState?: (state: FeedState, detail?: string) => void;
  /** Most time between reconnection attempts (ms). */
  maxBackoffMs?: number;
}

const KEEPALIVE_MS = 30_000;

/**
 * A game's live board over its websocket (`/v1/games/{game}/live`), as every
 * client should hold it: messages applied with the protocol's reference
 * reducer, a fresh snapshot after any gap in `seq`, and reconnection with
 * jittered exponential backoff when the socket drops. Runs in browsers, Node
 * and workerd (any global WebSocket).
 */
export class LiveFeed<B extends LiveBoardName = "players"> {
  /** The board as last applied; undefined while (re)connecting. */
  board: LiveState<BoardEntries[B]> | undefined;
  /** Sockets opened after the first. */
  reconnects = 0;
  /** Gaps in `seq` seen (each one answered by a resync). */
  gaps = 0;
  private socket: WebSocket | undefined;
  private attempt = 0;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly url: string;

  constructor(
    baseUrl: string,
    readonly game: string,
    private readonly options: LiveFeedOptions<B> = {},
  ) {
    const query = new URLSearchParams({ limit: String(options.limit ?? 15) });
    if (options.board !== undefined) query.set("board", options.board);
    if (options.country !== undefined) query.set("country", options.country);
    if (options.player !== undefined) query.set("player", options.player);
    if (options.around !== undefined) query.set("around", String(options.around));
    // The route reads the set comma-separated: names holding a comma cannot be watched live.
    if (options.players !== undefined) query.set("players", options.players.join(","));
    if (options.cohort !== undefined) query.set("cohort", String(options.cohort));
    const base = baseUrl.replace(/\/$/, "").replace(/^http/, "ws");
    this.url = `${base}/v1/games/${encodeURIComponent(game)}/live?${query}`;
  }

  /** Connects; the promise settles with the first board (or rejects if the first socket fails). */
  open(): Promise<LiveState<BoardEntries[B]>> {
    this.closed = false;
    return new Promise((resolve, reject) => {
      let settled = false;
      this.connect(
        (board) => {
          if (!settled) resolve(board);
          settled = true;
        },
        () => {
          if (!settled) reject(new Error(`could not watch ${this.game} at ${this.url}`));
          settled = true;
        },
      );
    });
  }

  /** Stops for good: no more reconnections. */
  close(): void {
    this.closed = true;
    if (this.keepalive !== undefined) clearInterval(this.keepalive);
    this.socket?.close(1000, "leaving");
  }

  /** The followed player, if any. */
  get following(): string | undefined {
    return this.options.player;
  }

  /** The board's entries in board order. */
  entries(): BoardEntries[B][] {
    return this.board === undefined ? [] : rankedEntries(this.board);
  }

  private connect(first?: (board: LiveState<BoardEntries[B]>) => void, failed?: () => void): void {
    this.options.onState?.(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
    });
    socket.addEventListener("message", (event) => {
      const board = this.receive(String(event.data));
      if (board !== undefined) first?.(board);
    });
    socket.addEventListener("close", () => {
      if (!opened) failed?.();
      this.dropped(socket);
    });
    socket.addEventListener("error", () => socket.close());
  }

  private receive(text: string): LiveState<BoardEntries[B]> | undefined {
    if (text === PONG) return undefined;
    const message = JSON.parse(text) as LiveMessage;
    // The server sends this board's entries: the board was asked for by name.
    const next = applyLiveMessage(this.board, message) as LiveState<BoardEntries[B]> | undefined;
    if (next === undefined) {
      // A gap: what we hold no longer follows. Start over from a snapshot.
      this.gaps++;
      this.board = undefined;
      this.socket?.close(4000, "resync");
      return undefined;
    }
    if (message.type === "snapshot") {
      this.attempt = 0;
      this.options.onState?.("live");
      if (this.keepalive !== undefined) clearInterval(this.keepalive);
      this.keepalive = setInterval(() => this.socket?.send(PING), KEEPALIVE_MS);
    }
    this.board = next;
    this.options.onBoard?.(next);
    return next;
  }

  private dropped(socket: WebSocket): void {
    if (socket !== this.socket || this.closed) return;
    if (this.keepalive !== undefined) clearInterval(this.keepalive);
    this.board = undefined;
    const delay = Math.min(this.options.maxBackoffMs ?? 10_000, 250 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.reconnects++;
    this.options.onState?.("reconnecting", `retrying in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(() => this.connect(), delay);
  }
}
