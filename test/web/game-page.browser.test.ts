import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, browserSuite, expectAccessible, readmeShot } from "../support/browser";
import { INGEST_KEY } from "../support/dev-server";

// The game page as a new user meets it: a realistic scores game (30 players
// in teams and countries, with display names and history), a rated 1v1 game
// with nothing else, wins and points games, an unknown game, and 360 px.
const { server, openPage, report, configure } = browserSuite();

const ARENA = "gp-arena";
const NAMES = ["Ada Lovelace", "Bo Lindqvist", "Cy Okafor", "Dana Ruiz", "Emre Kaya", "Fumiko Sato"];
const COUNTRIES = ["TR", "DE", "US", "BR", "JP", "FR"];
const TEAMS = ["red", "blue", "green", "gold", "teal", "plum", "gray", "rust"];
/** Scores with two and three decimals side by side, as a real board has them. */
const arenaScore = (i: number) => [1725.116, 1680.36, 7.5, 7.45][i] ?? 1000 + i * 12.25;
const arenaPlayers = Array.from({ length: 30 }, (_, i) => ({
  player: `p${String(i).padStart(2, "0")}`,
  score: arenaScore(i),
  team: TEAMS[i % TEAMS.length],
  country: COUNTRIES[i % COUNTRIES.length],
  name: `${NAMES[i % NAMES.length]} ${i}`,
}));

async function post(game: string, path: string, body: object): Promise<void> {
  const res = await fetch(`${server.url}/v1/games/${game}/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await configure(ARENA, { snapshotEvery: 1 });
  await report(ARENA, arenaPlayers);
  // A few snapshots with p00 leading, then a new leader in the last one (0 s at rank 1 so far).
  for (let round = 1; round <= 3; round++) {
    await sleep(1100);
    await report(ARENA, [{ player: "p10", score: 1100 + round }]);
  }
  await sleep(1100);
  await report(ARENA, [{ player: "p29", score: 1800.5 }]);
  await sleep(1500);

  await configure("gp-elo", { rating: "elo" });
  for (const [winner, loser] of [
    ["ana", "ben"],
    ["cem", "ana"],
    ["ana", "dov"],
    ["ben", "dov"],
  ])
    await post("gp-elo", "results", { winner, loser });
  await configure("gp-wins", { rating: "wins" });
  await post("gp-wins", "results", {
    results: [
      { winner: "ana", loser: "ben" },
      { winner: "ana", loser: "cem" },
    ],
  });
  await configure("gp-points", { aggregate: "sum" });
  await report("gp-points", [
    { player: "ana", score: 3 },
    { player: "ana", score: 4 },
    { player: "ben", score: 2 },
  ]);
}, 120_000);

const open = (path: string, width = 1280, height = 1000): Promise<Page> =>
  openPage(path, { viewport: { width, height } });

const visibleTabs = (page: Page) => page.locator('[role="tab"]:visible').allTextContents();
const valueHeader = (page: Page) => page.locator("#board thead th").nth(3).textContent();
const valueCells = (page: Page) =>
  page.locator("#board tbody tr[data-player]").evaluateAll((rows) => rows.map((r) => r.children[3]?.textContent));

/** Whether the whole player panel, stats and chart loaded, lies within the viewport. */
const panelInView = (page: Page) =>
  page.evaluate(() => {
    const panel = document.querySelector(".player-panel");
    if (!panel?.querySelector(".player-stats")) return "not loaded";
    const box = panel.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight ? "in view" : `${box.top}..${box.bottom}`;
  });

describe("the game page", () => {
  it("shows a realistic game's boards, names its value column, and formats its numbers alike", async () => {
    const page = await open(`/games/${ARENA}?limit=30`);
    await page.locator("#board tbody tr[data-player]").nth(29).waitFor();
    await expect.poll(() => visibleTabs(page)).toEqual(["Players", "Teams", "MVPs", "Trending", "Countries"]);
    expect(await valueHeader(page)).toBe("Score");
    const cells = await valueCells(page);
    for (const cell of cells) expect(cell).toMatch(/^\d{1,3}(,\d{3})*\.\d{3}$/);
    expect(cells).toEqual(expect.arrayContaining(["1,680.360", "1,725.116", "7.500", "7.450"]));
    expect(
      await page
        .locator("#board td.num")
        .first()
        .evaluate((e) => getComputedStyle(e).fontVariantNumeric),
    ).toBe("tabular-nums");
    // A real table: no role overriding it, a caption and column headers.
    expect(await page.locator("#board").getAttribute("role")).toBeNull();
    expect(await page.locator("#board caption").textContent()).not.toBe("");
    expect(await page.locator('#board thead th[scope="col"]').count()).toBeGreaterThanOrEqual(4);
    await expectAccessible(page, "game-players");
    await page.close();

    const top = await open(`/games/${ARENA}`);
    await top.locator("#board tbody tr[data-player]").nth(14).waitFor();
    await top.locator("#chart-scores canvas").waitFor();
    await readmeShot(top, "game-1280");
    await top.screenshot({ path: join(ARTIFACTS, "game-1280-full.png"), fullPage: true });
    await top.close();
  });

  it("shows only the players board of a rated 1v1 game, its value column named Rating, whole numbers", async () => {
    const page = await open("/games/gp-elo");
    await page.locator("#board tbody tr[data-player]").nth(3).waitFor();
    await expect.poll(() => page.locator(".status").textContent()).toBe("live");
    await sleep(500);
    expect(await visibleTabs(page)).toEqual([]);
    expect(await page.locator("form.country").isVisible()).toBe(false);
    expect(await page.locator(".seasons").isVisible()).toBe(false);
    expect(await page.locator(".prizes").isVisible()).toBe(false);
    expect(await valueHeader(page)).toBe("Rating");
    for (const cell of await valueCells(page)) expect(cell).toMatch(/^\d{1,3}(,\d{3})*$/);
    // The player's panel shows results, not score reports.
    await page.locator('#board tr[data-player="ana"]').click();
    const facts = page.locator(".player-panel dl.facts dt");
    await facts.first().waitFor();
    const terms = await facts.allTextContents();
    expect(terms).toEqual(expect.arrayContaining(["Played", "Wins", "Losses"]));
    expect(terms).not.toContain("Reports");
    await page.close();
  });

  it("names the value column Wins on a wins game and Points on a summed game", async () => {
    const wins = await open("/games/gp-wins");
    await wins.locator("#board tbody tr[data-player]").first().waitFor();
    expect(await valueHeader(wins)).toBe("Wins");
    await wins.close();
    const points = await open("/games/gp-points");
    await points.locator("#board tbody tr[data-player]").first().waitFor();
    expect(await valueHeader(points)).toBe("Points");
    expect(await valueCells(points)).toEqual(["7", "2"]);
    // A scores game without results shows no win/loss facts.
    await points.locator('#board tr[data-player="ana"]').click();
    await points.locator(".player-panel dl.facts dt").first().waitFor();
    expect(await points.locator(".player-panel dl.facts dt").allTextContents()).not.toContain("Wins");
    await points.close();
  });

  it("says how many teams the MVPs board holds, naturally", async () => {
    const page = await open(`/games/${ARENA}?board=mvps`);
    await page.locator("#board tbody tr[data-key]").first().waitFor();
    await expect.poll(() => page.locator(".total").textContent()).toBe("8 MVPs");
    await page.close();
  });

  it("follows the WAI-ARIA tabs pattern: arrows, Home and End move and select", async () => {
    const page = await open(`/games/${ARENA}`);
    await expect.poll(() => visibleTabs(page)).toHaveLength(5);
    await page.locator("#tab-players").focus();
    const selected = () =>
      page.evaluate(() => [document.activeElement?.id, document.querySelector('[aria-selected="true"]')?.id]);
    await page.keyboard.press("ArrowRight");
    expect(await selected()).toEqual(["tab-teams", "tab-teams"]);
    await page.locator("#board tbody tr[data-key]").first().waitFor();
    expect(await page.locator('[role="tabpanel"]').getAttribute("aria-labelledby")).toBe("tab-teams");
    await expectAccessible(page, "game-teams");
    await page.keyboard.press("End");
    expect(await selected()).toEqual(["tab-countries", "tab-countries"]);
    await page.keyboard.press("Home");
    expect(await selected()).toEqual(["tab-players", "tab-players"]);
    await page.keyboard.press("ArrowLeft");
    expect(await selected()).toEqual(["tab-countries", "tab-countries"]);
    await page.close();
  });

  it("opens the player panel fully in view at 1280x1000, from a row and from ?player=", async () => {
    const page = await open(`/games/${ARENA}`);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    await page.locator("#board tbody tr[data-player]").nth(12).click();
    await expect.poll(() => panelInView(page), { timeout: 5000 }).toBe("in view");
    await expectAccessible(page, "game-player-panel");
    await page.close();
    const linked = await open(`/games/${ARENA}?player=p20`);
    await expect.poll(() => panelInView(linked), { timeout: 5000 }).toBe("in view");
    await linked.close();
  });

  it("labels the history by display name, shows no empty legend values, and draws no zero-height bar", async () => {
    const leaders = (await (
      await fetch(`${server.url}/v1/games/${ARENA}/history/leaders?from=0&to=${Date.now()}`)
    ).json()) as { leaders: { player: string; seconds: number }[] };
    expect(leaders.leaders.some((l) => l.seconds === 0)).toBe(true);
    const page = await open(`/games/${ARENA}`);
    await page.locator("#chart-leaders canvas").waitFor();
    await page.locator("#chart-scores canvas").waitFor();
    // The legends' rows as shown: hidden rows (the time, until hovered) say nothing.
    const legends = await page.locator(".chart .u-legend").evaluateAll((all) =>
      all.flatMap((legend) =>
        Array.from(legend.querySelectorAll(".u-series"))
          .filter((row) => getComputedStyle(row).display !== "none")
          .map((row) => row.textContent),
      ),
    );
    expect(legends.join(" ")).not.toContain("--");
    expect(legends.join(" ")).not.toMatch(/Time/);
    expect(await page.locator("#chart-scores .u-legend").textContent()).toContain("Fumiko Sato 29");
    expect(await page.locator("#chart-scores .u-legend").textContent()).not.toMatch(/\bp29\b/);
    // Every leader's bar shows: a pixel just above the baseline at each bar's centre is painted.
    const shown = Math.min(10, leaders.leaders.length);
    const bars = await page.locator("#chart-leaders").evaluate((figure, n) => {
      const canvas = figure.querySelector("canvas") as HTMLCanvasElement;
      const over = (figure.querySelector(".u-over") as HTMLElement).getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const context = canvas.getContext("2d") as CanvasRenderingContext2D;
      return Array.from({ length: n }, (_, i) => {
        const x = Math.round((over.left - box.left + ((i + 0.5) / n) * over.width) * scale);
        const y = Math.round((over.bottom - box.top - 2) * scale);
        const [r, g, b, a] = context.getImageData(x, y, 1, 1).data;
        return a > 0 && b > r + 40 && b > g;
      });
    }, shown);
    expect(bars.length).toBeGreaterThanOrEqual(2);
    expect(bars.every(Boolean)).toBe(true);
    await page.close();
  });

  it("announces a new leader politely, not every row", async () => {
    await report("gp-lead", [
      { player: "ana", score: 10, name: "Ana A." },
      { player: "ben", score: 5, name: "Ben B." },
    ]);
    const page = await open("/games/gp-lead");
    await page.locator('#board tr[data-player="ben"]').waitFor();
    const summary = page.locator("#board-summary");
    expect(await summary.getAttribute("aria-live")).toBe("polite");
    await report("gp-lead", [{ player: "ben", score: 20 }]);
    await expect.poll(() => summary.textContent()).toMatch(/Ben B\. takes the lead/);
    await page.close();
  });

  it("keeps what is being typed in the follow box when a new board's tab appears meanwhile", async () => {
    const game = "gp-typing";
    await report(game, [{ player: "solo", score: 1 }]);
    const page = await open(`/games/${game}`);
    await page.locator("#board tbody tr[data-player]").first().waitFor();
    expect(await visibleTabs(page)).toEqual(["Players", "Trending"]);
    await page.getByLabel("Follow player").fill("sol");
    // A first team on the live board brings the Teams and MVPs tabs while the box is being filled.
    await report(game, [{ player: "duo", score: 2, team: "red" }]);
    await expect.poll(() => visibleTabs(page)).toEqual(["Players", "Teams", "MVPs", "Trending"]);
    expect(await page.getByLabel("Follow player").inputValue()).toBe("sol");
    await page.close();
  });

  it("shows one calm waiting state for an unknown game", async () => {
    const page = await open("/games/gp-nowhere");
    await expect.poll(() => page.locator(".waiting").textContent()).toMatch(/waiting for its first score/);
    await sleep(2500);
    const text = await page.locator("main").textContent();
    expect(text).not.toContain("()");
    expect(text).not.toMatch(/Could not load/);
    expect(await page.locator(".chart:visible").count()).toBe(0);
    expect(await page.locator(".error:visible").count()).toBe(0);
    expect(await page.locator(".history").isVisible()).toBe(false);
    expect(await page.locator("#board").isVisible()).toBe(false);
    await expectAccessible(page, "game-unknown");
    await page.close();
  });

  it("fits 360 px: the value header stays, tabs scroll on one line by keyboard, no page overflow", async () => {
    const page = await open(`/games/${ARENA}`, 360, 800);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    await expect.poll(() => visibleTabs(page)).toHaveLength(5);
    const header = page.locator("#board thead th", { hasText: "Score" });
    expect(await header.isVisible()).toBe(true);
    const headerBox = await header.boundingBox();
    expect((headerBox?.x ?? 999) + (headerBox?.width ?? 0)).toBeLessThanOrEqual(360);
    const tops = await page
      .locator('[role="tab"]')
      .evaluateAll((tabs) => tabs.map((t) => t.getBoundingClientRect().top));
    expect(new Set(tops).size).toBe(1);
    expect(await page.locator(".tabs").evaluate((e) => getComputedStyle(e).overflowX)).toBe("auto");
    await page.locator("#tab-players").focus();
    await page.keyboard.press("End");
    const last = await page.locator("#tab-countries").boundingBox();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-countries");
    expect((last?.x ?? 999) + (last?.width ?? 0)).toBeLessThanOrEqual(360);
    await page.keyboard.press("Home");
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expectAccessible(page, "game-360");
    await readmeShot(page, "game-360");
    await page.close();
    // Without a team column the value column is the last one: it stays too.
    const teamless = await open("/games/gp-points", 360, 800);
    await teamless.locator("#board tbody tr[data-player]").first().waitFor();
    expect(await teamless.locator("#board thead th", { hasText: "Points" }).isVisible()).toBe(true);
    await teamless.close();
  });
});
