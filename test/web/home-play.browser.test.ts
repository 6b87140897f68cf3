import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS, browserSuite, expectAccessible, readmeShot } from "../support/browser";
import { DevServer, INGEST_KEY } from "../support/dev-server";

// Games here have relays: the game's object holds one spectator's socket
// itself and relays of two hold the rest (README, "Audiences beyond one
// object"); pages must not tell the difference.
const { server, browser, openPage, report, configure } = browserSuite(
  new DevServer("wrangler.toml", undefined, { vars: { LIVE_RELAY_AFTER: "1", LIVE_RELAY_SOCKETS: "2" } }),
);

const open = (path: string, width = 1280): Promise<Page> => openPage(path, { viewport: { width, height: 900 } });

const post = (path: string, body: object) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("flags", () => {
  it("shows a country's SVG flag, named, and a code chip where the SVG does not load", async () => {
    await report("hp-flags", [{ player: "ada", score: 3, name: "Ada", country: "TR" }]);
    const page = await open("/games/hp-flags");
    const flag = page.locator('#board tr[data-player="ada"] th.player img.flag');
    await flag.waitFor();
    expect(await flag.getAttribute("src")).toBe("/flags/tr.svg");
    await expect
      .poll(() => flag.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await page.locator('#board tr[data-player="ada"] th.player [title]').getAttribute("title")).toMatch(
      /Türkiye|Turkey/,
    );
    await page.close();

    // Only ISO 3166-1 countries' flags are served (another path gets the pages' HTML).
    const type = async (path: string) => (await fetch(`${server.url}${path}`)).headers.get("content-type");
    expect(await type("/flags/fr.svg")).toMatch(/^image\/svg\+xml/);
    expect(await type("/flags/arab.svg")).not.toMatch(/svg/);

    const missing = await browser().newPage();
    await missing.route("**/flags/tr.svg", (route) => route.fulfill({ status: 404, body: "" }));
    await missing.goto(`${server.url}/games/hp-flags`);
    const chip = missing.locator('#board tr[data-player="ada"] th.player .flag-code');
    await chip.waitFor();
    expect(await chip.textContent()).toBe("TR");
    expect(await missing.locator('#board tr[data-player="ada"] th.player img').count()).toBe(0);
    await missing.close();
  });
});

describe("home page", () => {
  it("shows each game's kind, leader, season and spectators; accessible, and readable at 360 px", async () => {
    await configure("hp-season", { season: { every: "day" } });
    await report("hp-season", [
      { player: "bjork", score: 1234.5, name: "Björk", country: "IS" },
      { player: "cy", score: 10 },
    ]);
    await configure("hp-elo", { rating: "elo" });
    expect((await post("/v1/games/hp-elo/results", { results: [{ winner: "w", loser: "l" }] })).status).toBe(200);
    // A spectator on the game page, then a change: the directory row carries the count within a second.
    const watcher = await open("/games/hp-season");
    await watcher.locator("#board tbody tr[data-player]").first().waitFor();
    await report("hp-season", [{ player: "cy", score: 11 }]);

    const page = await open("/");
    const row = page.locator('table.games tr[data-game="hp-season"]');
    await row.waitFor();
    await expect
      .poll(async () => {
        await page.reload();
        await row.waitFor();
        return row.locator("td.spectators").textContent();
      })
      .toBe("1");
    expect(await row.locator("td.kind").textContent()).toBe("Score");
    expect(await row.locator("td.leader").textContent()).toBe("Björk 1,234.5");
    expect(await row.locator("td.leader img.flag").count()).toBe(1);
    expect(await row.locator("td.season").textContent()).toBe("1");
    const elo = page.locator('table.games tr[data-game="hp-elo"]');
    expect(await elo.locator("td.kind").textContent()).toBe("ELO rating");
    expect(await elo.locator("td.season").textContent()).toBe("–");
    expect(await page.locator("table.games thead th[scope=col]").allTextContents()).toEqual([
      "Game",
      "Kind",
      "Leader",
      "Players",
      "Season",
      "Watching",
      "Last update",
    ]);
    await expectAccessible(page, "home");
    await readmeShot(page, "home-1280", true);
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await row.locator("td.leader").isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "home-360.png"), fullPage: true });
    await page.close();
    await watcher.close();
  });
});

describe("a game with relays", () => {
  /** The board's rows as the page shows them: player and score. */
  const rows = (page: Page) =>
    page
      .locator("#board tbody tr[data-player]")
      .evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute("data-player")} ${tr.children[3]?.textContent}`));
  const shows = (page: Page, want: string[]) => expect.poll(() => rows(page), { timeout: 10_000 }).toEqual(want);

  it("shows the live board on every page, those on relays too, and counts every spectator on the home page", async () => {
    const game = "hp-relayed";
    await report(game, [
      { player: "ada", score: 10 },
      { player: "bo", score: 5 },
    ]);
    // One at a time: the first page's socket is the game's, the next three go to two relays.
    const pages: Page[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await open(`/games/${game}`);
      await shows(page, ["ada 10", "bo 5"]);
      pages.push(page);
    }
    await report(game, [
      { player: "cy", score: 20 },
      { player: "bo", score: 15 },
    ]);
    for (const page of pages) await shows(page, ["cy 20", "bo 15", "ada 10"]);
    await report(game, [{ player: "ada", score: 30 }]);
    for (const page of pages) await shows(page, ["ada 30", "cy 20", "bo 15"]);
    for (const page of pages) expect(await page.locator(".status").textContent()).toBe("live");

    // Spectators alone move the directory's row at most every 10 s: wait for it.
    const home = await open("/");
    const row = home.locator(`table.games tr[data-game="${game}"]`);
    await expect
      .poll(
        async () => {
          await home.reload();
          await row.waitFor();
          return row.locator("td.spectators").textContent();
        },
        { timeout: 25_000, interval: 1000 },
      )
      .toBe("4");
    await home.close();
    for (const page of pages) await page.close();
  });
});

describe("play page", () => {
  it("shows the player's score, rank and the game's bounds before a submit, and a refusal in words", async () => {
    const game = "hp-play";
    await configure(game, { bounds: { min: 0, max: 5000, maxFutureSeconds: 300 } });
    await report(game, [
      { player: "rival", score: 4000 },
      { player: "ada", score: 1250 },
    ]);
    const minted = await post(`/v1/games/${game}/tokens`, { player: "ada", ttl: 600 });
    const { token } = (await minted.json()) as { token: string };
    const page = await open(`/games/${game}/play#token=${token}`);
    const standing = page.locator("#play-standing");
    await expect.poll(() => standing.locator("[data-field=score]").textContent()).toBe("1,250");
    expect(await standing.locator("[data-field=rank]").textContent()).toBe("#2 of 2");
    expect(await standing.locator("[data-field=bounds]").textContent()).toBe("0 to 5,000");

    await page.getByLabel("Score").fill("1000000");
    await page.getByRole("button", { name: "Submit score" }).click();
    const error = page.locator("#play-result .play-error");
    await expect.poll(() => error.getAttribute("data-code")).toBe("score_out_of_bounds");
    expect(await error.textContent()).toBe("1,000,000 is above this game's highest score, 5,000.");
    expect(await page.locator("#play-result").getAttribute("aria-live")).toBe("polite");

    await page.getByLabel("Score").fill("4500");
    await page.getByRole("button", { name: "Submit score" }).click();
    await expect.poll(() => standing.locator("[data-field=rank]").textContent()).toBe("#1 of 2");
    expect(await standing.locator("[data-field=score]").textContent()).toBe("4,500");
    await expectAccessible(page, "play");
    await readmeShot(page, "play-1280", true);
    await page.close();
  });

  it("says a new player has no score yet, and a score below the lowest in words", async () => {
    const game = "hp-play-new";
    await configure(game, { bounds: { min: 10, maxFutureSeconds: 300 } });
    await report(game, [{ player: "rival", score: 40 }]);
    const minted = await post(`/v1/games/${game}/tokens`, { player: "newbie", ttl: 600 });
    const { token } = (await minted.json()) as { token: string };
    const page = await open(`/games/${game}/play#token=${token}`);
    const standing = page.locator("#play-standing");
    await expect.poll(() => standing.locator("[data-field=score]").textContent()).toBe("no score yet");
    expect(await standing.locator("[data-field=bounds]").textContent()).toBe("at least 10");
    await page.getByLabel("Score").fill("5");
    await page.getByRole("button", { name: "Submit score" }).click();
    await expect
      .poll(() => page.locator("#play-result .play-error").textContent())
      .toBe("5 is below this game's lowest score, 10.");
    await page.close();
  });
});

describe("play page on a game with attempts", () => {
  it("shows the attempts left, counts them down, and says when they are used up", async () => {
    const game = "hp-play-tries";
    await configure(game, { maxAttempts: 2 });
    const minted = await post(`/v1/games/${game}/tokens`, { player: "ada", ttl: 600 });
    const { token } = (await minted.json()) as { token: string };
    const page = await open(`/games/${game}/play#token=${token}`);
    const standing = page.locator("#play-standing");
    await expect.poll(() => standing.locator("[data-field=attempts]").textContent()).toBe("2 of 2");
    for (const [score, left] of [
      ["10", "1 of 2"],
      ["20", "0 of 2"],
    ]) {
      await page.getByLabel("Score").fill(score);
      await page.getByRole("button", { name: "Submit score" }).click();
      await expect.poll(() => standing.locator("[data-field=attempts]").textContent()).toBe(left);
    }
    await page.getByLabel("Score").fill("30");
    await page.getByRole("button", { name: "Submit score" }).click();
    await expect
      .poll(() => page.locator("#play-result .play-error").textContent())
      .toBe("You have used all your attempts this season.");
    await page.close();
  });
});
