import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { ScoreReport } from "../../protocol/reports";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "./dev-server";

// Debian's Chromium, never a downloaded browser; no background traffic.
export const CHROMIUM = "/usr/bin/chromium";
const root = join(import.meta.dirname, "..", "..");
export const ARTIFACTS = join(root, "test-results", "web");
/** `npm run screenshots` sets this: README screenshots are then written into docs/ too. */
const README_SHOTS = process.env.PODIUM_SCREENSHOTS === "docs";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-gpu",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/**
 * A screenshot the README shows (as docs/{name}.png): always kept with the
 * test's artifacts, and written into docs/ by `npm run screenshots`, so the
 * README's pictures come from the pages as the tests leave them.
 */
export async function readmeShot(page: Page, name: string, fullPage = false): Promise<void> {
  const shot = await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  if (README_SHOTS) writeFileSync(join(root, "docs", `${name}.png`), shot);
}

/**
 * A browser test file's dev server and Chromium: both started before its tests
 * (the file's own `beforeAll`, registered after this call, finds them up) and
 * closed after them, with the seeding calls and pages opened on the server.
 */
export function browserSuite(server = new DevServer()) {
  let launched: Browser | undefined;
  beforeAll(async () => {
    await server.start();
    launched = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await launched?.close();
    await server.dispose();
  });

  function browser(): Browser {
    if (!launched) throw new Error("Chromium is launched in beforeAll: call browser() from a hook or a test");
    return launched;
  }

  /** A new page (with `options`, a viewport say) at `path` on the dev server. */
  async function openPage(path: string, options?: Parameters<Browser["newPage"]>[0]): Promise<Page> {
    const page = await browser().newPage(options);
    await page.goto(`${server.url}${path}`);
    return page;
  }

  return { server, browser, openPage, ...seeding(server) };
}

/** The HTTP calls a browser test seeds its games with, against one dev server. */
export function seeding(server: DevServer) {
  return {
    async report(game: string, scores: ScoreReport[]) {
      const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ scores }),
      });
      expect(res.status).toBe(200);
    },
    async configure(game: string, config: object) {
      const res = await fetch(`${server.url}/v1/games/${game}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(config),
      });
      expect(res.status).toBe(200);
    },
  };
}

const axeSource = createRequire(import.meta.url)("axe-core").source as string;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  /** The first few elements it found, as CSS selectors. */
  examples: string[];
}

/**
 * axe-core's WCAG 2.x A/AA rules on the page as it stands. Evaluated through
 * the DevTools protocol, which the page's CSP does not govern, so the pages
 * keep their no-inline-script policy under test.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      examples: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
}

/**
 * No serious or critical axe violation on the page as it stands, in the light
 * and the dark colour scheme; every violation found is kept in
 * test-results/web/axe/{label}.json for the record.
 */
export async function expectAccessible(page: Page, label: string): Promise<AxeViolation[]> {
  const found: Record<string, AxeViolation[]> = {};
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found[scheme] = await axeViolations(page);
  }
  await page.emulateMedia({ colorScheme: null });
  mkdirSync(join(ARTIFACTS, "axe"), { recursive: true });
  writeFileSync(join(ARTIFACTS, "axe", `${label}.json`), `${JSON.stringify({ url: page.url(), ...found }, null, 2)}\n`);
  const all = [...(found.light ?? []), ...(found.dark ?? [])];
  expect(all.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  return all;
}
