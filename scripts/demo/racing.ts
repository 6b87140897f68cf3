// The racing workload: cars lap `min` games (lower lap time is better), each
// lap reported with its best sector as the subscore that orders equal lap
// times, and `{car, track}` as meta. Tiers by share of the board, and three
// drivers with ~5 friends each, read as friends boards (GET and POST) and one
// watched live. At the end every game is checked against the demo's model:
// the top 15, sampled standings with `top` and `tier`, the friends boards
// with `missing`, each entry's meta, and a driver across every racing game.
import { setTimeout as sleep } from "node:timers/promises";
import { LiveFeed } from "../../client/index";
import { Checklist } from "./checklist";
import { type AdminDemo, configureGames, everySecond } from "./harness";
import { asPlaced, type Lap, type Placed, RaceModel, TIERS } from "./racing-model";
import { holdsTop, Spectators } from "./spectators";

const CARS = ["Alpine", "Ferrari", "McLaren", "Mercedes", "Williams"];
const TRACKS = ["Monza", "Spa", "Suzuka", "Interlagos", "Silverstone", "Monaco"];
const BATCH = 1000;
const DRIVERS = 3;

export async function runRacing(demo: AdminDemo): Promise<boolean> {
  const { podium, games, sender } = demo;
  await configureGames(demo, () => ({
    aggregate: "min",
    order: "asc",
    tiebreak: { order: "asc" },
    tiers: TIERS.map((t) => ({ ...t })),
    maxPlayers: Math.max(1_000_000, demo.players * 2),
  }));
  const players = Array.from({ length: demo.players }, (_, p) => `racer-${String(p + 1).padStart(5, "0")}`);
  const drivers = players.slice(0, DRIVERS);
  const friends = new Map(drivers.map((driver, d) => [driver, friendsOf(players, d)]));
  const models = new Map(games.map((g) => [g, new RaceModel()]));
  // Lap times in 10 ms steps over a narrow spread, and sectors in 50 ms steps:
  // equal laps are common, and equal sectors among them now and then.
  const pace = players.map(() => Math.floor(Math.random() * 150) * 10);
  const spectators = new Spectators(
    demo,
    () => ({ limit: 15 }),
    (game) => sender.failure(`a spectator of ${game} could not connect`),
  );
  const [leadDriver] = drivers;
  const watched = [leadDriver, ...(friends.get(leadDriver) ?? [])];
  const friendsFeed = new LiveFeed(demo.url, games[0], { players: watched });
  let laps = 0;

  const tick = async (second: number): Promise<void> => {
    const now = Date.now();
    const posts: Promise<void>[] = [];
    games.forEach((game, g) => {
      const track = TRACKS[g % TRACKS.length];
      const model = models.get(game) as RaceModel;
      const reports = players.map((player, p): Lap => {
        const score = 80_000 + g * 1000 + pace[p] + Math.floor(Math.random() * 200) * 10;
        const subscore = 25_000 + Math.floor(Math.random() * 10) * 50;
        const meta = { car: CARS[(p + second) % CARS.length], track };
        return { player, score, subscore, ts: now + (p % 1000), meta };
      });
      for (const lap of reports) model.report(lap);
      laps += reports.length;
      for (let from = 0; from < reports.length; from += BATCH) {
        const scores = reports.slice(from, from + BATCH);
        posts.push(
          sender.send(`laps for ${game}`, () =>
            podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } }),
          ),
        );
      }
    });
    await Promise.all(posts);
    // Opened once the first game exists, as the spectators are.
    if (second === 0) await friendsFeed.open().catch(() => sender.failure(`the friends view of ${games[0]} failed`));
  };

  await everySecond(demo.seconds, {
    tick,
    spectators,
    progress: (perSecond) =>
      `${laps} laps (${perSecond(laps)}/s)  ${sectorImprovements(models)} bests set by a sector alone  ` +
      `${spectators.updates} live updates  failures ${sender.failures}`,
  });
  await sleep(1500); // the last live updates
  console.log("demo: checking every game's laps, tiers, meta and friends against what was sent");
  let ok = true;
  for (const game of games) {
    const board = (models.get(game) as RaceModel).board();
    ok = (await check(demo, game, models.get(game) as RaceModel, board, friends)) && ok;
    const astray = spectators.astray(game, holdsTop(board.slice(0, 15)));
    for (const feed of astray) console.error(`  ✗ ${game}: a spectator sees a different top 15 (gaps: ${feed.gaps})`);
    ok = astray.length === 0 && ok;
  }
  ok = checkLiveFriends(friendsFeed, models.get(games[0]) as RaceModel, watched) && ok;
  ok = (await checkAcross(demo, leadDriver, models)) && ok;
  friendsFeed.close();
  if (spectators.feeds.length > 0) console.log(`  ${spectators.feeds.length} spectators followed along live`);
  return ok;
}

/** About five friends of the `d`th driver spread over the field, and one who never raced: missing from every board. */
function friendsOf(players: string[], d: number): string[] {
  const spread = [1, 2, 3, 4].map((k) => players[(d * 7 + k * Math.ceil(players.length / 5)) % players.length]);
  const raced = [...new Set(spread)].filter((p) => p !== players[d]);
  return [...raced, `never-raced-${d + 1}`];
}

function sectorImprovements(models: Map<string, RaceModel>): number {
  return [...models.values()].reduce((sum, m) => sum + m.sectorImprovements, 0);
}

/** One game's top, sampled standings and friends boards against the model. */
async function check(
  { podium }: AdminDemo,
  game: string,
  model: RaceModel,
  board: Placed[],
  friends: Map<string, string[]>,
): Promise<boolean> {
  const checks = new Checklist(game, 240);
  const res = await podium.v1.games[":game"].leaderboard.$get({ param: { game }, query: { limit: "15" } });
  const top = res.ok ? await res.json() : undefined;
  checks.same(`top 15 of ${board.length} with sectors, tiers and meta`, top?.entries.map(asPlaced), board.slice(0, 15));
  checks.same("total", top?.total, board.length);
  const sampled = new Set([0, 9, Math.floor(board.length / 3), board.length - 1].filter((i) => i < board.length));
  for (const i of [...friends.keys()].map((driver) => board.findIndex((e) => e.player === driver))) sampled.add(i);
  for (const position of sampled) {
    const want = board[position];
    const standing = await podium.v1.games[":game"].players[":player"].$get({
      param: { game, player: want.player },
      query: {},
    });
    const got = standing.ok ? await standing.json() : undefined;
    checks.same(`${want.player} (rank ${want.rank}, ${want.tier})`, got && { ...asPlaced(got), top: got.top }, {
      ...want,
      top: want.rank / board.length,
    });
  }
  for (const [driver, list] of friends) {
    const asked = [driver, ...list];
    const want = model.friends(board, asked);
    const what = `${driver}'s ${list.length} friends, ${want.missing.length} missing`;
    const read = await podium.v1.games[":game"].leaderboard.$get({
      param: { game },
      query: { players: asked.join(",") },
    });
    const got = read.ok ? await read.json() : undefined;
    checks.same(`${what} (GET)`, got && { entries: got.entries.map(asPlaced), missing: got.missing }, want);
    const posted = await podium.v1.games[":game"].leaderboard.players.$post({
      param: { game },
      json: { players: asked },
    });
    const body = posted.ok ? await posted.json() : undefined;
    checks.same(`${what} (POST)`, body && { entries: body.entries.map(asPlaced), missing: body.missing }, want);
  }
  return checks.print();
}

/** The live friends view: the lead driver's friends on the board, with their ranks on the whole board. */
function checkLiveFriends(feed: LiveFeed, model: RaceModel, watched: string[]): boolean {
  const checks = new Checklist(feed.game, 240);
  const want = model.friends(model.board(), watched).entries.map(({ rank, player, score, subscore }) => ({
    rank,
    player,
    score,
    subscore,
  }));
  const got = feed.entries().map(({ rank, player, score, subscore }) => ({ rank, player, score, subscore }));
  checks.same(`${watched[0]}'s friends live`, got, want);
  checks.add(`${watched[0]}'s friends live without gaps`, feed.gaps === 0, `${feed.gaps} gaps`);
  return checks.print();
}

/** The lead driver across every racing game in one read. */
async function checkAcross(
  { podium, games }: AdminDemo,
  driver: string,
  models: Map<string, RaceModel>,
): Promise<boolean> {
  const checks = new Checklist(driver, 240);
  const res = await podium.v1.players[":player"].$get({ param: { player: driver }, query: { games: games.join(",") } });
  const got = res.ok ? await res.json() : undefined;
  const standings = games.flatMap((game) => {
    const board = (models.get(game) as RaceModel).board();
    const entry = board.find((e) => e.player === driver);
    if (entry === undefined) return [];
    const { rank, score, ts, tier } = entry;
    return [{ game, rank, score, ts, total: board.length, top: rank / board.length, tier }];
  });
  checks.same(`across ${games.length} games`, got && { standings: got.standings, missing: got.missing }, {
    standings,
    missing: [],
  });
  return checks.print();
}
