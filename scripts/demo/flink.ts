// `--workload flink`: the Flink top-K dashboard's stream. Users in teams (and
// countries) send score events that are summed; a few of them go on a streak
// near the end. Spectators watch the players and teams boards live. At the end
// every board (players, teams, MVPs, trending, countries) is checked against
// this script's own model of the same events.
import { setTimeout as sleep } from "node:timers/promises";
import { LONG_BUCKETS, SHORT_BUCKETS } from "../../engine/trending";
import { MAX_TRENDING } from "../../protocol/boards";
import { Checklist } from "./checklist";
import { type AdminDemo, boardOrder, configureGames, type Demo, everySecond } from "./harness";
import { Spectators } from "./spectators";

const COUNTRIES = ["TR", "DE", "US", "BR", "JP", "KR", "FR", "IN"];
const TREND = { short: 10, long: 60, minReports: 2 };

type Boards = "players" | "teams";

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
    return [...this.players.values()].sort(boardOrder);
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
    return [...groups.values()].sort((a, b) => b.score - a.score || a.ts - b.ts || (a.name < b.name ? -1 : 1));
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

export async function runFlink(demo: AdminDemo): Promise<boolean> {
  const { podium, games, seconds } = demo;
  const models = new Map(games.map((g) => [g, new Model()]));
  const roster = Array.from({ length: demo.players }, (_, i) => ({
    player: `user-${String(i + 1).padStart(4, "0")}`,
    team: `team-${String((i % demo.teams) + 1).padStart(2, "0")}`,
    country: COUNTRIES[(i * 7) % COUNTRIES.length],
    name: `User ${i + 1}`,
  }));
  // A few users go on a streak in the last third: many events, big scores.
  const streakers = new Set(roster.filter((_, i) => i % 17 === 3).map((p) => p.player));
  await configureGames(demo, () => ({ aggregate: "sum", trend: TREND, liveEvery: 200 }));

  let events = 0;
  let streak = false;
  const spectators = new Spectators<Boards>(demo, (s) => ({ board: s % 2 === 0 ? "players" : "teams", limit: 10 }));
  const tick = async (second: number) => {
    streak = second >= (seconds * 2) / 3;
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
          await demo.sender.send(`events for ${game}`, () =>
            podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores: batch } }),
          );
        }
      }),
    );
  };
  await everySecond(seconds, {
    tick,
    spectators,
    progress: (perSecond) =>
      `${events} events (${perSecond(events)}/s)${streak ? "  streakers on a streak" : ""}  ` +
      `${spectators.feeds.length} spectators`,
  });
  // Past the trending cache's second, and the last live updates.
  await sleep(1200);
  console.log("demo: checking players, teams, MVPs, trending and countries (and every spectator) against the model");
  let ok = true;
  for (const game of games) ok = (await check(demo, game, models.get(game) as Model, spectators)) && ok;
  spectators.close();
  return ok;
}

async function check({ podium }: Demo, game: string, model: Model, spectators: Spectators<Boards>): Promise<boolean> {
  const param = { game };
  const checks = new Checklist(game, 160);
  const leaderboard = await (
    await podium.v1.games[":game"].leaderboard.$get({ param, query: { limit: "1000" } })
  ).json();
  const board = model.board();
  if ("entries" in leaderboard) {
    checks.same(
      "players",
      leaderboard.entries.map((e) => [e.player, e.score, e.name, e.country]),
      board.map((p) => [p.player, p.score, p.name, p.country]),
    );
  }
  const teams = await (await podium.v1.games[":game"].teams.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in teams) {
    checks.same(
      "teams",
      teams.entries.map((t) => [t.team, t.score, t.members]),
      model.groups("team").map((t) => [t.name, t.score, t.count]),
    );
  }
  const mvps = await (await podium.v1.games[":game"].mvps.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in mvps)
    checks.same(
      "MVPs",
      mvps.entries.map((m) => [m.team, m.player]),
      model.mvps().map((m) => [m.team, m.player]),
    );
  const countries = await (await podium.v1.games[":game"].countries.$get({ param, query: { limit: "1000" } })).json();
  if ("entries" in countries) {
    checks.same(
      "countries",
      countries.entries.map((c) => [c.country, c.score, c.players]),
      model.groups("country").map((c) => [c.name, c.score, c.count]),
    );
  }
  // Trending is computed when asked: the model at the time before or after the request must agree, on the
  // hottest MAX_TRENDING (the most a trending page holds; a big game has more players trending).
  const before = Date.now();
  const limit = String(MAX_TRENDING);
  const trending = await (await podium.v1.games[":game"].trending.$get({ param, query: { limit } })).json();
  const after = Date.now();
  if ("entries" in trending) {
    const got = trending.entries.map((t) => t.player);
    const hottest = (now: number) => model.trending(now).slice(0, MAX_TRENDING);
    const matches = [hottest(before), hottest(after)].some((want) => JSON.stringify(want) === JSON.stringify(got));
    checks.add("trending", matches, `got ${got.join(", ")}, expected ${hottest(after).join(", ")}`);
  }
  const topTeams = model
    .groups("team")
    .slice(0, 10)
    .map((t) => t.name);
  const topPlayers = board.slice(0, 10).map((p) => p.player);
  const astray = spectators.astray(game, (feed) => {
    const teamsBoard = feed.board?.board === "teams";
    const got = feed.entries().map((e) => ("team" in e && teamsBoard ? e.team : (e as { player: string }).player));
    return JSON.stringify(got) === JSON.stringify(teamsBoard ? topTeams : topPlayers);
  });
  const watching = spectators.of(game).length;
  checks.add("spectators", astray.length === 0, `${astray.length} of ${watching} spectators differ`);
  const good = checks.print();
  const streakers = model.trending(after).slice(0, 3).join(", ");
  console.log(
    `  ${game}: ${board.length} users, ${model.groups("team").length} teams, hottest: ${streakers || "nobody"}`,
  );
  return good;
}
