import type { Ranking } from "../../engine/ranking";
import type { LeftEntry, LiveEntry } from "../../protocol/live";

/** What a group of spectators watches: the top `limit`, and a followed player's neighbourhood. */
export interface ViewSpec {
  limit: number;
  player?: string;
  around: number;
}

/** The last state sent to a view's spectators, and its message number. */
export interface ViewState {
  seq: number;
  total: number;
  entries: Map<string, LiveEntry>;
}

/** One key per distinct view: spectators with equal keys share every message. */
export function viewKey({ limit, player, around }: ViewSpec): string {
  return player === undefined ? `top:${limit}` : `top:${limit}:around:${around}:${player}`;
}

/** The visible part of the board for `spec`, by player, in rank order. */
export function visibleEntries(ranking: Ranking, spec: ViewSpec): Map<string, LiveEntry> {
  const visible = new Map<string, LiveEntry>();
  for (const entry of ranking.page(0, spec.limit)) visible.set(entry.player, entry);
  if (spec.player !== undefined) {
    for (const entry of ranking.around(spec.player, spec.around) ?? []) visible.set(entry.player, entry);
  }
  return visible;
}

/** Entries that appeared or changed in any field, then `{player, rank: null}` for leavers. */
export function diffEntries(before: Map<string, LiveEntry>, after: Map<string, LiveEntry>): (LiveEntry | LeftEntry)[] {
  const changes: (LiveEntry | LeftEntry)[] = [];
  for (const [player, entry] of after) {
    const old = before.get(player);
    if (
      old === undefined ||
      old.rank !== entry.rank ||
      old.score !== entry.score ||
      old.ts !== entry.ts ||
      old.team !== entry.team
    ) {
      changes.push(entry);
    }
  }
  for (const player of before.keys()) {
    if (!after.has(player)) changes.push({ player, rank: null });
  }
  return changes;
}
