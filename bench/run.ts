// `npm run bench`: every suite (or `--suite live,engine`), with progress, a
// table, and bench/results/latest.json (committed: the README's figures come
// from it). `--quick` shrinks sizes for CI and writes bench/results/quick.json,
// which git ignores, so a CI run leaves the tree as it found it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BenchContext, type BenchResult, formatTable, machine } from "./report";

const SUITES: Record<string, () => Promise<{ run(ctx: BenchContext): Promise<BenchResult[]> }>> = {
  engine: () => import("./suites/engine"),
  storage: () => import("./suites/storage"),
  results: () => import("./suites/results"),
  seasons: () => import("./suites/seasons"),
  ingest: () => import("./suites/ingest"),
  live: () => import("./suites/live"),
  history: () => import("./suites/history"),
  clients: () => import("./suites/clients"),
  shards: () => import("./suites/shards"),
  friends: () => import("./suites/friends"),
  hooks: () => import("./suites/hooks"),
  web: () => import("./suites/web"),
  soak: () => import("./suites/soak"),
};

const { values } = parseArgs({
  options: {
    suite: { type: "string", multiple: true },
    quick: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run bench -- [--suite ${Object.keys(SUITES).join("|")}]... [--quick]`);
  process.exit(0);
}
const chosen = (values.suite ?? Object.keys(SUITES)).flatMap((s) => s.split(","));
const unknown = chosen.filter((s) => !(s in SUITES));
if (unknown.length > 0) {
  console.error(`bench: unknown suite ${unknown.join(", ")}; choose from ${Object.keys(SUITES).join(", ")}`);
  process.exit(2);
}

const started = Date.now();
const results: BenchResult[] = [];
for (const name of chosen) {
  const ctx: BenchContext = {
    quick: values.quick,
    progress: (message) => console.log(`[${name} +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`),
  };
  ctx.progress(`starting${values.quick ? " (quick)" : ""}`);
  const suite = await SUITES[name]();
  results.push(...(await suite.run(ctx)));
}

const dir = join(import.meta.dirname, "results");
const file = join(dir, values.quick ? "quick.json" : "latest.json");
mkdirSync(dir, { recursive: true });
// A run of some suites replaces those suites' rows and keeps the others.
const previous = existsSync(file)
  ? (JSON.parse(readFileSync(file, "utf8")) as {
      quick: boolean;
      results: BenchResult[];
      suites?: Record<string, string>;
    })
  : undefined;
const kept = previous?.results.filter((r) => !chosen.includes(r.suite)) ?? [];
const now = new Date().toISOString();
const suites = { ...previous?.suites, ...Object.fromEntries(chosen.map((s) => [s, now])) };
const report = { date: now, quick: values.quick, machine: machine(), suites, results: [...kept, ...results] };
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${formatTable(results)}\n`);
console.log(`machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`);
console.log(
  `written to bench/results/${values.quick ? "quick" : "latest"}.json in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
