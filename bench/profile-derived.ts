// Where the engine's derived path spends a batch: the engine
// suite's board (10^5 players, 10^3 teams, 10 countries, trending on), its
// 1000-report batches applied for a few seconds under V8's profiler in this
// process. Prints the time per batch with and without the derived boards, and
// self and inclusive time per function of engine/.
//
//   npx tsx bench/profile-derived.ts [--read]   (--read: a team page read after every batch)
//   node --expose-gc --import tsx bench/profile-derived.ts --heap   (bytes per player, before and after a first read)
import { Session } from "node:inspector/promises";
import type { Ranking } from "../engine/ranking";
import { type CallFrame, type CpuProfile, inclusive } from "./cpu-profile";
import { derivedBatches, derivedBoard, heapNow, initialStates, NOW } from "./engine-workload";

const N = 100_000;
const TEAMS = 1000;
const PROFILE_MS = 4000;
const readAfterEach = process.argv.includes("--read");

const build = (derived: boolean): Ranking => derivedBoard(initialStates(N), TEAMS, derived);
const batches = derivedBatches(N, TEAMS);

function msPerBatch(board: Ranking, withTeams: boolean, ms: number): number {
  let round = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    const batch = batches[round++ % 64];
    board.apply(board.plan(withTeams ? batch : batch.map(({ team: _team, ...r }) => r)), NOW);
    if (readAfterEach && withTeams) board.derived.teamsPage(0, 10);
  }
  return (performance.now() - start) / round;
}

if (process.argv.includes("--heap")) {
  const before = await heapNow();
  const plainBoard = build(false);
  const plainBytes = ((await heapNow()) - before) / N;
  const loaded = await heapNow();
  const board = build(true);
  const derivedBytes = ((await heapNow()) - loaded) / N;
  board.derived.teamsPage(0, 10);
  board.derived.countriesPage(0, 10);
  const readBytes = ((await heapNow()) - loaded) / N;
  // Both boards stay alive until measured (the plain one would otherwise be collected and shrink the later figures).
  console.log(
    `heap per player: plain ${plainBytes.toFixed(1)} B (${plainBoard.rankedPlayers} players); team and country ${derivedBytes.toFixed(1)} B, after a first read of the team and country boards ${readBytes.toFixed(1)} B (${board.rankedPlayers})`,
  );
  process.exit(0);
}

const plain = build(false);
const derived = build(true);
msPerBatch(plain, false, 1000);
msPerBatch(derived, true, 1000);
// Short rounds taken in turns, the best of each counting: other work on the machine disturbs some rounds, not all.
let plainMs = Number.POSITIVE_INFINITY;
let derivedMs = Number.POSITIVE_INFINITY;
for (let round = 0; round < 10; round++) {
  plainMs = Math.min(plainMs, msPerBatch(plain, false, 200));
  derivedMs = Math.min(derivedMs, msPerBatch(derived, true, 200));
}
console.log(
  `ms per batch: plain ${plainMs.toFixed(2)}, derived ${derivedMs.toFixed(2)} (${(derivedMs / plainMs).toFixed(2)}x)${readAfterEach ? ", a team page read after each" : ""}`,
);

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
msPerBatch(derived, true, PROFILE_MS);
const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
session.disconnect();

const label = (frame: CallFrame) =>
  `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(engine|bench)\//, "$1/")}`;
const ours = (key: string) => key.includes(" engine/") || key.startsWith("(garbage");
// Self time: with no children, each sample counts for its top frame alone (weighted as `inclusive` weighs it).
const self = inclusive({ ...profile, nodes: profile.nodes.map((n) => ({ ...n, children: [] })) }, label);
const total = Object.values(self).reduce((a, b) => a + b, 0);
const top = (table: Record<string, number>, count: number) =>
  Object.entries(table)
    .filter(([key]) => ours(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
console.log(`self time, of ${total.toFixed(0)} ms profiled:\n${top(self, 20)}`);
console.log(`inclusive time:\n${top(inclusive(profile, label), 25)}`);
