import type { PlayerState, RankedEntry, RankingRules, Report, TieMode } from "../../engine/rules";

/** The specification in its plainest form: a map of states, sorted on every read. */
export class NaiveRanking {
  readonly states = new Map<string, PlayerState>();
  /** Each report of the last accepted batch and how much it improved its player's score, in the board's order. */
  lastGains: { player: string; ts: number; gain: number }[] = [];

  constructor(public rules: RankingRules) {}

  /** Applies reports one by one; returns false (changing nothing) if a sum overflows. */
  report(reports: Report[]): boolean {
    const next = new Map(this.states);
    const gains: { player: string; ts: number; gain: number }[] = [];
    const sign = this.rules.order === "desc" ? 1 : -1;
    for (const r of reports) {
      const cur = next.get(r.player);
      const before = cur?.score ?? (this.rules.aggregate === "sum" ? 0 : undefined);
      const team = r.team ?? cur?.team;
      const tiebreak = this.rules.tiebreak;
      // Under a tiebreak every state holds a subscore, a report without one counting 0.
      const sub = tiebreak === undefined ? undefined : (r.subscore ?? 0);
      const make = (score: number, subscore: number | undefined, ts: number): PlayerState =>
        subscore === undefined ? { player: r.player, score, ts } : { player: r.player, score, subscore, ts };
      let state: PlayerState | undefined;
      if (!cur) state = make(r.score, sub, r.ts);
      else if (this.rules.aggregate === "last") {
        state = r.ts >= cur.ts ? make(r.score, sub, r.ts) : undefined;
      } else if (this.rules.aggregate === "sum") {
        const score = cur.score + r.score;
        if (Math.abs(score) > Number.MAX_SAFE_INTEGER) return false;
        state = make(score, sub === undefined ? undefined : (cur.subscore ?? 0) + sub, Math.max(cur.ts, r.ts));
      } else {
        const sign = this.rules.aggregate === "max" ? 1 : -1;
        const subSign = tiebreak === "asc" ? -1 : 1;
        const subDiff = sub === undefined ? 0 : (sub - (cur.subscore ?? 0)) * subSign;
        if ((r.score - cur.score) * sign > 0) state = make(r.score, sub, r.ts);
        else if (r.score === cur.score && subDiff > 0) state = make(r.score, sub, r.ts);
        else if (r.score === cur.score && subDiff === 0) state = make(cur.score, cur.subscore, Math.min(cur.ts, r.ts));
        else state = make(cur.score, cur.subscore, cur.ts);
      }
      if (state) {
        if (team !== undefined) state.team = team;
        next.set(r.player, state);
      }
      const gain = state === undefined || before === undefined ? 0 : sign * (state.score - before);
      gains.push({ player: r.player, ts: r.ts, gain: gain === 0 ? 0 : gain });
    }
    this.lastGains = gains;
    this.states.clear();
    for (const [k, v] of next) this.states.set(k, v);
    return true;
  }

  visible(now: number): RankedEntry[] {
    const cutoff = this.rules.window === 0 ? -Infinity : now - this.rules.window * 1000;
    const sign = this.rules.order === "desc" ? -1 : 1;
    const subSign = this.rules.tiebreak === "asc" ? 1 : -1;
    const sorted = [...this.states.values()]
      .filter((s) => s.ts >= cutoff)
      .sort(
        (a, b) =>
          (a.score - b.score) * sign ||
          ((a.subscore ?? 0) - (b.subscore ?? 0)) * subSign ||
          a.ts - b.ts ||
          codePointCompare(a.player, b.player),
      );
    const same = (a: PlayerState, b: PlayerState) => a.score === b.score && a.subscore === b.subscore;
    return sorted.map((s, i) => ({ rank: naiveRank(sorted, i, this.rules.ties, same), ...s }));
  }
}

/**
 * The rank of `sorted[i]`: its place (first); one past those with a better
 * value (shared); one past the distinct better values (dense).
 */
export function naiveRank<T>(sorted: T[], i: number, ties: TieMode, same: (a: T, b: T) => boolean): number {
  if (ties === "first") return i + 1;
  const better = sorted.slice(
    0,
    sorted.findIndex((o) => same(o, sorted[i])),
  );
  if (ties === "shared") return better.length + 1;
  return better.filter((o, k) => better.findIndex((p) => same(p, o)) === k).length + 1;
}

export function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}
