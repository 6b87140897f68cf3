import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DevServer, INGEST_KEY } from "../support/dev-server";

// The README's typed-client snippet is scripts/client-example.ts, run as the README says
// (on the client's source, as the repository's own code imports it).
const root = join(import.meta.dirname, "..", "..");
const example = join(root, "scripts", "client-example.ts");
const server = new DevServer();
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

const run = (key: string) =>
  spawnSync(process.execPath, ["--conditions=podium-source", "--import", "tsx", example], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, PODIUM_URL: server.url, PODIUM_INGEST_KEY: key },
  });

it("is the README's snippet, word for word", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readme).toContain(`\`\`\`ts\n${readFileSync(example, "utf8")}\`\`\``);
});

it("reports, reads the page, follows the board live and exits by itself", () => {
  const started = Date.now();
  const ok = run(INGEST_KEY);
  expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  expect(Date.now() - started).toBeLessThan(25_000);
  expect(ok.stdout).toContain("{ accepted: 2, duplicates: 0 }");
  expect(ok.stdout).toContain("1 ada 1200");
  expect(ok.stdout).toContain("2 lin 950");
  expect(ok.stdout).toMatch(/live: \[\s*\{ rank: 1, player: 'ada'/);
  // A second run resends the same ids: nothing applied twice.
  expect(run(INGEST_KEY).stdout).toContain("{ accepted: 0, duplicates: 2 }");
});

it("stops at a refused report with its status and reason, and prints no board", () => {
  const refused = run("not-a-key");
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain('report refused: 401 {"error":{"code":"unauthorized"');
  expect(refused.stdout).toBe("");
});
