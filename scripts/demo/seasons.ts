// `--workload seasons`: a sum game with a prize pool whose
// seasons reset every minute (cron `* * * * *`), and a local webhook receiver.
// Players score every second; the demo pauses its writes around each
// boundary so it knows which season each batch fell in, and closes the last
// season itself at the end. It then checks every archived season (standings,
// pool, awards) against its own model, and every webhook delivery (signature
// and awards).
import { setTimeout as sleep } from "node:timers/promises";
import { type AdminDemo, boardOrder, configureGames, type Demo, everySecond, mark, progress } from "./harness";
import { type Award, awardsOf } from "./prizes-model";
import { Spectators } from "./spectators";
import { type Delivery, listenForWebhooks, verifySignature } from "./webhooks";

const MICROS = 1_000_000n;
const PRIZES = {
  poolShare: 0.02,
  poolSeed: 50,
  split: [
    { from: 1, to: 1, share: 0.5 },
    { from: 2, to: 3, share: 0.3 },
  ],
};
/** Writes stop this long before a boundary, and resume once the next season is open. */
const QUIET_MS = 600;

/** One season of one game as the demo sent it: each player's sum, the pool in micros. */
class SeasonModel {
  readonly scores = new Map<string, { score: number; ts: number }>();
  constructor(public poolMicros: bigint) {}

  batch(scores: { player: string; score: number; ts: number }[]): void {
    let rise = 0;
    for (const { player, score, ts } of scores) {
      const before = this.scores.get(player);
      this.scores.set(player, { score: (before?.score ?? 0) + score, ts: Math.max(before?.ts ?? 0, ts) });
      if (score > 0) rise += score;
    }
    // The server feeds the pool once per batch: the floor of share x the batch's gains, in micros.
    this.poolMicros += BigInt(Math.floor(PRIZES.poolShare * rise * 1e6));
  }

  standings(): { player: string; score: number }[] {
    return [...this.scores]
      .map(([player, { score, ts }]) => ({ player, score, ts }))
      .sort(boardOrder)
      .map(({ player, score }) => ({ player, score }));
  }

  /** What the close pays, and what it carries over. */
  awards(): { awards: Award[]; carry: bigint } {
    return awardsOf(this.poolMicros, this.standings(), PRIZES.split);
  }
}

export async function runSeasons(demo: AdminDemo): Promise<boolean> {
  const { podium, admin, games, seconds, sender } = demo;
  const webhooks = await listenForWebhooks();
  const seed = BigInt(PRIZES.poolSeed) * MICROS;
  const seasons = new Map(games.map((g) => [g, [new SeasonModel(seed)]]));
  const current = (game: string) => (seasons.get(game) as SeasonModel[]).at(-1) as SeasonModel;
  await configureGames(demo, () => ({
    aggregate: "sum",
    season: { cron: "* * * * *" },
    prizes: PRIZES,
    webhook: webhooks.url,
  }));
  const roster = Array.from({ length: demo.players }, (_, i) => `player-${String(i + 1).padStart(3, "0")}`);
  const pace = new Map(roster.map((p) => [p, 1 + Math.random() * 9]));
  const spectators = new Spectators(demo, () => ({ limit: 10 }));
  let reports = 0;
  let closes = 0;

  /** The next boundary of every game: they share the schedule. */
  const nextBoundary = async () => {
    const info = await (await podium.v1.games[":game"].$get({ param: { game: games[0] } })).json();
    return "season" in info ? (info.season.endsAt ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  };
  /** Waits until every game has opened the season after `number`, then starts a new model for each. */
  const awaitClose = async (number: number) => {
    for (const game of games) {
      for (;;) {
        const info = await (await podium.v1.games[":game"].$get({ param: { game } })).json();
        if ("season" in info && info.season.number > number) break;
        await sleep(100);
      }
      seasons.get(game)?.push(new SeasonModel(seed + current(game).awards().carry));
    }
    closes++;
  };

  let boundary = await nextBoundary();
  let season = 1;
  const tick = async () => {
    if (Date.now() >= boundary - QUIET_MS) {
      progress(`season ${season} is closing (every minute)…`);
      await sleep(Math.max(0, boundary - Date.now()));
      await awaitClose(season);
      season++;
      boundary = await nextBoundary();
    }
    await Promise.all(
      games.map(async (game) => {
        const ts = Date.now() - 1000;
        const scores = roster.map((player) => ({
          player,
          score: Math.round(Math.random() * (pace.get(player) as number)),
          ts,
        }));
        current(game).batch(scores);
        reports += scores.length;
        await sender.send(`scores for ${game}`, () =>
          podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } }),
        );
      }),
    );
  };
  await everySecond(seconds, {
    tick,
    spectators,
    progress: (perSecond) => {
      const left = Math.max(0, Math.round((boundary - Date.now()) / 1000));
      return (
        `season ${season}, next reset in ${left}s  ${reports} reports (${perSecond(reports)}/s)  ` +
        `${closes} closes  ${webhooks.deliveries.length} webhooks`
      );
    },
  });
  // The last season closes by hand, so every run has one to check.
  for (const game of games) {
    await sender.send(`close ${game}`, () => admin.v1.games[":game"].seasons.close.$post({ param: { game } }));
  }
  await awaitClose(season);

  console.log("demo: waiting for the archives and the webhooks");
  const expected = games.length * closes;
  for (let i = 0; i < 300 && webhooks.deliveries.length < expected; i++) await sleep(100);
  let ok = true;
  for (const game of games) {
    ok = (await check(demo, game, seasons.get(game) as SeasonModel[], webhooks.deliveries)) && ok;
  }
  // The hook's URL may carry a secret: without an admin key the config shows its origin only.
  const shown = await (await demo.podium.v1.games[":game"].$get({ param: { game: games[0] as string } })).json();
  const masked = `${new URL(webhooks.url).origin}/…`;
  const maskedOk = "config" in shown && shown.config.webhook === masked;
  console.log(`  ${mark(maskedOk)} ${games[0]} config without an admin key shows the webhook as ${masked}`);
  ok &&= maskedOk;
  spectators.close();
  webhooks.close();
  return ok;
}

async function check(
  { podium, webhookSecret }: Demo,
  game: string,
  models: SeasonModel[],
  deliveries: Delivery[],
): Promise<boolean> {
  let ok = true;
  const closed = models.slice(0, -1);
  for (const [i, model] of closed.entries()) {
    const season = i + 1;
    const param = { game, season: String(season) };
    let board: { complete: boolean; entries: { player: string; score: number }[] } | undefined;
    for (let tries = 0; tries < 100; tries++) {
      const res = await podium.v1.games[":game"].seasons[":season"].leaderboard.$get({
        param,
        query: { limit: "1000" },
      });
      const body = await res.json();
      if ("entries" in body && body.complete) {
        board = body;
        break;
      }
      await sleep(100);
    }
    const want = model.standings();
    const got = board?.entries.map(({ player, score }) => ({ player, score }));
    const standingsOk = JSON.stringify(got) === JSON.stringify(want);
    const awards = await (await podium.v1.games[":game"].seasons[":season"].awards.$get({ param })).json();
    const wantAwards = model.awards().awards;
    const awardsOk = "awards" in awards && JSON.stringify(awards.awards) === JSON.stringify(wantAwards);
    const delivery = deliveries.find((d) => {
      const body = JSON.parse(d.body) as { game: string; season: number };
      return body.game === game && body.season === season;
    });
    const hookBody = delivery === undefined ? undefined : (JSON.parse(delivery.body) as { awards: Award[] });
    const signed =
      delivery !== undefined &&
      (webhookSecret === undefined || verifySignature(delivery.signature, delivery.body, webhookSecret));
    const hookOk = signed && JSON.stringify(hookBody?.awards) === JSON.stringify(wantAwards);
    const pool = Number(model.poolMicros) / 1e6;
    console.log(
      `  ${mark(standingsOk)} ${game} season ${season} standings: ${want.length} players, leader ${want[0]?.player}` +
        (standingsOk ? "" : ` (got ${JSON.stringify(got)?.slice(0, 160)})`),
    );
    console.log(
      `  ${mark(awardsOk)} ${game} season ${season} awards from a pool of ${pool}: ` +
        wantAwards.map((a) => `${a.player} ${a.amount}`).join(", ") +
        (awardsOk ? "" : ` (got ${JSON.stringify(awards).slice(0, 160)})`),
    );
    console.log(
      `  ${mark(hookOk)} ${game} season ${season} webhook: ${delivery === undefined ? "not delivered" : signed ? "signed" : "bad signature"}`,
    );
    ok &&= standingsOk && awardsOk && hookOk;
  }
  return ok;
}
