/**
 * The live websocket protocol (`GET /v1/games/{game}/live`), shared by the
 * GameBoard object that sends it and the clients that read it. Plain types
 * (derived from the boards' schemas by type-only imports, which bundles
 * drop) and pure functions, no runtime dependencies, so the browser bundle
 * stays small.
 */
import type { CountryStanding, LeaderboardEntry, MvpEntry, TeamStanding, TrendingEntry } from "./boards";

/** The boards a spectator can watch. */
export const LIVE_BOARDS = ["players", "teams", "mvps", "trending", "countries"] as const;
export type LiveBoardName = (typeof LIVE_BOARDS)[number];

export const isBoardName = (name: string): name is LiveBoardName => (LIVE_BOARDS as readonly string[]).includes(name);

/** An entry of the players board (the default). */
export type LiveEntry = LeaderboardEntry;

/** Each board's entries. */
export interface BoardEntries {
  players: LiveEntry;
  teams: TeamStanding;
  mvps: MvpEntry;
  trending: TrendingEntry;
  countries: CountryStanding;
}

export type AnyLiveEntry = BoardEntries[LiveBoardName];

/** The field that names an entry on each board: updates and leavers are matched by it. */
export const ENTRY_KEY = {
  players: "player",
  teams: "team",
  mvps: "team",
  trending: "player",
  countries: "country",
} as const satisfies Record<LiveBoardName, "player" | "team" | "country">;

/** An entry that left the visible part of the board: its key field, and `rank: null`. */
export interface LeftEntry {
  rank: null;
  player?: string;
  team?: string;
  country?: string;
}

/** The first message on every socket: the visible part of the board. `board` is absent for players. */
export interface SnapshotMessage {
  type: "snapshot";
  seq: number;
  total: number;
  board?: LiveBoardName;
  entries: AnyLiveEntry[];
}

/** What changed since the previous message; `seq` is the previous one's plus one. */
export interface UpdateMessage {
  type: "update";
  seq: number;
  total: number;
  entries: (AnyLiveEntry | LeftEntry)[];
}

export type LiveMessage = SnapshotMessage | UpdateMessage;

/** What a spectator's view holds after applying messages. */
export interface LiveState<E extends AnyLiveEntry = AnyLiveEntry> {
  board: LiveBoardName;
  seq: number;
  total: number;
  /** By the board's key field. */
  entries: Map<string, E>;
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

/** The key of an entry (or a leaver) on `board`. */
export function entryKey(board: LiveBoardName, entry: AnyLiveEntry | LeftEntry): string {
  return (entry as Record<string, unknown>)[ENTRY_KEY[board]] as string;
}

/**
 * Applies a message to a board. Returns undefined when the message cannot
 * follow the board (a gap in `seq`): the client should reconnect for a fresh
 * snapshot.
 */
export function applyLiveMessage(state: LiveState | undefined, message: LiveMessage): LiveState | undefined {
  if (message.type === "snapshot") {
    const board = message.board ?? "players";
    const entries = new Map(message.entries.map((e) => [entryKey(board, e), e]));
    return { board, seq: message.seq, total: message.total, entries };
  }
  if (state === undefined || message.seq !== state.seq + 1) return undefined;
  const entries = new Map(state.entries);
  for (const entry of message.entries) {
    if (entry.rank === null) entries.delete(entryKey(state.board, entry));
    else entries.set(entryKey(state.board, entry), entry);
  }
  return { board: state.board, seq: message.seq, total: message.total, entries };
}

/** The board's entries in board order (shared ranks ordered by ts, then key). */
export function rankedEntries<E extends AnyLiveEntry>(state: LiveState<E>): E[] {
  const ts = (e: AnyLiveEntry) => ("ts" in e ? e.ts : 0);
  const key = (e: AnyLiveEntry) => entryKey(state.board, e);
  return [...state.entries.values()].sort(
    (a, b) => a.rank - b.rank || ts(a) - ts(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
  );
}

/** A players-board state, narrowed (the board is known from the snapshot). */
export function playersOf(state: LiveState): LiveState<LiveEntry> | undefined {
  return state.board === "players" ? (state as LiveState<LiveEntry>) : undefined;
}
