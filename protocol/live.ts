/**
 * The live websocket protocol (`GET /v1/games/{game}/live`), shared by the
 * GameBoard object that sends it and the web client that reads it. Plain types
 * and one pure function, no runtime dependencies, so the browser bundle stays
 * small.
 */

export interface LiveEntry {
  rank: number;
  player: string;
  score: number;
  ts: number;
  team?: string;
}

/** An entry that left the visible part of the board. */
export interface LeftEntry {
  player: string;
  rank: null;
}

/** The first message on every socket: the visible part of the board. */
export interface SnapshotMessage {
  type: "snapshot";
  seq: number;
  total: number;
  entries: LiveEntry[];
}

/** What changed since the previous message; `seq` is the previous one's plus one. */
export interface UpdateMessage {
  type: "update";
  seq: number;
  total: number;
  entries: (LiveEntry | LeftEntry)[];
}

export type LiveMessage = SnapshotMessage | UpdateMessage;

/** What a spectator's view holds after applying messages. */
export interface LiveState {
  seq: number;
  total: number;
  /** By player. */
  entries: Map<string, LiveEntry>;
}

export const LIVE_LIMIT = { min: 1, max: 100, default: 15 } as const;
export const LIVE_AROUND = { min: 0, max: 10, default: 2 } as const;

/** The text a spectator may send; the object answers "pong" without waking. */
export const PING = "ping";
export const PONG = "pong";

/** Close codes the server uses. */
export const CLOSE = {
  /** The spectator sent something other than `ping`. */
  unexpectedMessage: 1008,
} as const;

/**
 * Applies a message to a board. Returns undefined when the message cannot
 * follow the board (a gap in `seq`): the client should reconnect for a fresh
 * snapshot.
 */
export function applyLiveMessage(board: LiveState | undefined, message: LiveMessage): LiveState | undefined {
  if (message.type === "snapshot") {
    return { seq: message.seq, total: message.total, entries: new Map(message.entries.map((e) => [e.player, e])) };
  }
  if (board === undefined || message.seq !== board.seq + 1) return undefined;
  const entries = new Map(board.entries);
  for (const entry of message.entries) {
    if (entry.rank === null) entries.delete(entry.player);
    else entries.set(entry.player, entry);
  }
  return { seq: message.seq, total: message.total, entries };
}

/** The board's entries in board order (shared ranks ordered by ts, then player). */
export function rankedEntries(board: LiveState): LiveEntry[] {
  return [...board.entries.values()].sort(
    (a, b) => a.rank - b.rank || a.ts - b.ts || (a.player < b.player ? -1 : a.player > b.player ? 1 : 0),
  );
}
