// The tournament workload's checks against its model: the answers it got
// while playing, the open tournament (cohort boards, standings with attempts,
// live views), a report after the opening hours, every closed tournament's
// standings with cohorts, and every hook event the receiver was sent.
import { setTimeout as sleep } from "node:timers/promises";
import type { LiveFeed } from "../../client/index";
import { Checklist } from "./checklist";
import type { AdminDemo } from "./harness";
import { holdsTop, type Spectators } from "./spectators";
import { HOOK_TOP, RULES, type TournamentModel } from "./tournament-model";
import { type Delivery, verifySignature } from "./webhooks";

const WIDTH = 240;
/** Joined players whose standings the open tournament's check reads. */
const STANDINGS = 100;

/** One game of the workload: a model per tournament (the last one open), and how its answers fared. */
export interface Arena {
  game: string;
  models: TournamentModel[];
  /** Answers by kind (joins, accepted batches, refusals by code): how many were exactly the model's. */
  answers: Map<Answer, { right: number; total: number }>;
  /** Every answer that was not the model's, said in full. */
  misses: string[];
}

export type Answer = "join" | "accepted" | "not_joined" | "attempts_exhausted";

/** Counts an answer of `kind`; `miss` says how it was not the model's. */
export function tally(arena: Arena, kind: Answer, miss: string | undefined): void {
  const counts = arena.answers.get(kind) ?? { right: 0, total: 0 };
  counts.total++;
  if (miss === undefined) counts.right++;
  else arena.misses.push(miss);
  arena.answers.set(kind, counts);
}

/** The answers while playing, and the open tournament: cohort boards, standings and the live views. */
export async function checkOpen(
  { podium }: AdminDemo,
  arena: Arena,
  spectators: Spectators,
  cohortFeed: LiveFeed,
): Promise<boolean> {
  const { game } = arena;
  const model = arena.models.at(-1) as TournamentModel;
  const checks = new Checklist(game, WIDTH);
  for (const miss of arena.misses.slice(0, 5)) console.error(`  ✗ ${game}: ${miss.slice(0, 400)}`);
  for (const kind of ["join", "accepted", "not_joined", "attempts_exhausted"] as const) {
    const { right, total } = arena.answers.get(kind) ?? { right: 0, total: 0 };
    checks.add(`${right}/${total} ${kind} answered as modelled`, right === total, "see above");
  }

  const board = model.board();
  for (let n = 1; n <= model.cohorts; n++) {
    const res = await podium.v1.games[":game"].cohorts[":cohort"].$get({
      param: { game, cohort: String(n) },
      query: { limit: "1000" },
    });
    const body = res.ok ? await res.json() : undefined;
    const got = body && {
      total: body.total,
      entries: body.entries.map(({ rank, globalRank, player, score }) => ({ rank, globalRank, player, score })),
    };
    const want = model.cohortBoard(n);
    checks.same(`tournament ${arena.models.length} cohort ${n}: ${want.length} on the board`, got, {
      total: want.length,
      entries: want,
    });
  }
  const beyond = model.cohorts + 1;
  const none = await podium.v1.games[":game"].cohorts[":cohort"].$get({
    param: { game, cohort: String(beyond) },
    query: {},
  });
  const noneCode = none.ok ? undefined : ((await none.json()) as { error?: { code: string } }).error?.code;
  checks.same(
    `cohort ${beyond} not opened`,
    { status: none.status, code: noneCode },
    {
      status: 404,
      code: "cohort_not_found",
    },
  );

  const entrants = sample(model.entrants());
  const standings = await Promise.all(
    entrants.map(async (player) => {
      const res = await podium.v1.games[":game"].players[":player"].$get({ param: { game, player }, query: {} });
      if (!res.ok) return { player, status: res.status };
      const { rank, score, cohort, cohortRank, attempts, attemptsLeft } = await res.json();
      return { player, rank, score, cohort, cohortRank, attempts, attemptsLeft };
    }),
  );
  const wantStandings = entrants.map((player) => {
    const entry = board.find((e) => e.player === player);
    if (entry === undefined) return { player, status: 404 };
    const attempts = model.attemptsOf(player);
    const { rank, score, cohort, cohortRank } = entry;
    return { player, rank, score, cohort, cohortRank, attempts, attemptsLeft: RULES.maxAttempts - attempts };
  });
  checks.same(
    `standings of ${entrants.length} of ${model.entrants().length} joined players: rank, cohort, cohortRank, attempts, attemptsLeft`,
    standings,
    wantStandings,
  );

  const top = board.slice(0, 10);
  const astray = spectators.astray(game, holdsTop(top));
  const feeds = spectators.of(game).length;
  checks.add(`${feeds - astray.length}/${feeds} live views hold the top 10`, astray.length === 0, "see gaps or top");
  const live = cohortFeed.entries().map(({ rank, globalRank, player, score }) => ({ rank, globalRank, player, score }));
  checks.same("live cohort 1 view", live, model.cohortBoard(1).slice(0, RULES.cohortSize));
  return checks.print();
}

/** At most STANDINGS players spread over `players`: the reads must end well before the next reset. */
function sample(players: string[]): string[] {
  const count = Math.min(players.length, STANDINGS);
  return Array.from({ length: count }, (_, k) => players[Math.floor((k * players.length) / count)]);
}

/** A report after the opening hours: refused with 409 game_closed. */
export async function probeClosedGame({ podium }: AdminDemo, arena: Arena): Promise<boolean> {
  const model = arena.models.at(-1) as TournamentModel;
  const player = model.entrants()[0] ?? "player-001";
  const res = await podium.v1.games[":game"].scores.$post({
    param: { game: arena.game },
    json: { player, score: 1000, ts: Date.now() },
  });
  const code = res.ok ? undefined : ((await res.json()) as { error?: { code: string } }).error?.code;
  const checks = new Checklist(arena.game, WIDTH);
  checks.same("a report after the opening hours", { status: res.status, code }, { status: 409, code: "game_closed" });
  return checks.print();
}

/** Every closed tournament's final standings, with each player's cohort and rank within it. */
export async function checkClosed({ podium }: AdminDemo, arena: Arena): Promise<boolean> {
  const checks = new Checklist(arena.game, WIDTH);
  for (const [i, model] of arena.models.slice(0, -1).entries()) {
    const want = model.board();
    let got: unknown;
    for (let tries = 0; tries < 100; tries++) {
      const res = await podium.v1.games[":game"].seasons[":season"].leaderboard.$get({
        param: { game: arena.game, season: String(model.season) },
        query: { limit: "1000" },
      });
      const body = res.ok ? await res.json() : undefined;
      if (body?.complete) {
        got = body.entries.map(({ rank, player, score, ts, cohort, cohortRank }) => ({
          rank,
          player,
          score,
          ts,
          cohort,
          cohortRank,
        }));
        break;
      }
      await sleep(100);
    }
    const leader = want[0] === undefined ? "none" : `${want[0].player} ${want[0].score}`;
    checks.same(
      `tournament ${i + 1} (season ${model.season}) closed: ${want.length} players in ${model.cohorts} cohorts, leader ${leader}`,
      got,
      want.slice(0, 1000),
    );
  }
  return checks.print();
}

type HookEvent =
  | { type: "season.closed"; game: string; season: number; awards: unknown[] }
  | {
      type: "leader.changed";
      game: string;
      season: number;
      leader: { player: string };
      previous: { player: string } | null;
    }
  | { type: "top.changed"; game: string; season: number; entries: { rank: number; player: string; score: number }[] };

/**
 * Every hook event of the game: signed, in order (each season's board
 * events, then its close, then the next season's), one close per tournament
 * with its awards, and the last leader.changed and top.changed of each
 * tournament telling its final board (the hooks coalesce: only the newest
 * state is promised). `previous` is the leader the last leader.changed told.
 */
export function checkHooks({ webhookSecret }: AdminDemo, arena: Arena, deliveries: Delivery[]): boolean {
  const checks = new Checklist(arena.game, WIDTH);
  const mine = deliveries.filter((d) => (JSON.parse(d.body) as HookEvent).game === arena.game);
  const events = mine.map((d) => JSON.parse(d.body) as HookEvent);
  if (webhookSecret === undefined) console.log(`  ${arena.game}: no WEBHOOK_SECRET, signatures not verified`);
  else {
    const bad = mine.filter((d) => !verifySignature(d.signature, d.body, webhookSecret)).length;
    checks.add(`${mine.length} hook events signed`, bad === 0, `${bad} bad signatures`);
  }
  const place = (e: HookEvent) => e.season * 2 + (e.type === "season.closed" ? 1 : 0);
  const back = events.findIndex((e, i) => i > 0 && place(e) < place(events[i - 1]));
  checks.add(
    "hook events in order: a season's board events, its close, then the next season's",
    back === -1,
    `event ${back} went back: ${JSON.stringify(events.slice(back - 1, back + 1)).slice(0, 200)}`,
  );
  for (const [i, model] of arena.models.entries()) {
    const name = `tournament ${i + 1} (season ${model.season})`;
    const ofSeason = events.filter((e) => e.season === model.season);
    if (i < arena.models.length - 1) {
      const closes = ofSeason.flatMap((e) => (e.type === "season.closed" ? [e.awards] : []));
      checks.same(`${name} season.closed once, with its awards`, closes, [model.awards().awards]);
    }
    const leaders = ofSeason.flatMap((e) => (e.type === "leader.changed" ? [e] : []));
    const board = model.board();
    checks.same(`${name} last leader.changed`, leaders.at(-1)?.leader.player ?? null, board[0]?.player ?? null);
    const chain = leaders.every((e, k) => (e.previous?.player ?? null) === (leaders[k - 1]?.leader.player ?? null));
    checks.add(`${name} each leader.changed names the one before as previous`, chain, JSON.stringify(leaders));
    const tops = ofSeason.flatMap((e) => (e.type === "top.changed" ? [e] : []));
    const got = (tops.at(-1)?.entries ?? []).map(({ rank, player, score }) => ({ rank, player, score }));
    const want = board.slice(0, HOOK_TOP).map(({ rank, player, score }) => ({ rank, player, score }));
    checks.same(`${name} last top.changed (of ${tops.length})`, got, want);
  }
  return checks.print();
}
