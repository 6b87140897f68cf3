import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const root = join(import.meta.dirname, "..", "..");
export const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
/**
 * Wrangler kept off the network (no Request.cf fetch, no telemetry), and
 * without its local trace collector, which every invocation streams to: a
 * dev-only feature that took 6% of workerd's CPU under the ingest bench.
 */
export const env = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  X_LOCAL_OBSERVABILITY: "false",
  CI: "true",
};
const templates = join(tmpdir(), "podium-migrated-state");

/**
 * Applies a config's D1 migrations to local state, as `npm start` does with
 * `wrangler d1 migrations apply --local`. That command takes ~9 s of CPU, and
 * every test file and bench suite starts its own server on fresh state: so a
 * fresh state gets a copy of what the command left in an empty one, applied
 * once per config, migrations and wrangler version; state that already holds
 * something gets the command itself.
 */
export function migrateState(config: string, stateDir: string, fresh: boolean): void {
  if (!fresh) {
    applyMigrations(config, stateDir);
    return;
  }
  cpSync(template(config), stateDir, { recursive: true });
}

function template(config: string): string {
  const dir = join(templates, templateKey(config));
  if (existsSync(dir)) return dir;
  mkdirSync(templates, { recursive: true });
  const building = mkdtempSync(join(templates, "building-"));
  applyMigrations(config, building);
  // Renamed whole, so a template found is complete; a file running alongside may have won the race.
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** Everything the command's result depends on: the config, each migration, and wrangler's version. */
function templateKey(config: string): string {
  const text = readFileSync(join(root, config), "utf8");
  const migrations = join(root, dirname(config), text.match(/^migrations_dir\s*=\s*"([^"]+)"/m)?.[1] ?? "migrations");
  const hash = createHash("sha256").update(text);
  hash.update(readFileSync(join(root, "node_modules", "wrangler", "package.json")));
  const files = readdirSync(migrations).filter((name) => name.endsWith(".sql"));
  for (const name of files.sort()) hash.update(name).update(readFileSync(join(migrations, name)));
  return hash.digest("hex").slice(0, 16);
}

function applyMigrations(config: string, stateDir: string): void {
  const result = spawnSync(
    process.execPath,
    [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir, "--config", config],
    { cwd: root, env, stdio: "pipe", encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`migrations failed:\n${result.stdout}${result.stderr}`);
}
