// The embeddable board in Chromium against wrangler dev, next to what it is
// built from: its first board after navigation against the game page's (same
// game, same method), and a report's way to the embed's screen against the
// same report reaching a LiveFeed in Node (the socket alone, no page).
import type { Browser, Page } from "playwright-core";
import { LiveFeed } from "../../client/live";
import { launchChromium, seeding } from "../../test/support/browser";
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
    const loads = ctx.quick ? 3 : 9;
    ctx.progress(`web: first board, ${loads} loads of each page`);
    const game = await firstBoard(browser, `${server.url}/games/${GAME}`, loads);
    const embed = await firstBoard(browser, `${server.url}/embed/${GAME}`, loads);
    const reports = ctx.quick ? 10 : 40;
    ctx.progress(`web: ${reports} reports, each to a new leader, watched by the embed and by a LiveFeed`);
    const { screen, socket } = await reportToScreen(browser, server, reports);
    const row = (name: string, n: number, value: number, baseline: string, baselineValue: number) =>
      compared({ suite: "web", name, n, value, unit: "ms", baseline, baselineValue }, true);
    return [
      row("embed: first board after navigation (median)", loads, embed, "game page", game),
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
