// `npm run demo`: drives a running Podium with a workload (Kapacitor's by
// default, see --help), prints progress each second, then checks every board
// against what was sent.
import { createClient } from "../../client/index";
import { runClients } from "./clients";
import { runFlink } from "./flink";
import { type AdminDemo, type Demo, deleteLeftovers, Sender } from "./harness";
import { runKapacitor } from "./kapacitor";
import { runMatches } from "./matches";
import { fail, parseOptions, type WorkloadName } from "./options";
import { runRacing } from "./racing";
import { runSeasons } from "./seasons";
import { runShards } from "./shards";
import { runTournament } from "./tournament";

/** The workloads that configure their games, and so need the admin key. */
const CONFIGURING: Record<Exclude<WorkloadName, "kapacitor">, (demo: AdminDemo) => Promise<boolean>> = {
  flink: runFlink,
  matches: runMatches,
  seasons: runSeasons,
  clients: runClients,
  shards: runShards,
  racing: runRacing,
  tournament: runTournament,
};

const options = parseOptions();
const { url, workload } = options;
const demo: Demo = {
  ...options,
  podium: createClient(url, { key: options.key }),
  games: Array.from({ length: options.games }, (_, g) => `${options.prefix}-${g + 1}`),
  sender: new Sender(),
};
const admin = options.adminKey === undefined ? undefined : createClient(url, { key: options.adminKey });

try {
  await fetch(`${url}/v1/games`);
} catch {
  fail(`no Podium at ${url}; start one with \`npm start\` (or pass --url)`);
}
console.log(
  `demo: ${workload}, ${options.games} games x ${options.players} players for ${options.seconds}s against ${url}`,
);
console.log(`demo: watch ${url}/games/${demo.games[0]} or ${url}/v1/games/${demo.games[0]}/leaderboard`);
console.log(
  `demo: on a stream or another site: ${url}/embed/${demo.games[0]}?theme=transparent (README, "Embed a live board")`,
);
if (admin !== undefined)
  console.log(`demo: the games' configs, players, seasons and audit log: ${url}/admin (sign in with the admin key)`);
if (admin !== undefined) await deleteLeftovers(admin, demo.games);
let ok: boolean;
if (workload === "kapacitor") ok = await runKapacitor(demo);
else {
  if (admin === undefined)
    fail(`the ${workload} workload configures its games: pass --admin-key or run \`npm start\` first`);
  ok = await CONFIGURING[workload]({ ...demo, admin });
}
const passed = ok && demo.sender.failures === 0;
console.log(passed ? "demo: all boards match" : "demo: some boards do not match (see above)");
process.exit(passed ? 0 : 1);
