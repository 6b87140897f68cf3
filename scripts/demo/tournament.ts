// `--workload tournament`: hourly-style tournaments shortened to a minute.
// Each game is a `max` game whose season resets every minute (cron
// `* * * * *`), open from the start to the end of the run, with joining,
// 3 attempts a player, cohorts of 20, prizes and a webhook told of closes,
// leader changes and top-3 changes. Each tournament most players join at its
// start, some late, and a few never; each joined player spends its 3 attempts
// spread over the minute and some try a 4th; late joiners now and then report
// before joining and strangers report anyway. Writes stop QUIET_MS before each
// reset, so the model knows which tournament each report fell in and the
// hooks' last look at the board sees its final state. The last tournament is
// checked open, then closed by hand; every tournament is then checked closed
// (tournament-checks.ts).
import { setTimeout as sleep } from "node:timers/promises";
import { LiveFeed } from "../../client/index";
import { type AdminDemo, configureGames, everySecond, progress } from "./harness";
import { Spectators } from "./spectators";
import { type Arena, checkClosed, checkHooks, checkOpen, probeClosedGame, tally } from "./tournament-checks";
import { HOOK_EVERY, HOOK_TOP, type Report, RULES, TournamentModel } from "./tournament-model";
import { listenForWebhooks } from "./webhooks";

const POOL_SEED = 100;
/** Writes stop this long before a reset: the hooks' last look (HOOK_EVERY after a write, at most) sees the final board. */
const QUIET_MS = HOOK_EVERY * 1000 + 3000;
/** A run ending this close to a reset runs on to RUN_ON_MS past it, so its open tournament is checked before the next. */
const RESET_MARGIN_MS = 10_000;
const RUN_ON_MS = 15_000;
const MINUTE = 60_000;
const MICROS = 1_000_000n;

/** A player's part in one tournament. */
interface Entrant {
  player: string;
  /** When it joins: at the start, later, or never (a stranger who reports anyway). */
  joinAt: number;
  /** A late joiner that reports once before it joins. */
  eager: boolean;
  /** Tries a 4th attempt once its 3 are spent. */
  greedy: boolean;
}

export async function runTournament(demo: AdminDemo): Promise<boolean> {
  const { podium, admin, games, sender } = demo;
  const webhooks = await listenForWebhooks();
  const started = Date.now();
  const info = async (game: string) => {
    const res = await podium.v1.games[":game"].$get({ param: { game } });
    const body = await res.json();
    if (!("season" in body)) throw new Error(`${game} has no season: ${JSON.stringify(body)}`);
    return body.season;
  };
  const asked = started + demo.seconds * 1000;
  const runEnd = endOfRun(asked);
  if (runEnd !== asked)
    console.log(`demo: running ${Math.round((runEnd - started) / 1000)}s, so no reset falls in the final checks`);
  await configureGames(demo, () => ({
    aggregate: "max",
    season: { cron: "* * * * *" },
    open: { from: started, to: runEnd },
    join: true,
    maxAttempts: RULES.maxAttempts,
    cohorts: { size: RULES.cohortSize },
    prizes: { poolShare: RULES.poolShare, poolSeed: POOL_SEED, split: RULES.split },
    webhook: {
      url: webhooks.url,
      events: ["season.closed", "leader.changed", "top.changed"],
      top: HOOK_TOP,
      every: HOOK_EVERY,
    },
  }));
  let boundary = (await info(games[0])).endsAt ?? Number.POSITIVE_INFINITY;
  const seed = BigInt(POOL_SEED) * MICROS;
  const arenas: Arena[] = [];
  for (const game of games) {
    const model = new TournamentModel((await info(game)).number, RULES, seed);
    arenas.push({ game, models: [model], answers: new Map(), misses: [] });
  }
  const roster = Array.from({ length: demo.players }, (_, i) => `player-${String(i + 1).padStart(3, "0")}`);
  const spectators = new Spectators(demo, () => ({ limit: 10 }));
  const cohortFeeds = games.map((game) => new LiveFeed(demo.url, game, { cohort: 1, limit: RULES.cohortSize }));
  const cohortOpened = games.map(() => false);
  const cohortsOf = async (game: string) => {
    const body = await (await podium.v1.games[":game"].$get({ param: { game } })).json();
    return "cohorts" in body ? (body.cohorts ?? 0) : 0;
  };
  let tournament = 1;
  let entrants = new Map<string, Entrant[]>();
  let fresh = true;
  const counts = { joins: 0, reports: 0, refusals: 0 };
  const writeEnd = () => Math.min(boundary, runEnd) - QUIET_MS;

  /** One game's second: joins due, refused reports as the model says, and the attempts due. */
  const play = async (arena: Arena): Promise<void> => {
    const model = arena.models.at(-1) as TournamentModel;
    const now = Date.now();
    const writable = now < writeEnd();
    const ticksLeft = Math.max(1, Math.floor((writeEnd() - now) / 1000));
    const send = async (reports: Report[]) => {
      counts.reports += reports.length;
      const refused = await sendReports(demo, arena, model, reports);
      if (refused) counts.refusals++;
    };
    for (const entrant of entrants.get(arena.game) ?? []) {
      // Nor a join in the quiet time before a reset: the server may already have opened the next tournament.
      if (!writable || entrant.joinAt > now || model.joined(entrant.player)) continue;
      if (entrant.eager && writable) await send(withBystander(model, { player: entrant.player, score: 1, ts: now }));
      await join(demo, arena, model, entrant.player);
      counts.joins++;
    }
    if (!writable) return;
    const strangers = (entrants.get(arena.game) ?? []).filter((e) => e.joinAt === Number.POSITIVE_INFINITY);
    const stranger = strangers[Math.floor(Math.random() * strangers.length)];
    if (stranger !== undefined && Math.random() < 0.3) await send(withBystander(model, attemptBy(stranger.player)));
    const due = roster.filter((player) => {
      const left = RULES.maxAttempts - model.attemptsOf(player);
      return model.joined(player) && left > 0 && Math.random() < left / ticksLeft;
    });
    for (let from = 0; from < due.length; from += 1000) await send(due.slice(from, from + 1000).map(attemptBy));
    const greedy = (entrants.get(arena.game) ?? []).filter(
      (e) => e.greedy && model.attemptsOf(e.player) === RULES.maxAttempts && Math.random() < 0.2,
    );
    for (const { player } of greedy) await send(withBystander(model, attemptBy(player)));
  };

  /** A reset: every game's next season open (polled), a model for it, and each player's part drawn afresh. */
  const nextTournament = async () => {
    for (const arena of arenas) {
      const closing = arena.models.at(-1) as TournamentModel;
      let number = closing.season;
      while (number <= closing.season) {
        await sleep(100);
        number = (await info(arena.game)).number;
      }
      arena.models.push(new TournamentModel(number, RULES, seed + closing.awards().carry));
    }
    tournament++;
    boundary = (await info(games[0])).endsAt ?? Number.POSITIVE_INFINITY;
    fresh = true;
  };

  const tick = async () => {
    if (Date.now() >= boundary && boundary <= runEnd) {
      progress(`tournament ${tournament} closed, opening the next…`);
      await nextTournament();
    }
    if (fresh) {
      entrants = new Map(games.map((game) => [game, draw(roster, Date.now(), writeEnd())]));
      fresh = false;
    }
    await Promise.all(arenas.map(play));
    // Opened once the game's first joins have opened cohort 1: a run that starts in a reset's quiet time has none at first.
    for (const [g, feed] of cohortFeeds.entries()) {
      if (cohortOpened[g] || (await cohortsOf(feed.game)) < 1) continue;
      cohortOpened[g] = true;
      await feed.open().catch(() => sender.failure(`the cohort 1 view of ${feed.game} failed`));
    }
  };
  await everySecond(Math.ceil((runEnd - started) / 1000), {
    tick,
    spectators,
    progress: (perSecond) => {
      const left = Math.max(0, Math.round((Math.min(boundary, runEnd) - Date.now()) / 1000));
      const end = boundary <= runEnd ? "next reset" : "closes";
      return (
        `tournament ${tournament}, ${end} in ${left}s  ${counts.joins} joins  ${counts.reports} reports sent ` +
        `(${perSecond(counts.reports)}/s)  ${counts.refusals} refusals  ${webhooks.deliveries.length} hook events`
      );
    },
  });

  // Writes stopped QUIET_MS before the end: a beat for the last live updates and hook events to arrive.
  await sleep(1000);
  console.log(`demo: checking tournament ${tournament}, still open: cohorts, standings, attempts, live views`);
  let ok = true;
  for (const [g, arena] of arenas.entries()) {
    ok = (await checkOpen(demo, arena, spectators, cohortFeeds[g])) && ok;
  }
  await sleep(Math.max(0, runEnd + 100 - Date.now()));
  for (const arena of arenas) ok = (await probeClosedGame(demo, arena)) && ok;
  for (const game of games) {
    await sender.send(`close ${game}`, () => admin.v1.games[":game"].seasons.close.$post({ param: { game } }));
  }
  await nextTournament();
  spectators.close();
  for (const feed of cohortFeeds) feed.close();

  console.log("demo: waiting for the archives and the hook events");
  const closed = arenas.reduce((n, a) => n + a.models.length - 1, 0);
  const closes = () => webhooks.deliveries.filter((d) => d.body.includes('"type":"season.closed"')).length;
  for (let i = 0; i < 300 && closes() < closed; i++) await sleep(100);
  for (const arena of arenas) {
    ok = (await checkClosed(demo, arena)) && ok;
    ok = checkHooks(demo, arena, webhooks.deliveries) && ok;
  }
  webhooks.close();
  return ok;
}

/** When the run ends: when asked, or, if that falls within RESET_MARGIN_MS of a reset (each minute), RUN_ON_MS past it. */
function endOfRun(asked: number): number {
  const reset = Math.ceil((asked - RESET_MARGIN_MS) / MINUTE) * MINUTE;
  return Math.abs(asked - reset) < RESET_MARGIN_MS ? reset + RUN_ON_MS : asked;
}

/** Each player's part in a tournament from `start` (writes until `end`): a few strangers, a fifth late, the rest at once. */
function draw(roster: string[], start: number, end: number): Entrant[] {
  const shuffled = [...roster].sort(() => Math.random() - 0.5);
  const strangers = roster.length >= 5 ? Math.ceil(roster.length * 0.05) : 0;
  const late = roster.length >= 3 ? Math.round(roster.length * 0.2) : 0;
  return shuffled.map((player, i) => {
    const joinAt =
      i < strangers
        ? Number.POSITIVE_INFINITY
        : i < strangers + late
          ? start + 1000 + Math.random() * Math.max(0, (end - start) / 2)
          : start;
    return { player, joinAt, eager: joinAt > start && Math.random() < 0.5, greedy: Math.random() < 0.15 };
  });
}

function attemptBy(player: string): Report {
  return { player, score: Math.floor(Math.random() * 200) * 5, ts: Date.now() };
}

/** `bad` in a batch with a report the gates would take, which the batch's refusal must not apply either. */
function withBystander(model: TournamentModel, bad: Report): Report[] {
  const bystander = model.entrants().find((p) => p !== bad.player && model.attemptsOf(p) < RULES.maxAttempts);
  if (bystander === undefined) return [bad];
  return Math.random() < 0.5 ? [attemptBy(bystander), bad] : [bad, attemptBy(bystander)];
}

/** Joins a player, checking the answer: this season, no rank yet, no attempts used. */
async function join(demo: AdminDemo, arena: Arena, model: TournamentModel, player: string): Promise<void> {
  const res = await demo.podium.v1.games[":game"].players[":player"].join.$post({
    param: { game: arena.game, player },
  });
  const body = res.ok ? await res.json() : undefined;
  model.join(player);
  const want = { season: model.season, rank: null, attempts: 0, attemptsLeft: RULES.maxAttempts };
  const got = body && {
    season: body.season,
    rank: body.rank,
    attempts: body.attempts,
    attemptsLeft: body.attemptsLeft,
  };
  const same = JSON.stringify(got) === JSON.stringify(want);
  tally(
    arena,
    "join",
    same ? undefined : `join of ${player}: ${res.status} ${JSON.stringify(body)}, not ${JSON.stringify(want)}`,
  );
}

/** Sends a batch; the model says whether it is accepted or how it is refused. True when refused. */
async function sendReports(demo: AdminDemo, arena: Arena, model: TournamentModel, reports: Report[]): Promise<boolean> {
  const want = model.judge(reports);
  const res = await demo.podium.v1.games[":game"].scores.$post({
    param: { game: arena.game },
    json: { scores: reports },
  });
  if (want === undefined) {
    if (res.ok) model.apply(reports);
    tally(
      arena,
      "accepted",
      res.ok ? undefined : `a batch answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
    );
    return false;
  }
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code: string; details?: { index: number; player: string; reason?: string }[] } }
    | undefined;
  const details = body?.error?.details?.map(({ index, player, reason }) =>
    want.code === "attempts_exhausted" ? { index, player, reason } : { index, player },
  );
  const got = { status: res.status, code: body?.error?.code, details };
  const same = JSON.stringify(got) === JSON.stringify(want);
  tally(
    arena,
    want.code,
    same ? undefined : `${JSON.stringify(reports)}: ${JSON.stringify(got)}, not ${JSON.stringify(want)}`,
  );
  return true;
}
