// `npm run demo -- --workload matches`: a game portal's stats tracker. Half the
// games are ELO games of random 1v1 matches (Rock Paper Scissors, with the
// picks sent as counters), half are OpenSkill games of 8-player free-for-all
// matches (kills sent as counters). Spectators watch each board live. At the
// end every rating is checked exactly against this script's own ELO model (and
// the openskill package run here), and every player's stats exactly.
import { rating as newRating, ordinal, rate } from "openskill";
import type { LiveFeed, PodiumClient } from "../client/index";
import { LiveFeed as Feed } from "../client/index";
import type { WorkloadOptions } from "./demo-workload";

const ELO = { k: 32, initial: 1500 };
const FREE_FOR_ALL = 8;
const PICKS = ["rock", "paper", "scissors"] as const;

type Result = { id: string; ts: number } & (
  | { winner: string; loser: string }
  | { draw: string[] }
  | { placements: string[][] }
);

interface Stats {
  played: number;
  wins: number;
  losses: number;
  draws: number;
  streak: number;
  bestStreak: number;
  best: number | null;
  firstSeen: number;
  lastSeen: number;
  counters: Record<string, number>;
  mu?: number;
  sigma?: number;
}

/** What the demo sent to one game: each player's rating, stats and counters. */
class Model {
  readonly score = new Map<string, number>();
  readonly ts = new Map<string, number>();
  readonly stats = new Map<string, Stats>();
  readonly skill = new Map<string, { mu: number; sigma: number }>();

  constructor(readonly rating: "elo" | "openskill") {}

  private statsOf(player: string, ts: number): Stats {
    let stats = this.stats.get(player);
    if (stats === undefined) {
      stats = {
        played: 0,
        wins: 0,
        losses: 0,
        draws: 0,
        streak: 0,
        bestStreak: 0,
        best: null,
        firstSeen: ts,
        lastSeen: ts,
        counters: {},
      };
      this.stats.set(player, stats);
    }
    return stats;
  }

  result(result: Result): void {
    const groups =
      "winner" in result ? [[result.winner], [result.loser]] : "draw" in result ? [result.draw] : result.placements;
    for (const [place, group] of groups.entries()) {
      for (const player of group) {
        const s = this.statsOf(player, result.ts);
        s.played++;
        s.firstSeen = Math.min(s.firstSeen, result.ts);
        s.lastSeen = Math.max(s.lastSeen, result.ts);
        if (groups.length === 1) {
          s.draws++;
          s.streak = 0;
        } else if (place === 0) {
          s.wins++;
          s.streak = s.streak > 0 ? s.streak + 1 : 1;
          s.bestStreak = Math.max(s.bestStreak, s.streak);
        } else {
          s.losses++;
          s.streak = s.streak < 0 ? s.streak - 1 : -1;
        }
      }
    }
    const after = this.rating === "elo" ? this.elo(groups) : this.openskill(groups);
    for (const [player, score] of after) {
      this.score.set(player, score);
      this.ts.set(player, result.ts);
      const s = this.stats.get(player) as Stats;
      s.best = s.best === null ? score : Math.max(s.best, score);
    }
  }

  /** The textbook ELO: each pair of a result is a game with K/(n-1), from the ratings before it. */
  private elo(groups: string[][]): Map<string, number> {
    const players = groups.flatMap((group, place) => group.map((player) => ({ player, place })));
    const before = (p: string) => this.score.get(p) ?? ELO.initial;
    const change = new Map(players.map(({ player }) => [player, 0]));
    const k = ELO.k / (players.length - 1);
    for (let i = 0; i < players.length; i++) {
      for (let j = i + 1; j < players.length; j++) {
        const [a, b] = [players[i], players[j]];
        const expected = 1 / (1 + 10 ** ((before(b.player) - before(a.player)) / 400));
        const actual = a.place < b.place ? 1 : a.place === b.place ? 0.5 : 0;
        const delta = k * (actual - expected);
        change.set(a.player, (change.get(a.player) as number) + delta);
        change.set(b.player, (change.get(b.player) as number) - delta);
      }
    }
    return new Map(players.map(({ player }) => [player, before(player) + (change.get(player) as number)]));
  }

  private openskill(groups: string[][]): Map<string, number> {
    const players = groups.flat();
    const rated = rate(
      players.map((p) => [this.skill.get(p) ?? newRating()]),
      { rank: groups.flatMap((group, place) => group.map(() => place + 1)) },
    );
    return new Map(
      players.map((player, i) => {
        const { mu, sigma } = rated[i][0];
        this.skill.set(player, { mu, sigma });
        const s = this.stats.get(player) as Stats;
        s.mu = mu;
        s.sigma = sigma;
        return [player, ordinal({ mu, sigma })];
      }),
    );
  }

  count(player: string, counters: Record<string, number>): void {
    const s = this.stats.get(player) as Stats;
    for (const [name, n] of Object.entries(counters)) s.counters[name] = (s.counters[name] ?? 0) + n;
  }

  board(): { player: string; score: number }[] {
    return [...this.score]
      .map(([player, score]) => ({ player, score, ts: this.ts.get(player) as number }))
      .sort((a, b) => b.score - a.score || a.ts - b.ts || (a.player < b.player ? -1 : 1))
      .map(({ player, score }) => ({ player, score }));
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export async function runMatches(options: WorkloadOptions): Promise<boolean> {
  const { podium, admin, games, seconds } = options;
  const models = new Map(games.map((g, i) => [g, new Model(i % 2 === 0 ? "elo" : "openskill")]));
  const roster = Array.from({ length: options.players }, (_, i) => `player-${String(i + 1).padStart(3, "0")}`);
  // Each player's hidden strength decides who tends to win.
  const strength = new Map(roster.map((p) => [p, Math.random() * 400]));
  for (const [game, model] of models) {
    const json = model.rating === "elo" ? { rating: "elo" as const, elo: ELO } : { rating: "openskill" as const };
    await options.send(`configure ${game}`, () => admin.v1.games[":game"].$put({ param: { game }, json }));
  }

  let results = 0;
  let matchId = 0;
  // Results are stamped in the past, one millisecond apart, so ties on the board break the same way here.
  let clock = Date.now() - (seconds + 60) * 1000;
  const lastBatch = new Map<string, Result[]>();
  const feeds: LiveFeed[] = [];
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    const tickStart = Date.now();
    await Promise.all(
      games.map(async (game) => {
        const model = models.get(game) as Model;
        const batch: Result[] = [];
        const events: { id: string; player: string; counters: Record<string, number> }[] = [];
        const players = shuffle([...roster]);
        const size = model.rating === "elo" ? 2 : FREE_FOR_ALL;
        for (let i = 0; i + size <= players.length; i += size) {
          const seated = players.slice(i, i + size);
          const id = `m${++matchId}`;
          const ts = ++clock;
          const played = seated
            .map((player) => ({ player, form: (strength.get(player) as number) + Math.random() * 400 }))
            .sort((a, b) => b.form - a.form);
          if (model.rating === "elo") {
            const [a, b] = played;
            // A Rock Paper Scissors round: 1 in 10 is a draw.
            batch.push(
              Math.random() < 0.1
                ? { id, ts, draw: [a.player, b.player] }
                : { id, ts, winner: a.player, loser: b.player },
            );
            for (const { player } of played) {
              const pick = PICKS[Math.floor(Math.random() * PICKS.length)];
              events.push({ id: `${id}-${player}`, player, counters: { [`${pick}_selections`]: 1 } });
            }
          } else {
            // The last two of a free-for-all sometimes go out together.
            const places = played.map((p) => [p.player]);
            if (Math.random() < 0.3) places.splice(-2, 2, [places.at(-2)?.[0] as string, places.at(-1)?.[0] as string]);
            batch.push({ id, ts, placements: places });
            played.forEach(({ player }, place) => {
              const kills = Math.max(0, FREE_FOR_ALL - 1 - place - Math.floor(Math.random() * 3));
              events.push({ id: `${id}-${player}`, player, counters: { kills, matches: 1 } });
            });
          }
        }
        for (const result of batch) model.result(result);
        for (const e of events) model.count(e.player, e.counters);
        results += batch.length;
        lastBatch.set(game, batch);
        await options.send(`results for ${game}`, () =>
          podium.v1.games[":game"].results.$post({ param: { game }, json: { results: batch } }),
        );
        await options.send(`events for ${game}`, () =>
          podium.v1.games[":game"].events.$post({ param: { game }, json: { events } }),
        );
      }),
    );
    if (second === 0) {
      for (const game of games) {
        for (let s = 0; s < options.spectators; s++) {
          const feed = new Feed(options.url, game, { limit: 10 });
          feeds.push(feed);
          await feed.open().catch(() => undefined);
        }
      }
    }
    options.progress(
      `${second + 1}/${seconds}s  ${results} results (${Math.round(results / ((Date.now() - started) / 1000))}/s)` +
        `  ${feeds.length} spectators`,
    );
    const wait = 1000 - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write("\n");
  await new Promise((r) => setTimeout(r, 500)); // the last live updates
  console.log("demo: checking every rating and every player's stats against the model (and every spectator)");
  let ok = true;
  for (const game of games) {
    ok = (await check(options.url, podium, game, models.get(game) as Model, lastBatch.get(game) ?? [], feeds)) && ok;
  }
  for (const feed of feeds) feed.close();
  return ok;
}

async function check(
  url: string,
  podium: PodiumClient,
  game: string,
  model: Model,
  lastBatch: Result[],
  feeds: LiveFeed[],
): Promise<boolean> {
  const param = { game };
  const lines: [string, boolean, string][] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    const equal = JSON.stringify(got) === JSON.stringify(want);
    lines.push([
      what,
      equal,
      equal ? "" : `got ${JSON.stringify(got).slice(0, 200)}, expected ${JSON.stringify(want).slice(0, 200)}`,
    ]);
  };
  // ELO is plain arithmetic, so it must match to the bit. OpenSkill's math
  // functions may round the last bit differently in workerd than in Node.
  const equal =
    model.rating === "elo" ? (a: number, b: number) => a === b : (a: number, b: number) => Math.abs(a - b) <= 1e-9;
  const sameBoard = (got: { player: string; score: number }[], want: { player: string; score: number }[]) =>
    got.length === want.length && got.every((g, i) => g.player === want[i].player && equal(g.score, want[i].score));
  const res = await podium.v1.games[":game"].leaderboard.$get({ param, query: { limit: "1000" } });
  const leaderboard = await res.json();
  const board = model.board();
  if ("entries" in leaderboard) {
    const got = leaderboard.entries.map(({ player, score }) => ({ player, score }));
    const good = sameBoard(got, board);
    const why = `got ${JSON.stringify(got).slice(0, 200)}, expected ${JSON.stringify(board).slice(0, 200)}`;
    lines.push([`${model.rating} ratings`, good, why]);
  } else lines.push([`${model.rating} ratings`, false, `leaderboard answered ${res.status}`]);

  const wrongStats: string[] = [];
  await Promise.all(
    [...model.stats].map(async ([player, want]) => {
      const answer = await podium.v1.games[":game"].players[":player"].stats.$get({ param: { game, player } });
      const got = await answer.json();
      if (!("played" in got)) return void wrongStats.push(`${player}: ${answer.status}`);
      const { mu, sigma, best, lastSeen, ...exact } = want;
      const gotExact = {
        played: got.played,
        wins: got.wins,
        losses: got.losses,
        draws: got.draws,
        streak: got.streak,
        bestStreak: got.bestStreak,
        firstSeen: got.firstSeen,
        counters: Object.fromEntries(Object.entries(got.counters).sort()),
      };
      const wantExact = { ...exact, counters: Object.fromEntries(Object.entries(exact.counters).sort()) };
      // Counters stamp lastSeen with the server's clock, so only its lower bound is known here.
      const good =
        JSON.stringify(gotExact) === JSON.stringify(wantExact) &&
        got.lastSeen >= lastSeen &&
        got.reports === 0 &&
        got.best !== null &&
        best !== null &&
        equal(got.best, best) &&
        (mu === undefined ||
          (equal(got.rating?.mu ?? Number.NaN, mu) && equal(got.rating?.sigma ?? Number.NaN, sigma ?? 0)));
      if (!good) wrongStats.push(`${player}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }),
  );
  lines.push(["stats", wrongStats.length === 0, `${wrongStats.length} differ, e.g. ${wrongStats[0]}`]);

  // Sending the last batch again changes nothing: every result has an id.
  const again = await podium.v1.games[":game"].results.$post({ param, json: { results: lastBatch } });
  const answer = await again.json();
  same("resent results", answer, { accepted: 0, duplicates: lastBatch.length });

  const spectators = feeds.filter((f) => f.game === game);
  const wrong = spectators.filter(
    (feed) =>
      !sameBoard(
        feed.entries().map((e) => ({ player: (e as { player: string }).player, score: e.score })),
        board.slice(0, 10),
      ) || feed.gaps > 0,
  );
  lines.push(["spectators", wrong.length === 0, `${wrong.length} of ${spectators.length} spectators differ`]);

  for (const [what, good, why] of lines) console.log(`  ${good ? "✓" : "✗"} ${game} ${what}${good ? "" : `: ${why}`}`);
  const leader = board[0];
  console.log(
    `  ${game}: ${model.stats.size} players, leader ${leader?.player} at ${leader?.score.toFixed(1)} ` +
      `(${model.rating}); see ${url}/games/${game}${leader === undefined ? "" : `?player=${leader.player}`}`,
  );
  return lines.every(([, good]) => good);
}
