import {
  type AnyLiveEntry,
  ENTRY_KEY,
  entryKey,
  type LeftEntry,
  type LiveBoardName,
  type LiveEntry,
} from "../../protocol/live";

/**
 * What a group of spectators watches: the top `limit` of a board; on the
 * players board, a followed player's neighbourhood, one country's players,
 * a set of players (friends) wherever they stand, or one cohort's board.
 */
export interface ViewSpec {
  /** Absent in attachments saved before other boards existed: the players board. */
  board?: LiveBoardName;
  limit: number;
  player?: string;
  around: number;
  country?: string;
  /** A set of players, sorted and unique (one view per set, in any order asked). */
  players?: string[];
  /** One cohort's board, ranked within it. */
  cohort?: number;
}

/** The last state sent to a view's spectators, and its message number. */
export interface ViewState {
  seq: number;
  total: number;
  entries: Map<string, AnyLiveEntry>;
}

/** A view's state from its entries as a list (saved, or carried to a relay), keyed by its board's key field. */
export function viewState(spec: ViewSpec, saved: { seq: number; total: number; entries: AnyLiveEntry[] }): ViewState {
  const board = boardOf(spec);
  return { seq: saved.seq, total: saved.total, entries: new Map(saved.entries.map((e) => [entryKey(board, e), e])) };
}

/** Where views read their entries: the same reads the API answers with. */
export interface ViewSource {
  page(offset: number, limit: number): LiveEntry[];
  around(player: string, radius: number): LiveEntry[] | undefined;
  countryPage(country: string, offset: number, limit: number): LiveEntry[];
  /** These players' entries on the board, in board order, ranked on the whole board. */
  players(names: readonly string[]): LiveEntry[];
  teams(offset: number, limit: number): AnyLiveEntry[];
  mvps(offset: number, limit: number): AnyLiveEntry[];
  trending(now: number, limit: number): AnyLiveEntry[];
  countries(offset: number, limit: number): AnyLiveEntry[];
  total(board: LiveBoardName, country?: string): number;
  /** A cohort's board, ranked within it, each entry with `globalRank` (absent where games have no cohorts). */
  cohortPage?(cohort: number, offset: number, limit: number): LiveEntry[];
  cohortTotal?(cohort: number): number;
  /** Whether the cohort has been opened this season (a view of another is refused). */
  hasCohort?(cohort: number): boolean;
}

/** What a view's `total` counts: its board's, its country's or its cohort's. */
export function viewTotal(source: ViewSource, spec: ViewSpec): number {
  if (spec.cohort !== undefined) return source.cohortTotal?.(spec.cohort) ?? 0;
  return source.total(boardOf(spec), spec.country);
}

export const boardOf = (spec: ViewSpec): LiveBoardName => spec.board ?? "players";

/** The view an upgrade asks for, read back from the query the Worker validated and wrote. */
export function viewSpecOf(query: URLSearchParams): ViewSpec {
  const spec: ViewSpec = { limit: Number(query.get("limit")), around: Number(query.get("around")) };
  const board = query.get("board") as LiveBoardName | null;
  if (board !== null && board !== "players") spec.board = board;
  const player = query.get("player");
  if (player !== null) spec.player = player;
  const country = query.get("country");
  if (country !== null) spec.country = country;
  const players = query.getAll("players");
  if (players.length > 0) spec.players = [...new Set(players)].sort();
  const cohort = query.get("cohort");
  if (cohort !== null) spec.cohort = Number(cohort);
  return spec;
}

/** One key per distinct view: spectators with equal keys share every message. Player views keep their old keys. */
export function viewKey(spec: ViewSpec): string {
  const { limit, player, around, country, players, cohort } = spec;
  const board = boardOf(spec);
  if (board !== "players") return `${board}:${limit}`;
  // Names hold no control characters: a newline cannot be part of one.
  if (players !== undefined) return `players:${players.join("\n")}`;
  if (country !== undefined) return `top:${limit}:country:${country}`;
  if (cohort !== undefined) return `top:${limit}:cohort:${cohort}`;
  return player === undefined ? `top:${limit}` : `top:${limit}:around:${around}:${player}`;
}

/** The visible part of the board for `spec`, by the board's key field, in rank order. */
export function visibleEntries(source: ViewSource, spec: ViewSpec, now: number): Map<string, AnyLiveEntry> {
  const board = boardOf(spec);
  const entries = ((): AnyLiveEntry[] => {
    switch (board) {
      case "players":
        if (spec.players !== undefined) return source.players(spec.players);
        if (spec.country !== undefined) return source.countryPage(spec.country, 0, spec.limit);
        if (spec.cohort !== undefined) return source.cohortPage?.(spec.cohort, 0, spec.limit) ?? [];
        return [
          ...source.page(0, spec.limit),
          ...(spec.player === undefined ? [] : (source.around(spec.player, spec.around) ?? [])),
        ];
      case "teams":
        return source.teams(0, spec.limit);
      case "mvps":
        return source.mvps(0, spec.limit);
      case "trending":
        return source.trending(now, spec.limit);
      case "countries":
        return source.countries(0, spec.limit);
    }
  })();
  const visible = new Map<string, AnyLiveEntry>();
  for (const entry of entries) visible.set(entryKey(board, entry), entry);
  return visible;
}

/** Entries that appeared or changed in any field, then `{key, rank: null}` for leavers. */
export function diffEntries(
  board: LiveBoardName,
  before: Map<string, AnyLiveEntry>,
  after: Map<string, AnyLiveEntry>,
): (AnyLiveEntry | LeftEntry)[] {
  const changes: (AnyLiveEntry | LeftEntry)[] = [];
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (old === undefined || !sameFields(old, entry)) changes.push(entry);
  }
  for (const key of before.keys()) {
    if (!after.has(key)) changes.push({ [ENTRY_KEY[board]]: key, rank: null });
  }
  return changes;
}

/** Entries are flat objects of numbers and strings, but for `meta`: JSON, compared as its text. */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (x[key] !== y[key] && (key !== "meta" || JSON.stringify(x[key]) !== JSON.stringify(y[key]))) return false;
    count++;
  }
  for (const _ in y) count--;
  return count === 0;
}
