// The shards workload: games spread over 8 shards each, every player
// reporting a best score (`max`) each second in batches of up to 1000 with ids.
// Now and then a cheater's 10^9 lands in a batch: its shard refuses its part
// (the bounds), the others apply, and the demo resends the batch without the
// cheater, which applies what was refused and nothing twice (the ids). At the end every
// game's board is checked against the demo's model: the top, a deep page, and
// exact ranks with neighbours for sampled players, and every spectator's
// live top 15, gathered by each game's object from its shards.
import { setTimeout as sleep } from "node:timers/promises";
import { Checklist } from "./checklist";
import { type AdminDemo, boardOrder, configureGames, everySecond } from "./harness";
import { holdsTop, Spectators } from "./spectators";

const SHARDS = 8;
const MAX_SCORE = 1_000_000;
/** Reports a batch, less one: room for a cheater's. */
const BATCH = 999;

interface Entry {
  player: string;
  score: number;
  ts: number;
}

export async function runShards(demo: AdminDemo): Promise<boolean> {
  const { podium, games, sender } = demo;
  await configureGames(demo, () => ({
    shards: SHARDS,
    aggregate: "max",
    bounds: { max: MAX_SCORE },
    maxPlayers: Math.max(1_000_000, demo.players * 2),
  }));
  const players = Array.from({ length: demo.players }, (_, p) => `player-${String(p + 1).padStart(6, "0")}`);
  /** Each game's best score per player as sent: what its board must show. */
  const best = new Map(games.map((g) => [g, new Map<string, Entry>()]));
  const spectators = new Spectators(
    demo,
    () => ({ limit: 15 }),
    (game) => sender.failure(`a spectator of ${game} could not connect`),
  );
  let reports = 0;
  let refusals = 0;
  let id = 0;

  /** Posts a batch; a part refused by its shard is sent again without the cheater, once. */
  const post = async (game: string, scores: (Entry & { id: string })[], cheater?: string): Promise<void> => {
    const res = await podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } });
    // The typed client knows the route's 200; a refusal's body is the error envelope.
    const status: number = res.status;
    if (cheater === undefined || status !== 422) {
      if (!res.ok) sender.failure(`scores for ${game} answered ${status}: ${(await res.text()).slice(0, 200)}`);
      sender.requests++;
      return;
    }
    refusals++;
    const { error } = (await res.json()) as unknown as { error: { applied: number; details: { index: number }[] } };
    const cheats = scores.filter((s) => s.player === cheater).length;
    if (error.applied + error.details.length !== scores.length || error.details.length < cheats) {
      sender.failure(`a refused part of ${game}'s batch was not named whole: ${JSON.stringify(error).slice(0, 200)}`);
    }
    await sender.send(`scores for ${game} (resent)`, () =>
      podium.v1.games[":game"].scores.$post({
        param: { game },
        json: { scores: scores.filter((s) => s.player !== cheater) },
      }),
    );
  };

  const tick = async (second: number): Promise<void> => {
    const now = Date.now();
    const posts: Promise<void>[] = [];
    for (const game of games) {
      const model = best.get(game) as Map<string, Entry>;
      const scores = players.map((player, p) => {
        const previous = model.get(player)?.score ?? 0;
        const score = Math.min(MAX_SCORE, previous + Math.floor(Math.random() * 50));
        const entry = { player, score, ts: now + (p % 1000) };
        if (score > previous || !model.has(player)) model.set(player, entry);
        return { ...entry, id: `${second}-${id++}` };
      });
      reports += scores.length;
      for (let from = 0; from < scores.length; from += BATCH) {
        const batch = scores.slice(from, from + BATCH);
        const cheater = second % 3 === 1 && from === 0 ? `cheater-${second}` : undefined;
        if (cheater !== undefined) batch.unshift({ player: cheater, score: MAX_SCORE * 1000, ts: now, id: `c${id++}` });
        posts.push(post(game, batch, cheater));
      }
    }
    await Promise.all(posts);
  };

  await everySecond(demo.seconds, {
    tick,
    spectators,
    progress: (perSecond) =>
      `${reports} reports over ${games.length * SHARDS} shards (${perSecond(reports)}/s)  ` +
      `${refusals} batches refused in part and resent  ${spectators.updates} live updates  failures ${sender.failures}`,
  });
  await sleep(500); // the last live updates
  console.log(`demo: checking every game's board across its ${SHARDS} shards against what was sent`);
  let ok = true;
  for (const game of games) {
    const want = [...(best.get(game) as Map<string, Entry>).values()].sort(boardOrder);
    ok = (await check(demo, game, want)) && ok;
    const astray = spectators.astray(game, holdsTop(want.slice(0, 15)));
    for (const feed of astray) console.error(`  ✗ ${game}: a spectator sees a different top 15 (gaps: ${feed.gaps})`);
    ok = astray.length === 0 && ok;
  }
  if (spectators.feeds.length > 0) console.log(`  ${spectators.feeds.length} spectators followed along live`);
  return ok;
}

/** The top, a deep page, and sampled standings of one game, against the model. */
async function check({ podium }: AdminDemo, game: string, want: Entry[]): Promise<boolean> {
  const checks = new Checklist(game, 160);
  const page = async (offset: number, limit: number) => {
    const res = await podium.v1.games[":game"].leaderboard.$get({
      param: { game },
      query: { limit: String(limit), offset: String(offset) },
    });
    return res.ok ? await res.json() : undefined;
  };
  const placed = (entries: { player: string; score: number; ts: number; rank: number }[] = []) =>
    entries.map(({ rank, player, score, ts }) => ({ rank, player, score, ts }));
  const ranked = (from: number, to: number) => want.slice(from, to).map((e, i) => ({ rank: from + i + 1, ...e }));
  const top = await page(0, 15);
  checks.same(`top 15 of ${want.length} players`, placed(top?.entries), ranked(0, 15));
  checks.same("total", top?.total, want.length);
  const middle = Math.floor(want.length / 2);
  checks.same(`page of 20 at offset ${middle}`, placed((await page(middle, 20))?.entries), ranked(middle, middle + 20));
  const sampled = [0, Math.floor(want.length / 3), want.length - 1].filter((i, k, all) => all.indexOf(i) === k);
  for (const position of sampled) {
    const { player } = want[position];
    const res = await podium.v1.games[":game"].players[":player"].$get({
      param: { game, player },
      query: { around: "2" },
    });
    const standing = res.ok ? await res.json() : undefined;
    checks.same(`${player} at rank ${position + 1}`, standing?.rank, position + 1);
    checks.same(`${player}'s neighbours`, placed(standing?.around), ranked(Math.max(0, position - 2), position + 3));
  }
  return checks.print();
}
