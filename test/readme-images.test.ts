import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

// The README's screenshots are written by the browser tests (`npm run
// screenshots`), never by hand: each picture it shows is taken by a test, and
// docs/ holds no picture the README does not show.
const root = join(import.meta.dirname, "..");

it("shows only screenshots the browser tests take", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const shown = [...readme.matchAll(/\]\(docs\/([\w-]+)\.png\)/g)].map((m) => m[1]);
  const tests = readdirSync(join(root, "test", "web"))
    .filter((f) => f.endsWith(".browser.test.ts"))
    .map((f) => readFileSync(join(root, "test", "web", f), "utf8"))
    .join("\n");
  const taken = new Set([...tests.matchAll(/readmeShot\(\s*\w+,\s*"([\w-]+)"/g)].map((m) => m[1]));
  expect(shown.length).toBeGreaterThan(0);
  for (const name of shown) expect(taken, `docs/${name}.png`).toContain(name);
  const files = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".png"));
  expect(files.map((f) => f.replace(/\.png$/, "")).sort()).toEqual([...new Set(shown)].sort());
});
