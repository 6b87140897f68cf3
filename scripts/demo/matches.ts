// `--workload matches`: a game portal's stats tracker. Half the games are ELO
// games of random 1v1 matches (Rock Paper Scissors, with the picks sent as
// counters), half are OpenSkill games of 8-player free-for-all matches (kills
// sent as counters). Spectators watch each board live. At the end every
// rating is checked exactly against this script's own ELO model (and the
// openskill package run here), and every player's stats exactly.
import { setTimeout as sleep } from "node:timers/promises";
import { Checklist } from "./checklist";
import { type AdminDemo, configureGames, type Demo, everySecond } from "./harness";
import { ELO, RatingModel, type Result } from "./matches-model";
import { Spectators } from "./spectators";

const FREE_FOR_ALL = 8;
const PICKS = ["rock", "paper", "scissors"] as const;

type Events = { id: string; player: string; counters: Record<string, number> }[];

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export async function runMatches(demo: AdminDemo): Promise<boolean> {
  const { podium, games, seconds, sender } = demo;
  const models = new Map(games.map((g, i) => [g, new RatingModel(i % 2 === 0 ? "elo" : "openskill")]));
  const modelOf = (game: string) => models.get(game) as RatingModel;
  const roster = Array.from({ length: demo.players }, (_, i) => `player-${String(i + 1).padStart(3, "0")}`);
  // Each player's hidden strength decides who tends to win.
  const strength = new Map(roster.map((p) => [p, Math.random() * 400]));
  await configureGames(demo, (game) =>
    modelOf(game).rating === "elo" ? { rating: "elo", elo: ELO } : { rating: "openskill" },
  );

  let results = 0;
  let matchId = 0;
  // Results are stamped in the past, one millisecond apart, so ties on the board break the same way here.
  let clock = Date.now() - (seconds + 60) * 1000;
  const lastBatch = new Map<string, Result[]>();
  const spectators = new Spectators(demo, () => ({ limit: 10 }));

  /** This second's matches of one game: every player plays once. */
  const play = (game: string): { batch: Result[]; events: Events } => {
    const model = modelOf(game);
    const batch: Result[] = [];
    const events: Events = [];
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
          Math.random() < 0.1 ? { id, ts, draw: [a.player, b.player] } : { id, ts, winner: a.player, loser: b.player },
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
    return { batch, events };
  };

  const tick = async () => {
    await Promise.all(
      games.map(async (game) => {
        const model = modelOf(game);
        const { batch, events } = play(game);
        for (const result of batch) model.result(result);
        for (const e of events) model.count(e.player, e.counters);
        results += batch.length;
        lastBatch.set(game, batch);
        await sender.send(`results for ${game}`, () =>
          podium.v1.games[":game"].results.$post({ param: { game }, json: { results: batch } }),
        );
        await sender.send(`events for ${game}`, () =>
          podium.v1.games[":game"].events.$post({ param: { game }, json: { events } }),
        );
      }),
    );
  };
  await everySecond(seconds, {
    tick,
    spectators,
    progress: (perSecond) => `${results} results (${perSecond(results)}/s)  ${spectators.feeds.length} spectators`,
  });
  await sleep(500); // the last live updates
  console.log("demo: checking every rating and every player's stats against the model (and every spectator)");
  let ok = true;
  for (const game of games) {
    ok = (await check(demo, game, modelOf(game), lastBatch.get(game) ?? [], spectators)) && ok;
  }
  spectators.close();
  return ok;
}

async function check(
  { url, podium }: Demo,
  game: string,
  model: RatingModel,
  lastBatch: Result[],
  spectators: Spectators,
): Promise<boolean> {
  const param = { game };
  const checks = new Checklist(game, 200);
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
    const why = `got ${JSON.stringify(got).slice(0, 200)}, expected ${JSON.stringify(board).slice(0, 200)}`;
    checks.add(`${model.rating} ratings`, sameBoard(got, board), why);
  } else checks.add(`${model.rating} ratings`, false, `leaderboard answered ${res.status}`);

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
  checks.add("stats", wrongStats.length === 0, `${wrongStats.length} differ, e.g. ${wrongStats[0]}`);

  // Sending the last batch again changes nothing: every result has an id.
  const again = await podium.v1.games[":game"].results.$post({ param, json: { results: lastBatch } });
  checks.same("resent results", await again.json(), { accepted: 0, duplicates: lastBatch.length });

  const top = board.slice(0, 10);
  const astray = spectators.astray(game, (feed) =>
    sameBoard(
      feed.entries().map(({ player, score }) => ({ player, score })),
      top,
    ),
  );
  const watching = spectators.of(game).length;
  checks.add("spectators", astray.length === 0, `${astray.length} of ${watching} spectators differ`);

  const good = checks.print();
  const leader = board[0];
  console.log(
    `  ${game}: ${model.stats.size} players, leader ${leader?.player} at ${leader?.score.toFixed(1)} ` +
      `(${model.rating}); see ${url}/games/${game}${leader === undefined ? "" : `?player=${leader.player}`}`,
  );
  return good;
}
