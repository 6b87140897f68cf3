// `npm run demo -- --workload flink`: the Flink top-K dashboard's stream. Users
// in teams (and countries) send score events that are summed; a few of them
// go on a streak near the end. Spectators watch the players and teams boards
// live. At the end every board (players, teams, MVPs, trending, countries) is
// checked against this script's own model of the same events.
import type { LiveFeed, PodiumClient } from "../client/index";
import { LiveFeed as Feed } from "../client/index";
import { LONG_BUCKETS, SHORT_BUCKETS } from "../engine/trending";
import type { WorkloadOptions } from "./demo-workload";

export interface FlinkOptions extends WorkloadOptions {
  teams: number;
}

const COUNTRIES = ["TR", "DE", "US", "BR", "JP", "KR", "FR", "IN"];
const TREND = { short: 10, long: 60, minReports: 2 };

interface Event {
  player: string;
  score: number;
  ts: number;
}

interface Player {
  player: string;
  team: string;
  country: string;
  name: string;
  score: number;
  ts: number;
}

/** What the demo sent to one game, and what each board must therefore show. */
class Model {
  readonly players = new Map<string, Player>();
  readonly events: Event[] = [];

  add(player: Player, event: Event): void {
    const current = this.players.get(player.player);
    this.players.set(player.player, {
      ...player,
      score: (current?.score ?? 0) + event.score,
      ts: Math.max(current?.ts ?? Number.NEGATIVE_INFINITY, event.ts),
    });
    this.events.push(event);
  }

  board(): Player[] {
    return [...this.players.values()].sort((a, b) => b.score - a.score || a.ts - b.ts || order(a.player, b.player));
  }

  groups(key: "team" | "country") {
    const board = this.board();
    const groups = new Map<string, { name: string; score: number; count: number; ts: number; members: Player[] }>();
    for (const p of board) {
      const group = groups.get(p[key]) ?? {
        name: p[key],
        score: 0,
        count: 0,
        ts: Number.NEGATIVE_INFINITY,
        members: [],
      };
      group.score += p.score;
      group.count++;
      group.ts = Math.max(group.ts, p.ts);
      group.members.push(p);
      groups.set(p[key], group);
    }
    return [...groups.values()].sort((a, b) => b.score - a.score || a.ts - b.ts || order(a.name, b.name));
  }

  mvps() {
    const position = new Map(this.board().map((p, i) => [p.player, i]));
    return this.groups("team")
      .filter((t) => t.score > 0)
      .map((t) => ({ team: t.name, player: t.members[0].player, share: t.members[0].score / t.score }))
      .sort((a, b) => b.share - a.share || (position.get(a.player) ?? 0) - (position.get(b.player) ?? 0));
  }

  /** Trending at `now`, by the contract's buckets (short/10 s and long/12 s). */
  trending(now: number): string[] {
    const shortWidth = (TREND.short * 1000) / SHORT_BUCKETS;
    const longWidth = (TREND.long * 1000) / LONG_BUCKETS;
    const inWindow = (ts: number, width: number, buckets: number) => {
      const bucket = Math.floor(ts / width);
      return bucket > Math.floor(now / width) - buckets && bucket <= Math.floor(now / width);
    };
    const position = new Map(this.board().map((p, i) => [p.player, i]));
    const rows: { player: string; hotness: number }[] = [];
    for (const player of this.players.keys()) {
      const mine = this.events.filter((e) => e.player === player);
      const short = mine.filter((e) => inWindow(e.ts, shortWidth, SHORT_BUCKETS));
      const long =
        mine.filter((e) => inWindow(e.ts, longWidth, LONG_BUCKETS)).reduce((s, e) => s + e.score, 0) / TREND.long;
      if (short.length < TREND.minReports || !(long > 0)) continue;
      rows.push({ player, hotness: short.reduce((s, e) => s + e.score, 0) / TREND.short / long });
    }
    rows.sort((a, b) => b.hotness - a.hotness || (position.get(a.player) ?? 0) - (position.get(b.player) ?? 0));
    return rows.map((r) => r.player);
  }
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function runFlink(options: FlinkOptions): Promise<boolean> {
  const { podium, admin, games, seconds } = options;
  const models = new Map(games.map((g) => [g, new Model()]));
  const roster = Array.from({ length: options.players }, (_, i) => ({
    player: `user-${String(i + 1).padStart(4, "0")}`,
    team: `team-${String((i % options.teams) + 1).padStart(2, "0")}`,
    country: COUNTRIES[(i * 7) % COUNTRIES.length],
    name: `User ${i + 1}`,
  }));
  // A few users go on a streak in the last third: many events, big scores.
  const streakers = new Set(roster.filter((_, i) => i % 17 === 3).map((p) => p.player));
  for (const game of games) {
    await options.send(`configure ${game}`, () =>
      admin.v1.games[":game"].$put({ param: { game }, json: { aggregate: "sum", trend: TREND, liveEvery: 200 } }),
    );
  }

  let events = 0;
  const feeds: LiveFeed<"players" | "teams">[] = [];
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    const tickStart = Date.now();
    const streak = second >= (seconds * 2) / 3;
    await Promise.all(
      games.map(async (game) => {
        const model = models.get(game) as Model;
        const scores = roster.flatMap((p) => {
          const hot = streak && streakers.has(p.player);
          const count = hot ? 3 : Math.random() < 0.3 ? 1 : 0;
          return Array.from({ length: count }, (_, k) => {
            // Stamped a second back, so the server never clamps a ts to its own clock.
            const event = {
              player: p.player,
              score: hot ? 20 + k : 1 + Math.floor(Math.random() * 5),
              ts: Date.now() - 1000,
            };
            const first = !model.players.has(p.player);
            model.add({ ...p, score: 0, ts: 0 }, event);
            return { ...event, team: p.team, ...(first ? { country: p.country, name: p.name } : {}) };
          });
        });
        events += scores.length;
        for (let i = 0; i < scores.length; i += 1000) {
          const batch = scores.slice(i, i + 1000);
          await options.send(`events for ${game}`, () =>
            podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores: batch } }),
          );
        }
      }),
    );
    if (second === 0) {
      for (const game of games) {
        for (let s = 0; s < options.spectators; s++) {
          const feed = new Feed<"players" | "teams">(options.url, game, {
            board: s % 2 === 0 ? "players" : "teams",
            limit: 10,
          });
          feeds.push(feed);
          await feed.open().catch(() => undefined);
        }
      }
    }
    options.progress(
      `${second + 1}/${seconds}s  ${events} events (${Math.round(events / ((Date.now() - started) / 1000))}/s)` +
        `${streak ? "  streakers on a streak" : ""}  ${feeds.length} spectators`,
    );
    const wait = 1000 - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write("\n");
  // Past the trending cache's second, and the last live updates.
  await new Promise((r) => setTimeout(r, 1200));
  console.log("demo: checking players, teams, MVPs, trending and countries (and every spectator) against the model");
  let ok = true;
  for (const game of games) ok = (await check(podium, game, models.get(game) as Model, feeds)) && ok;
  for (const feed of feeds) feed.close();
  return ok;
}

async function check(
  podium: PodiumClient,
  game: string,
  model: Model,
  feeds: LiveFeed<"players" | "teams">[],
): Promise<boolean> {
  const param = { game };
  const results: [string, boolean, string][] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    const equal = JSON.stringify(got) === JSON.stringify(want);
    results.push([
      what,
      equal,
      equal ? "" : `got ${JSON.stringify(got).slice(0, 160)}, expected ${JSON.stringify(want).slice(0, 160)}`,
    ]);
  };
  const leaderboard = await (
    await podium.v1.games[":game"].leaderboard.$get({ param, query: { limit: "1000" } })
  ).json();
  const board = model.board();
  if ("entries" in leaderboard) {
    same(
      "players",
      leaderboard.entries.map((e) => [e.player, e.score, e.name, e.country]),
      board.map((p) => [p.player, p.score, p.name, p.country]),
    );
  }
  const teams = await (await podium.v1.games[":game"].teams.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in teams) {
    same(
      "teams",
      teams.entries.map((t) => [t.team, t.score, t.members]),
      model.groups("team").map((t) => [t.name, t.score, t.count]),
    );
  }
  const mvps = await (await podium.v1.games[":game"].mvps.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in mvps)
    same(
      "MVPs",
      mvps.entries.map((m) => [m.team, m.player]),
      model.mvps().map((m) => [m.team, m.player]),
    );
  const countries = await (await podium.v1.games[":game"].countries.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in countries) {
    same(
      "countries",
      countries.entries.map((c) => [c.country, c.score, c.players]),
      model.groups("country").map((c) => [c.name, c.score, c.count]),
    );
  }
  // Trending is computed when asked: the model at the time before or after the request must agree.
  const before = Date.now();
  const trending = await (await podium.v1.games[":game"].trending.$get({ param, query: { limit: "100" } })).json();
  const after = Date.now();
  if ("entries" in trending) {
    const got = trending.entries.map((t) => t.player);
    const matches = [model.trending(before), model.trending(after)].some(
      (want) => JSON.stringify(want) === JSON.stringify(got),
    );
    results.push([
      "trending",
      matches,
      matches ? "" : `got ${got.join(", ")}, expected ${model.trending(after).join(", ")}`,
    ]);
  }
  const spectators = feeds.filter((f) => f.game === game);
  const wrong = spectators.filter((feed) => {
    const want =
      feed.board?.board === "teams"
        ? model
            .groups("team")
            .slice(0, 10)
            .map((t) => t.name)
        : board.slice(0, 10).map((p) => p.player);
    const got = feed
      .entries()
      .map((e) => ("team" in e && feed.board?.board === "teams" ? e.team : (e as { player: string }).player));
    return JSON.stringify(got) !== JSON.stringify(want) || feed.gaps > 0;
  });
  results.push(["spectators", wrong.length === 0, `${wrong.length} of ${spectators.length} spectators differ`]);
  const streakers = model.trending(after).slice(0, 3).join(", ");
  for (const [what, good, why] of results)
    console.log(`  ${good ? "✓" : "✗"} ${game} ${what}${good ? "" : `: ${why}`}`);
  console.log(
    `  ${game}: ${board.length} users, ${model.groups("team").length} teams, hottest: ${streakers || "nobody"}`,
  );
  return results.every(([, good]) => good);
}
