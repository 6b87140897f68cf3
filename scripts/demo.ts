// `npm run demo`: drives a running Podium with Kapacitor's leaderboard workload
// (games x players, each player reporting its score every second over line
// protocol, some games over JSON batches), prints progress, then checks every
// board against what was sent: last value per player, ties by earlier ts.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createClient, LiveFeed } from "../client/index";
import { runClients } from "./demo-clients";
import { runFlink } from "./demo-flink";
import { runMatches } from "./demo-matches";
import { runSeasons } from "./demo-seasons";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    key: { type: "string" },
    "admin-key": { type: "string" },
    "webhook-secret": { type: "string" },
    workload: { type: "string", default: "kapacitor" },
    teams: { type: "string", default: "12" },
    games: { type: "string", default: "10" },
    players: { type: "string", default: "100" },
    seconds: { type: "string", default: "30" },
    spectators: { type: "string", default: "5" },
    prefix: { type: "string", default: "demo" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  console.log(`usage: npm run demo -- [--url http://127.0.0.1:8787] [--key <ingest key>] [--admin-key <admin key>]
                    [--workload kapacitor|flink|matches|seasons|clients] [--games 10] [--players 100] [--teams 12]
                    [--seconds 30] [--spectators 5] [--prefix demo]
Workloads: kapacitor (every player reports its score each second, line protocol and JSON);
flink (users in teams and countries send summed score events, some go on a streak; checks
players, teams, MVPs, trending and countries); matches (1v1 Rock Paper Scissors on ELO games
and 8-player free-for-alls on OpenSkill games, alternating, with counters; checks every rating
and every player's stats); seasons (a sum game with a prize pool resetting every minute and a
local webhook receiver; checks every archived season, its awards and its signed webhook); clients
(each player posts its own score with a player token within the game's bounds while cheaters try
10^15, other players, other games, forged tokens and a flood; checks every answer, every board and
the audit log, and prints a play page link to join in from a browser).
Spectators are live websocket watchers per game (0 for none).
The keys default to the first INGEST_KEYS and ADMIN_KEYS entries in .dev.vars (created by npm start).
With an admin key, the demo first deletes its games left from an earlier run, so its checks start fresh.`);
  process.exit(0);
}

const url = args.url.replace(/\/$/, "");
const gameCount = positive("games");
const playerCount = positive("players");
const seconds = positive("seconds");
const spectatorsPerGame = Number(args.spectators);
if (!Number.isInteger(spectatorsPerGame) || spectatorsPerGame < 0) fail("--spectators must be 0 or more");
const key = args.key ?? keyFromDevVars("INGEST_KEYS");
const adminKey = args["admin-key"] ?? keyFromDevVars("ADMIN_KEYS", false);
const webhookSecret = args["webhook-secret"] ?? keyFromDevVars("WEBHOOK_SECRET", false);

const WORKLOADS = ["kapacitor", "flink", "matches", "seasons", "clients"];
if (!WORKLOADS.includes(args.workload)) fail(`--workload is one of ${WORKLOADS.join(", ")}`);
const teamCount = positive("teams");

function positive(name: "games" | "players" | "seconds" | "teams"): number {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive whole number`);
  return n;
}

function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

function keyFromDevVars(name: string, required = true): string | undefined {
  try {
    const line = readFileSync(".dev.vars", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}=`));
    const first = line
      ?.slice(name.length + 1)
      .split(",")[0]
      ?.split(":")[0]
      ?.trim();
    if (first) return first;
  } catch {}
  if (!required) return undefined;
  return fail(`no key given and no ${name} in .dev.vars; run \`npm start\` first or pass --key`);
}

interface Sent {
  score: number;
  ts: number;
}

const games = Array.from({ length: gameCount }, (_, g) => `${args.prefix}-${g + 1}`);
const players = Array.from({ length: playerCount }, (_, p) => `player-${String(p + 1).padStart(3, "0")}`);
/** The last report sent per game and player: what each board must show. */
const sent = new Map(games.map((g) => [g, new Map<string, Sent>()]));
const skill = players.map(() => 1 + Math.random() * 9);
let reports = 0;
let requests = 0;
let failures = 0;

const podium = createClient(url, { key });
const admin = adminKey === undefined ? undefined : createClient(url, { key: adminKey });

/** Sends one request, counting it, and any failure with what the server said. */
async function send(
  what: string,
  request: () => Promise<{ ok: boolean; status: number; text(): Promise<string> }>,
): Promise<void> {
  requests++;
  try {
    const res = await request();
    if (!res.ok) {
      failures++;
      console.error(`demo: ${what} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
  } catch (error) {
    failures++;
    console.error(`demo: ${what} failed: ${(error as Error).message}`);
  }
}

/** One second of play: every player of every game reports its new score. */
async function tick(second: number): Promise<void> {
  const now = Date.now();
  const lines: string[] = [];
  const posts: Promise<void>[] = [];
  games.forEach((game, g) => {
    const scores = players.map((player, p) => {
      const previous = sent.get(game)?.get(player)?.score ?? 0;
      // Scores climb at each player's own pace, with ties now and then.
      const score = previous + Math.round(Math.random() * skill[p]);
      const report = { player, score, ts: now + p };
      sent.get(game)?.set(player, { score, ts: report.ts });
      return report;
    });
    reports += scores.length;
    if (g % 2 === 0 || second % 5 === 0) {
      for (const r of scores) lines.push(`scores,game=${game},player=${r.player} value=${r.score} ${r.ts}000000`);
    } else {
      posts.push(
        send(`scores for ${game}`, () => podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } })),
      );
    }
  });
  for (let i = 0; i < lines.length; i += 5000) {
    const body = lines.slice(i, i + 5000).join("\n");
    // Line protocol is a text body, which the typed client passes through as is.
    const text = { headers: { "content-type": "text/plain" }, init: { body } };
    posts.push(send("line protocol", () => podium.v1.write.$post({ query: { precision: "ns" } }, text)));
  }
  await Promise.all(posts);
}

const spectators: LiveFeed[] = [];
let updates = 0;

/** A live watcher of a game's top 15, holding the board the way a browser does. */
async function spectate(game: string): Promise<void> {
  const feed = new LiveFeed(url, game, { limit: 15, onBoard: () => updates++ });
  spectators.push(feed);
  try {
    await feed.open();
  } catch {
    failures++;
    console.error(`demo: a spectator of ${game} could not connect`);
  }
}

function expectedTop(game: string): { player: string; score: number; ts: number }[] {
  return [...(sent.get(game) ?? [])]
    .map(([player, { score, ts }]) => ({ player, score, ts }))
    .sort((a, b) => b.score - a.score || a.ts - b.ts || (a.player < b.player ? -1 : 1));
}

async function verify(): Promise<boolean> {
  let ok = true;
  for (const game of games) {
    const res = await podium.v1.games[":game"].leaderboard.$get({ param: { game }, query: { limit: "1000" } });
    if (!res.ok) {
      console.error(`  ✗ ${game}: leaderboard answered ${res.status}`);
      ok = false;
      continue;
    }
    const board = await res.json();
    const want = expectedTop(game);
    const got = board.entries.map(({ player, score, ts }) => ({ player, score, ts }));
    const same = board.total === want.length && JSON.stringify(got) === JSON.stringify(want);
    const leader = board.entries[0];
    console.log(
      `  ${same ? "✓" : "✗"} ${game}: ${board.total} players, leader ${leader?.player} with ${leader?.score}` +
        (same ? "" : ` (expected ${want[0]?.player} with ${want[0]?.score})`),
    );
    ok &&= same;
    for (const s of spectators.filter((s) => s.game === game)) {
      const seen = s.entries().map(({ player, score }) => ({ player, score }));
      const top = want.slice(0, 15).map(({ player, score }) => ({ player, score }));
      if (JSON.stringify(seen) !== JSON.stringify(top) || s.gaps > 0) {
        console.error(`  ✗ ${game}: a spectator sees a different top 15 (gaps: ${s.gaps})`);
        ok = false;
      }
    }
  }
  if (spectators.length > 0) console.log(`  ${spectators.length} spectators followed along live`);
  return ok;
}

/** Deletes this demo's games from an earlier run (admin key), so every board starts empty. */
async function deleteLeftovers(admin: ReturnType<typeof createClient>): Promise<void> {
  let deleted = 0;
  for (const game of games) {
    const res = await admin.v1.games[":game"].$delete({ param: { game }, query: { history: "true" } });
    if (res.status === 204) deleted++;
    else if (res.status !== 404) fail(`deleting ${game} from an earlier run answered ${res.status}`);
  }
  if (deleted > 0) console.log(`demo: deleted ${deleted} games left from an earlier run`);
}

async function main(): Promise<void> {
  try {
    await fetch(`${url}/v1/games`);
  } catch {
    fail(`no Podium at ${url}; start one with \`npm start\` (or pass --url)`);
  }
  console.log(`demo: ${args.workload}, ${gameCount} games x ${playerCount} players for ${seconds}s against ${url}`);
  console.log(`demo: watch ${url}/games/${games[0]} or ${url}/v1/games/${games[0]}/leaderboard`);
  if (admin !== undefined) await deleteLeftovers(admin);
  if (args.workload !== "kapacitor") {
    if (admin === undefined)
      fail(`the ${args.workload} workload configures its games: pass --admin-key or run \`npm start\` first`);
    const common = {
      url,
      podium,
      admin,
      games,
      players: playerCount,
      seconds,
      spectators: spectatorsPerGame,
      send,
      progress: (line: string) => process.stdout.write(`\rdemo: ${line}   `),
    };
    const ok =
      args.workload === "flink"
        ? await runFlink({ ...common, teams: teamCount })
        : args.workload === "seasons"
          ? await runSeasons({ ...common, webhookSecret })
          : args.workload === "clients"
            ? await runClients(common)
            : await runMatches(common);
    console.log(ok && failures === 0 ? "demo: all boards match" : "demo: some boards do not match (see above)");
    process.exit(ok && failures === 0 ? 0 : 1);
  }
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    const tickStart = Date.now();
    await tick(second);
    // A game exists from its first report on; only then can it be watched.
    if (second === 0) {
      await Promise.all(games.flatMap((game) => Array.from({ length: spectatorsPerGame }, () => spectate(game))));
    }
    const elapsed = (Date.now() - started) / 1000;
    process.stdout.write(
      `\rdemo: ${second + 1}/${seconds}s  ${reports} reports in ${requests} requests` +
        `  (${Math.round(reports / elapsed)}/s)  ${spectators.length} spectators got ` +
        `${updates} updates  failures ${failures}   `,
    );
    const wait = 1000 - (Date.now() - tickStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write("\n");
  await new Promise((r) => setTimeout(r, 500)); // the last live updates
  console.log("demo: checking every board (and every spectator) against what was sent");
  const ok = await verify();
  console.log(ok && failures === 0 ? "demo: all boards match" : "demo: some boards do not match (see above)");
  process.exit(ok && failures === 0 ? 0 : 1);
}

await main();
