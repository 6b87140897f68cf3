// `npm start`: first-run keys, local D1 migrations, web assets, then wrangler dev.
// Extra arguments pass through to wrangler dev, e.g. `npm start -- --port 8791`.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const devVars = join(root, ".dev.vars");
// Keep wrangler dev from reaching the network: no Request.cf fetch, no telemetry.
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

function run(command, args) {
  // No stdin: wrangler then applies migrations without asking for confirmation.
  const result = spawnSync(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    console.error(`podium: \`${command} ${args.join(" ")}\` failed`);
    process.exit(result.status ?? 1);
  }
}

const example = readFileSync(join(root, ".dev.vars.example"), "utf8");
const generate = (text) => text.replace(/=generate$/gm, () => `=${randomBytes(24).toString("base64url")}`);
if (!existsSync(devVars)) {
  writeFileSync(devVars, generate(example), { mode: 0o600 });
  console.log("podium: created .dev.vars with fresh random keys");
} else {
  // A .dev.vars from an older version gets the secrets added since, generated the same way.
  const present = new Set(readFileSync(devVars, "utf8").match(/^[A-Z_]+(?==)/gm) ?? []);
  const missing = example
    .split("\n")
    .filter((line) => /^[A-Z_]+=generate$/.test(line) && !present.has(line.split("=")[0]));
  if (missing.length > 0) {
    appendFileSync(devVars, `\n${generate(missing.join("\n"))}\n`);
    console.log(`podium: added ${missing.map((line) => line.split("=")[0]).join(", ")} to .dev.vars`);
  }
}
const keys = Object.fromEntries(
  readFileSync(devVars, "utf8")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
console.log(`podium: ingest key(s): ${keys.INGEST_KEYS}`);
console.log(`podium: admin key(s):  ${keys.ADMIN_KEYS}`);

run(process.execPath, [join(root, "scripts", "build-web.mjs")]);
run(process.execPath, [
  join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
  "d1",
  "migrations",
  "apply",
  "DB",
  "--local",
]);

const dev = spawn(
  process.execPath,
  [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "dev", ...process.argv.slice(2)],
  { cwd: root, env, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
