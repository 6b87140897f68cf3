import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export const WORKLOADS = [
  "kapacitor",
  "flink",
  "matches",
  "seasons",
  "clients",
  "shards",
  "racing",
  "tournament",
] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

const USAGE = `usage: npm run demo -- [--url http://127.0.0.1:8787] [--key <ingest key>] [--admin-key <admin key>]
                    [--workload kapacitor|flink|matches|seasons|clients|shards|racing|tournament] [--games 10] [--players 100]
                    [--teams 12] [--seconds 30] [--spectators 5] [--prefix <workload>] [--webhook-secret <secret>]
Workloads: kapacitor (every player reports its score each second, line protocol and JSON);
flink (users in teams and countries send summed score events, some go on a streak; checks
players, teams, MVPs, trending and countries); matches (1v1 Rock Paper Scissors on ELO games
and 8-player free-for-alls on OpenSkill games, alternating, with counters; checks every rating
and every player's stats); seasons (a sum game with a prize pool resetting every minute and a
local webhook receiver; checks every archived season, its awards and its signed webhook); clients
(each player posts its own score with a player token within the game's bounds while cheaters try
10^15, other players, other games, forged tokens and a flood; checks every answer, every board and
the audit log, and prints a play page link to join in from a browser); shards (games over 8 shards
each, every player reporting a best score each second, a cheater's report now and then refused
with its shard's part and the batch resent; checks the top, a deep page and exact ranks); racing (cars lap
\`min\` games, the best sector as subscore breaking equal lap times, {car, track} as meta, tiers by share,
drivers' friends read by GET, POST and live; checks the top, standings with tiers, friends boards, meta and
a driver across every game); tournament (a tournament a minute: players join (some late, a few never), spend 3
attempts, some try a 4th, in cohorts of 20, with prizes and leader/top-3/close hooks to a local receiver; checks
every refusal, cohort board, standing's attempts, closed tournament and hook event against its model; give it
--seconds 70 or more to see a reset).
Spectators are live websocket watchers per game (0 for none).
The keys default to the first INGEST_KEYS and ADMIN_KEYS entries in .dev.vars (created by npm start), and the
secret that webhooks are checked with (seasons, tournament) to its WEBHOOK_SECRET.
Games are named after the workload (kapacitor-1, kapacitor-2, ...) or --prefix. With an admin key, the demo
first deletes the games of those names left from an earlier run (and says so), so its checks start fresh;
other workloads' games are left alone.`;

/** The command line, checked: counts are whole numbers, keys are found. */
export type Options = ReturnType<typeof parseOptions>;

/** Parses the command line; prints the usage and exits on --help, or exits with why on a bad option. */
export function parseOptions() {
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
      prefix: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: "games" | "players" | "seconds" | "teams"): number => {
    const n = Number(args[name]);
    if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive whole number`);
    return n;
  };
  // Checked in this order, so the first of several bad options is the one named.
  const games = positive("games");
  const players = positive("players");
  const seconds = positive("seconds");
  const spectators = Number(args.spectators);
  if (!Number.isInteger(spectators) || spectators < 0) fail("--spectators must be 0 or more");
  const key = args.key ?? keyFromDevVars("INGEST_KEYS");
  const adminKey = args["admin-key"] ?? keyFromDevVars("ADMIN_KEYS", false);
  const webhookSecret = args["webhook-secret"] ?? keyFromDevVars("WEBHOOK_SECRET", false);
  const workload = WORKLOADS.find((w) => w === args.workload);
  if (workload === undefined) fail(`--workload is one of ${WORKLOADS.join(", ")}`);
  const teams = positive("teams");
  const prefix = args.prefix ?? workload;
  if (!/^[A-Za-z0-9_.-]{1,56}$/.test(prefix)) fail("--prefix is 1-56 characters of A-Z a-z 0-9 _ . -");
  return {
    url: args.url.replace(/\/$/, ""),
    key,
    adminKey,
    webhookSecret,
    workload,
    games,
    players,
    seconds,
    /** Live spectators per game. */
    spectators,
    teams,
    prefix,
  };
}

export function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

/** The first entry of a comma-separated list in .dev.vars (without a `:scope`). */
function keyFromDevVars(name: string): string;
function keyFromDevVars(name: string, required: false): string | undefined;
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
