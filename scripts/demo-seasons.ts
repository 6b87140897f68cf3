// `npm run demo -- --workload seasons`: a sum game with a prize pool whose
// seasons reset every minute (cron `* * * * *`), and a local webhook receiver.
// Players score every second; the demo pauses its writes around each
// boundary so it knows which season each batch fell in, and closes the last
// season itself at the end. It then checks every archived season (standings,
// pool, awards) against its own model, and every webhook delivery (signature
// and awards).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { LiveFeed, PodiumClient } from "../client/index";
import { LiveFeed as Feed } from "../client/index";
import type { WorkloadOptions } from "./demo-workload";

export interface SeasonsOptions extends WorkloadOptions {
  webhookSecret: string | undefined;
}

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

interface Award {
  rank: number;
  player: string;
  amount: number;
}

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
      .sort((a, b) => b.score - a.score || a.ts - b.ts || (a.player < b.player ? -1 : 1))
      .map(({ player, score }) => ({ player, score }));
  }

  /** Ranks are distinct (ties: first), so each paid position gets its range's share over the positions held. */
  awards(): { awards: Award[]; carry: bigint } {
    const board = this.standings();
    const awards: Award[] = [];
    let paid = 0n;
    for (const range of PRIZES.split) {
      const held = Math.max(0, Math.min(range.to, board.length) - range.from + 1);
      for (let position = range.from; position <= Math.min(range.to, board.length); position++) {
        const units = (this.poolMicros * BigInt(Math.round(range.share * 1e6))) / (MICROS * BigInt(held) * MICROS);
        awards.push({ rank: position, player: board[position - 1].player, amount: Number(units) });
        paid += units * MICROS;
      }
    }
    return { awards, carry: this.poolMicros - paid };
  }
}

export async function runSeasons(options: SeasonsOptions): Promise<boolean> {
  const { podium, admin, games, seconds } = options;
  const deliveries: { body: string; signature: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      deliveries.push({ body, signature: String(req.headers["podium-signature"] ?? "") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/podium`;

  const seed = BigInt(PRIZES.poolSeed) * MICROS;
  const seasons = new Map(games.map((g) => [g, [new SeasonModel(seed)]]));
  for (const game of games) {
    const json = { aggregate: "sum" as const, season: { cron: "* * * * *" }, prizes: PRIZES, webhook };
    await options.send(`configure ${game}`, () => admin.v1.games[":game"].$put({ param: { game }, json }));
  }
  const roster = Array.from({ length: options.players }, (_, i) => `player-${String(i + 1).padStart(3, "0")}`);
  const pace = new Map(roster.map((p) => [p, 1 + Math.random() * 9]));
  const feeds: LiveFeed[] = [];
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
        await new Promise((r) => setTimeout(r, 100));
      }
      const models = seasons.get(game) as SeasonModel[];
      const carry = (models.at(-1) as SeasonModel).awards().carry;
      models.push(new SeasonModel(seed + carry));
    }
    closes++;
  };

  let boundary = await nextBoundary();
  let season = 1;
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    const tickStart = Date.now();
    if (Date.now() >= boundary - QUIET_MS) {
      options.progress(`season ${season} is closing (every minute)…`);
      await new Promise((r) => setTimeout(r, Math.max(0, boundary - Date.now())));
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
        ((seasons.get(game) as SeasonModel[]).at(-1) as SeasonModel).batch(scores);
        reports += scores.length;
        await options.send(`scores for ${game}`, () =>
          podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } }),
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
    const left = Math.max(0, Math.round((boundary - Date.now()) / 1000));
    options.progress(
      `${second + 1}/${seconds}s  season ${season}, next reset in ${left}s  ${reports} reports ` +
        `(${Math.round(reports / ((Date.now() - started) / 1000))}/s)  ${closes} closes  ${deliveries.length} webhooks`,
    );
    const wait = 1000 - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write("\n");
  // The last season closes by hand, so every run has one to check.
  for (const game of games) {
    await options.send(`close ${game}`, () => admin.v1.games[":game"].seasons.close.$post({ param: { game } }));
  }
  await awaitClose(season);

  console.log("demo: waiting for the archives and the webhooks");
  const expected = games.length * closes;
  for (let i = 0; i < 300 && deliveries.length < expected; i++) await new Promise((r) => setTimeout(r, 100));
  let ok = true;
  for (const game of games)
    ok = (await check(podium, game, seasons.get(game) as SeasonModel[], deliveries, options)) && ok;
  for (const feed of feeds) feed.close();
  receiver.close();
  return ok;
}

function verify(signature: string, body: string, secret: string): boolean {
  const { t, v1 } = Object.fromEntries(signature.split(",").map((part) => part.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function check(
  podium: PodiumClient,
  game: string,
  models: SeasonModel[],
  deliveries: { body: string; signature: string }[],
  options: SeasonsOptions,
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
      await new Promise((r) => setTimeout(r, 100));
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
      (options.webhookSecret === undefined || verify(delivery.signature, delivery.body, options.webhookSecret));
    const hookOk = signed && JSON.stringify(hookBody?.awards) === JSON.stringify(wantAwards);
    const pool = Number(model.poolMicros) / 1e6;
    console.log(
      `  ${standingsOk ? "✓" : "✗"} ${game} season ${season} standings: ${want.length} players, leader ${want[0]?.player}` +
        (standingsOk ? "" : ` (got ${JSON.stringify(got)?.slice(0, 160)})`),
    );
    console.log(
      `  ${awardsOk ? "✓" : "✗"} ${game} season ${season} awards from a pool of ${pool}: ` +
        wantAwards.map((a) => `${a.player} ${a.amount}`).join(", ") +
        (awardsOk ? "" : ` (got ${JSON.stringify(awards).slice(0, 160)})`),
    );
    console.log(
      `  ${hookOk ? "✓" : "✗"} ${game} season ${season} webhook: ${delivery === undefined ? "not delivered" : signed ? "signed" : "bad signature"}`,
    );
    ok &&= standingsOk && awardsOk && hookOk;
  }
  return ok;
}
