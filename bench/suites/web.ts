// The embeddable board in Chromium against wrangler dev, next to what it is
// built from: its first board after navigation against the game page's (same
// game, same method), and a report's way to the embed's screen against the
// same report reaching a LiveFeed in Node (the socket alone, no page). The
// console's first screen (the games list after signing in) against the game
// page's first board, and the built client's bytes against hono/client's own.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { LiveFeed } from "../../client/live";
import { launchChromium, seeding } from "../../test/support/browser";
import { consoleDriver } from "../../test/support/console";
import { DevServer } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, compared, percentile } from "../report";

const GAME = "bench-web";
const PLAYERS = 100;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const server = new DevServer();
  await server.start();
  const browser = await launchChromium();
  try {
    const { report } = seeding(server);
    await report(
      GAME,
      Array.from({ length: PLAYERS }, (_, i) => ({ player: `p${i}`, score: i, team: `t${i % 8}`, ts: 1000 })),
    );
    const loads = ctx.quick ? 2 : 9;
    ctx.progress(`web: first board, ${loads} loads of each page`);
    const game = await firstBoard(browser, `${server.url}/games/${GAME}`, loads);
    const embed = await firstBoard(browser, `${server.url}/embed/${GAME}`, loads);
    const consoleList = await consoleFirstScreen(server, browser, loads);
    const reports = ctx.quick ? 10 : 40;
    ctx.progress(`web: ${reports} reports, each to a new leader, watched by the embed and by a LiveFeed`);
    const { screen, socket } = await reportToScreen(browser, server, reports);
    const row = (name: string, n: number, value: number, baseline: string, baselineValue: number) =>
      compared({ suite: "web", name, n, value, unit: "ms", baseline, baselineValue }, true);
    const sizes = await clientSizes();
    const kb = (name: string, value: number, baseline: string, baselineValue: number) =>
      compared({ suite: "web", name, n: 1, value, unit: "KB gzip", baseline, baselineValue }, true);
    return [
      row("embed: first board after navigation (median)", loads, embed, "game page", game),
      row("console: the games list after signing in (median)", loads, consoleList, "game page's first board", game),
      {
        suite: "web",
        name: "podium/client built (dist/client/index.js, hono/client external)",
        n: 1,
        value: sizes.module,
        unit: "KB gzip",
      },
      kb(
        "podium/client for a plain <script type=module> (hono inlined)",
        sizes.browser,
        "hono/client alone",
        sizes.hono,
      ),
      row(
        "embed: report -> new leader on screen p50",
        reports,
        percentile(screen, 0.5),
        "LiveFeed",
        percentile(socket, 0.5),
      ),
      row(
        "embed: report -> new leader on screen p99",
        reports,
        percentile(screen, 0.99),
        "LiveFeed",
        percentile(socket, 0.99),
      ),
    ];
  } finally {
    await browser.close();
    await server.dispose();
  }
}

/** Median ms from navigating to /admin, through signing in, to the games list's first row. */
async function consoleFirstScreen(server: DevServer, browser: Browser, loads: number): Promise<number> {
  const { consolePage, signIn } = consoleDriver(server, () => browser);
  const times: number[] = [];
  for (let i = 0; i < loads; i++) {
    const started = performance.now();
    const { page } = await consolePage();
    await signIn(page);
    await page.locator("table.admin-games tbody tr[data-game]").first().waitFor();
    times.push(performance.now() - started);
    await page.close();
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

/** The built client's files (npm run build writes them), gzipped, and hono/client bundled alone. */
async function clientSizes(): Promise<{ module: number; browser: number; hono: number }> {
  const gz = (text: string | Uint8Array) => gzipSync(text).length / 1024;
  const hono = await build({
    stdin: { contents: 'export { hc } from "hono/client";', resolveDir: process.cwd() },
    bundle: true,
    format: "esm",
    minify: true,
    write: false,
  });
  return {
    module: gz(readFileSync("dist/client/index.js")),
    browser: gz(readFileSync("dist/client/podium-client.browser.js")),
    hono: gz(hono.outputFiles[0].contents),
  };
}

/** Median ms from navigation to the board's first row, each load in a fresh page. */
async function firstBoard(browser: Browser, url: string, loads: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(url);
    await page.locator("#board tbody tr[data-player]").first().waitFor();
    times.push(performance.now() - started);
    await page.close();
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

/** For each report that makes a new leader: ms until the embed shows it first, and until a LiveFeed has it. */
async function reportToScreen(browser: Browser, server: DevServer, reports: number) {
  const page: Page = await browser.newPage();
  await page.goto(`${server.url}/embed/${GAME}`);
  await page.locator("#board tbody tr[data-player]").first().waitFor();
  let leader = "";
  let fed: () => void = () => undefined;
  const feed = new LiveFeed(server.url, GAME, {
    limit: 10,
    onBoard: () => {
      if (feed.entries()[0]?.player === leader) fed();
    },
  });
  await feed.open();
  const { report } = seeding(server);
  const screen: number[] = [];
  const socket: number[] = [];
  for (let i = 0; i < reports; i++) {
    leader = `p${i}`;
    const reached = new Promise<number>((resolve) => {
      fed = () => resolve(performance.now());
    });
    const shown = page
      .locator(`#board tbody tr[data-player="${leader}"]`)
      .and(page.locator("#board tbody tr[data-player]").first())
      .waitFor()
      .then(() => performance.now());
    const posted = performance.now();
    await report(GAME, [{ player: leader, score: 1000 + i, ts: 2000 + i }]);
    screen.push((await shown) - posted);
    socket.push((await reached) - posted);
  }
  feed.close();
  await page.close();
  return { screen: screen.sort((a, b) => a - b), socket: socket.sort((a, b) => a - b) };
}
