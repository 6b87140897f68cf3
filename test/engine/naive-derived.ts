import type { RankedEntry, RankingRules } from "../../engine/rules";
import { LONG_BUCKETS, SHORT_BUCKETS, type TrendRules } from "../../engine/trending";
import { codePointCompare, naiveRank } from "./naive-ranking";

/** The derived boards' specification in its plainest form: group, sum and sort the visible board on every read. */

export interface NaiveGroup {
  rank: number;
  name: string;
  score: number;
  count: number;
  ts: number;
  members: RankedEntry[];
}

export function naiveGroups(
  visible: RankedEntry[],
  groupOf: (entry: RankedEntry) => string | undefined,
  rules: RankingRules,
): NaiveGroup[] {
  const groups = new Map<string, NaiveGroup>();
  for (const entry of visible) {
    const name = groupOf(entry);
    if (name === undefined) continue;
    const group = groups.get(name) ?? { rank: 0, name, score: 0, count: 0, ts: -Infinity, members: [] };
    group.score += entry.score;
    group.count++;
    group.ts = Math.max(group.ts, entry.ts);
    group.members.push(entry);
    groups.set(name, group);
  }
  const sign = rules.order === "desc" ? -1 : 1;
  const sorted = [...groups.values()].sort(
    (a, b) => (a.score - b.score) * sign || a.ts - b.ts || codePointCompare(a.name, b.name),
  );
  sorted.forEach((group, i) => {
    group.rank = naiveRank(sorted, i, rules.ties, (a, b) => a.score === b.score);
  });
  return sorted;
}

export function naiveMvps(teams: NaiveGroup[], visible: RankedEntry[]) {
  const position = new Map(visible.map((e, i) => [e.player, i]));
  const mvps = teams
    .filter((team) => team.score > 0)
    .map((team) => {
      const best = Math.max(...team.members.map((m) => m.score));
      const mvp = team.members.find((m) => m.score === best) as RankedEntry;
      return {
        team: team.name,
        player: mvp.player,
        score: mvp.score,
        teamScore: team.score,
        share: mvp.score / team.score,
      };
    })
    .sort((a, b) => b.share - a.share || (position.get(a.player) as number) - (position.get(b.player) as number));
  return mvps.map((m, i) => ({ rank: i + 1, ...m }));
}

/** A report as trending counts it: its gain at its ts, already clamped to the time it was applied. */
export interface NaiveGain {
  player: string;
  ts: number;
  gain: number;
}

export function naiveTrending(gains: NaiveGain[], visible: RankedEntry[], trend: TrendRules, now: number) {
  const shortWidth = (trend.short * 1000) / SHORT_BUCKETS;
  const longWidth = (trend.long * 1000) / LONG_BUCKETS;
  const inWindow = (ts: number, width: number, buckets: number) => {
    const bucket = Math.floor(ts / width);
    const current = Math.floor(now / width);
    return bucket > current - buckets && bucket <= current;
  };
  const position = new Map(visible.map((e, i) => [e.player, i]));
  const found: { player: string; hotness: number; short: number; long: number; team?: string }[] = [];
  for (const entry of visible) {
    const mine = gains.filter((g) => g.player === entry.player);
    const shortOnes = mine.filter((g) => inWindow(g.ts, shortWidth, SHORT_BUCKETS));
    const long =
      mine.filter((g) => inWindow(g.ts, longWidth, LONG_BUCKETS)).reduce((s, g) => s + g.gain, 0) / trend.long;
    if (!(long > 0) || shortOnes.length < trend.minReports) continue;
    const short = shortOnes.reduce((s, g) => s + g.gain, 0) / trend.short;
    const item: { player: string; hotness: number; short: number; long: number; team?: string } = {
      player: entry.player,
      hotness: short / long,
      short,
      long,
    };
    if (entry.team !== undefined) item.team = entry.team;
    found.push(item);
  }
  found.sort(
    (a, b) => b.hotness - a.hotness || (position.get(a.player) as number) - (position.get(b.player) as number),
  );
  return found.map((f, i) => ({ rank: i + 1, ...f }));
}
