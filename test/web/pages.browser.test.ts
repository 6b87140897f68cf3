import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, browserSuite, expectAccessible } from "../support/browser";
import { ADMIN_KEY, INGEST_KEY } from "../support/dev-server";

const { server, browser, openPage, report, configure } = browserSuite();
const metrics: Record<string, number> = {};

afterAll(() => {
  writeFileSync(join(ARTIFACTS, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
});

const open = (path: string, width = 1024): Promise<Page> => openPage(path, { viewport: { width, height: 900 } });

const boardPlayers = (page: Page) =>
  page.locator("#board tbody tr[data-player]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-player")));

describe("web client in Chromium", () => {
  it("shows the leader of a seeded game, 15 rows, and renders fast", async () => {
    const game = "web-leader";
    await report(
      game,
      Array.from({ length: 30 }, (_, i) => ({ player: `p${i}`, score: i * 10, team: i % 2 ? "red" : "blue" })),
    );
    const page = await open(`/games/${game}`);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    expect((await boardPlayers(page)).slice(0, 3)).toEqual(["p29", "p28", "p27"]);
    expect(await page.locator("#board tbody tr[data-player]").count()).toBe(15);
    await expect.poll(() => page.locator(".status").textContent()).toBe("live");
    expect(await page.locator(".total").textContent()).toBe("30 players");
    const firstRender = await page.evaluate(
      () => performance.getEntriesByName("podium:first-board")[0]?.startTime ?? -1,
    );
    metrics.firstRenderMs = Math.round(firstRender);
    console.log(`first render of a 15-row board: ${metrics.firstRenderMs} ms after navigation start`);
    expect(firstRender).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "game.png"), fullPage: true });
    await page.close();
  });

  it("moves the right row within a second of a posted report", async () => {
    const game = "web-move";
    await report(
      game,
      Array.from({ length: 10 }, (_, i) => ({ player: `p${i}`, score: i })),
    );
    const page = await open(`/games/${game}`);
    await page.locator('#board tr[data-player="p0"]').waitFor();
    const posted = Date.now();
    await report(game, [{ player: "p0", score: 100 }]);
    await page
      .locator("#board tbody tr[data-player]")
      .first()
      .and(page.locator('[data-player="p0"]'))
      .waitFor({ timeout: 1000 });
    metrics.reportToRowMs = Date.now() - posted;
    expect(await page.locator('#board tr[data-player="p0"] td.move').getAttribute("class")).toContain("up");
    expect(await page.locator('#board tr[data-player="p0"]').getAttribute("class")).toContain("moved-up");
    expect((await boardPlayers(page)).slice(0, 2)).toEqual(["p0", "p9"]);
    await page.close();
  });

  it("shows a sharded game's board, gathered from its shards, and moves its rows live", async () => {
    const game = "web-shards";
    await configure(game, { shards: 4 });
    await report(
      game,
      Array.from({ length: 30 }, (_, i) => ({
        player: `p${i}`,
        score: i * 10,
        ts: 1000 + i,
        team: i % 2 ? "red" : "blue",
      })),
    );
    const page = await open(`/games/${game}`);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    expect((await boardPlayers(page)).slice(0, 3)).toEqual(["p29", "p28", "p27"]);
    await expect.poll(() => page.locator(".status").textContent()).toBe("live");
    expect(await page.locator(".total").textContent()).toBe("30 players");
    await report(game, [{ player: "p0", score: 1000, ts: 2000 }]);
    await page.locator("#board tbody tr[data-player]").first().and(page.locator('[data-player="p0"]')).waitFor();
    expect((await boardPlayers(page)).slice(0, 2)).toEqual(["p0", "p29"]);
    await page.screenshot({ path: join(ARTIFACTS, "sharded-game.png") });
    await page.close();
  });

  it("reconnects after the server drops the socket, and shows the right board", async () => {
    const game = "web-reconnect";
    await report(game, [{ player: "a", score: 1 }]);
    const page = await open(`/games/${game}`);
    await expect.poll(() => page.locator(".status").textContent()).toBe("live");
    await server.stop("SIGKILL");
    await expect.poll(() => page.locator(".status").textContent()).toMatch(/reconnecting/);
    await server.start();
    await report(game, [{ player: "b", score: 5 }]);
    await expect.poll(() => page.locator(".status").textContent(), { timeout: 20_000 }).toBe("live");
    await expect.poll(() => boardPlayers(page), { timeout: 5000 }).toEqual(["b", "a"]);
    await page.close();
  });

  it("pins a followed player with its neighbours, and keeps it in the URL", async () => {
    const game = "web-follow";
    await report(
      game,
      Array.from({ length: 50 }, (_, i) => ({ player: `p${i}`, score: i })),
    );
    const page = await open(`/games/${game}`);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    await page.getByLabel("Follow player").fill("p3");
    await page.getByLabel("Follow player").press("Enter");
    await page.locator('#board tr.followed[data-player="p3"]').waitFor();
    expect(new URL(page.url()).searchParams.get("player")).toBe("p3");
    const players = await boardPlayers(page);
    expect(players.slice(15)).toEqual(["p5", "p4", "p3", "p2", "p1"]);
    expect(await page.locator("#board tr.gap-row").count()).toBe(1);
    await page.close();
    const deep = await open(`/games/${game}?player=p10&limit=5`);
    await deep.locator('#board tr.followed[data-player="p10"]').waitFor();
    expect((await boardPlayers(deep)).slice(0, 5)).toEqual(["p49", "p48", "p47", "p46", "p45"]);
    await deep.close();
  });

  it("draws the history charts for a game with snapshots", async () => {
    const game = "web-history";
    await configure(game, { snapshotEvery: 1 });
    for (let i = 0; i < 20; i++) {
      await report(game, [
        { player: i < 6 ? "alice" : "bob", score: 100 + i * 3 },
        { player: "carol", score: 90 + i },
      ]);
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const page = await open(`/games/${game}`);
    for (const id of ["chart-scores", "chart-leaders", "chart-gap"]) {
      const canvas = page.locator(`#${id} canvas`);
      await canvas.waitFor();
      const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
        const { data } = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      });
      expect(painted, id).toBeGreaterThan(200);
    }
    expect(await page.locator(".history-status").textContent()).toMatch(/snapshots from/);
    await page.screenshot({ path: join(ARTIFACTS, "history.png"), fullPage: true });
    await page.close();
  });

  it("opens a player's panel from ?player= and from a row: stats, counters, rating and rank over time", async () => {
    const game = "web-player";
    await configure(game, { rating: "openskill", snapshotEvery: 1 });
    const post = async (path: string, body: object) => {
      const res = await fetch(`${server.url}/v1/games/${game}/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < 6; i++) {
      await post("results", { placements: [["ada"], ["bo"], ["cy"]] });
      await new Promise((r) => setTimeout(r, 400));
    }
    await post("results", { winner: "bo", loser: "ada" });
    await post("events", { player: "ada", counters: { rock: 3, paper: 1 } });
    await new Promise((r) => setTimeout(r, 1500));

    const page = await open(`/games/${game}?player=ada`);
    const panel = page.locator(".player-panel");
    await panel.locator(".player-stats").waitFor();
    const facts = Object.fromEntries(
      await panel
        .locator("dl.facts dt")
        .evaluateAll((terms) => terms.map((t) => [t.textContent, t.nextElementSibling?.textContent])),
    );
    expect(facts).toMatchObject({ Played: "7", Wins: "6", Losses: "1", Streak: "1 lost", "Best streak": "6" });
    expect(Number(facts["Rating μ"])).toBeGreaterThan(25);
    expect(Number(facts["Rating σ"])).toBeLessThan(25 / 3);
    expect(
      await panel.locator("table.counters tbody tr").evaluateAll((rows) => rows.map((r) => r.textContent)),
    ).toEqual(["rock3", "paper1"]);
    const canvas = panel.locator("#chart-player-rank canvas");
    await canvas.waitFor();
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const { data } = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(200);
    await page.screenshot({ path: join(ARTIFACTS, "player-panel.png"), fullPage: true });

    await page.locator('#board tr[data-player="cy"]').click();
    await expect.poll(() => panel.locator("#player-title").textContent()).toBe("cy");
    expect(await panel.locator("dl.facts").textContent()).toContain("Losses6");
    expect(await panel.locator("table.counters").count()).toBe(0);
    await panel.getByRole("button", { name: "Close" }).click();
    expect(await panel.isHidden()).toBe(true);
    await page.close();
  });

  it("says so when a range has no snapshots", async () => {
    const game = "web-quiet";
    await report(game, [{ player: "a", score: 1 }]);
    const page = await open(`/games/${game}`);
    await expect.poll(() => page.locator(".history-status").textContent()).toMatch(/No snapshots/);
    await page.close();
  });

  it("lists the games on the home page, filters them, and is readable at 360 px", async () => {
    const page = await open("/", 360);
    await page.locator("table.games a", { hasText: "web-leader" }).waitFor();
    await page.getByLabel("Go to game").fill("web-fol");
    expect(await page.locator("table.games tbody a").allTextContents()).toEqual(["web-follow"]);
    await page.getByLabel("Go to game").fill("");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, "home.png"), fullPage: true });
    await page.getByRole("link", { name: "web-leader" }).click();
    await page.waitForURL(/\/games\/web-leader$/);
    await page.locator("#board tbody tr[data-player]").first().waitFor();
    await page.close();
  });

  it("picks a past season from the season picker: its final standings, and back to the live season", async () => {
    const game = "web-seasons";
    await configure(game, { prizes: { poolShare: 0, poolSeed: 50, split: [{ from: 1, to: 1, share: 1 }] } });
    await report(game, [
      { player: "ana", score: 5 },
      { player: "bo", score: 9 },
    ]);
    const closed = await fetch(`${server.url}/v1/games/${game}/seasons/close`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(closed.status).toBe(200);
    await report(game, [{ player: "cy", score: 3 }]);

    const page = await open(`/games/${game}`);
    const picker = page.locator("#season");
    await expect.poll(() => picker.locator("option").allTextContents()).toHaveLength(2);
    expect((await picker.locator("option").allTextContents())[0]).toBe("Season 2 (live)");
    await expect.poll(() => boardPlayers(page)).toEqual(["cy"]);

    await picker.selectOption("1");
    await expect.poll(() => boardPlayers(page)).toEqual(["bo", "ana"]);
    expect(new URL(page.url()).searchParams.get("season")).toBe("1");
    expect(await page.locator("#board caption").textContent()).toMatch(/^Season 1: final standings/);
    expect(await page.locator(".tabs").isHidden()).toBe(true);
    // The past season's own pool and awards, not the open season's projection.
    const prizes = page.locator(".prizes");
    await expect.poll(() => prizes.locator("h2").textContent()).toBe("Season 1 paid from 50");
    expect(await prizes.locator("tbody tr").allTextContents()).toEqual(["1bo50"]);
    await page.screenshot({ path: join(ARTIFACTS, "season-picker.png"), fullPage: true });
    await expectAccessible(page, "game-past-season");

    await picker.selectOption("2");
    await expect.poll(() => boardPlayers(page)).toEqual(["cy"]);
    await expect.poll(() => prizes.locator("h2").textContent()).toBe("Prize pool 50");
    expect(await page.locator(".status").textContent()).toBe("live");
    // A deep link opens the past season directly.
    const linked = await open(`/games/${game}?season=1`);
    await expect.poll(() => boardPlayers(linked)).toEqual(["bo", "ana"]);
  });

  it("shows the prize pool and what a close would pay now, following the board", async () => {
    const game = "web-prizes";
    await configure(game, {
      aggregate: "sum",
      prizes: {
        poolShare: 0.5,
        poolSeed: 100,
        split: [
          { from: 1, to: 1, share: 0.6 },
          { from: 2, to: 2, share: 0.4 },
        ],
      },
    });
    await report(game, [
      { player: "ana", score: 10 },
      { player: "bo", score: 6 },
    ]);
    const page = await open(`/games/${game}`);
    const prizes = page.locator(".prizes");
    // 100 + 0.5 x 16 = 108: 60% is 64.8, 40% is 43.2, floored.
    await expect.poll(() => prizes.locator(".pool").textContent()).toBe("108");
    const rows = () => prizes.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.textContent));
    expect(await rows()).toEqual(["1ana64", "2bo43"]);
    await report(game, [{ player: "bo", score: 10 }]);
    await expect.poll(rows, { timeout: 8000 }).toEqual(["1bo67", "2ana45"]);
    expect(await prizes.locator(".pool").textContent()).toBe("113");
    await expectAccessible(page, "game-prizes");
  });

  it("counts down to the next reset of a scheduled season", async () => {
    const game = "web-countdown";
    await configure(game, { season: { every: "hour", timezone: "Asia/Tokyo" } });
    await report(game, [{ player: "ana", score: 1 }]);
    const page = await open(`/games/${game}`);
    const clock = page.locator(".countdown");
    await expect.poll(() => clock.textContent()).toMatch(/^next reset in (\d+m \d{2}s|\d+s)$/);
    const seconds = async () => {
      const [, m, s] = /in (?:(\d+)m )?(\d+)s/.exec((await clock.textContent()) ?? "") ?? [];
      return Number(m ?? 0) * 60 + Number(s);
    };
    const before = await seconds();
    const info = (await (await fetch(`${server.url}/v1/games/${game}`)).json()) as { season: { endsAt: number } };
    expect(Math.abs(before - (info.season.endsAt - Date.now()) / 1000)).toBeLessThan(3);
    await new Promise((r) => setTimeout(r, 2100));
    expect(before - (await seconds())).toBeGreaterThanOrEqual(1);
  });

  it("reaches every control by keyboard", async () => {
    const page = await open("/games/web-leader");
    await page.locator("#board tbody tr[data-player]").first().waitFor();
    const focused: string[] = [];
    // Each player's name is a button (it opens the player's panel): 15 stops on the board.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      focused.push(
        await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ""),
      );
    }
    expect(focused).toEqual(
      // No country filter: nobody on web-leader has a country.
      expect.arrayContaining(["tab-players", "follow", "Follow", "p29", "Last hour", "Custom"]),
    );
    await page.close();
  });

  it("serves every page with security headers, and each page works under its Content-Security-Policy", async () => {
    const violations: string[] = [];
    const ready: Record<string, string> = {
      "/": "table.games",
      "/games/web-history": "#chart-scores canvas",
      "/v1/docs": ".swagger-ui .info",
    };
    for (const [path, selector] of Object.entries(ready)) {
      const page = await browser().newPage();
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`${path}: ${message.text()}`);
      });
      const res = await page.goto(`${server.url}${path}`);
      const headers = res?.headers() ?? {};
      expect(headers["content-security-policy"], path).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
      expect(headers["content-security-policy"], path).not.toContain("unsafe-inline");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      await page.locator(selector).first().waitFor();
      await page.close();
    }
    const script = await fetch(`${server.url}/app.js`);
    expect(script.headers.get("x-content-type-options")).toBe("nosniff");
    expect(violations).toEqual([]);
  });

  it("has no serious or critical axe violation on the API reference and the not-found page", async () => {
    const docs = await browser().newPage();
    await docs.goto(`${server.url}/v1/docs`);
    await docs.locator(".swagger-ui .opblock-tag").first().waitFor();
    await expectAccessible(docs, "api-docs");
    // An operation opened: its parameters and example body.
    await docs.locator("#operations-Reporting-post_v1_games__game__scores .opblock-summary-control").click();
    await docs.locator(".body-param__example").waitFor();
    await expectAccessible(docs, "api-docs-operation");
    await docs.close();
    const missing = await browser().newPage();
    await missing.goto(`${server.url}/no/such/page`);
    await missing.locator("h1").waitFor();
    await expectAccessible(missing, "not-found");
    await missing.close();
  });

  it("says a game that does not exist yet is waiting for its first score", async () => {
    const page = await open("/games/web-not-yet");
    await expect.poll(() => page.locator(".status").textContent(), { timeout: 10_000 }).toMatch(/no such game yet/);
    await report("web-not-yet", [{ player: "first", score: 1 }]);
    await page.locator('#board tr[data-player="first"]').waitFor({ timeout: 15_000 });
    await page.close();
  });

  describe("boards in tabs", () => {
    const game = "web-tabs";
    const keys = (page: Page) =>
      page.locator("#board tbody tr[data-key]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));

    beforeAll(async () => {
      // A short window of two minutes: the trending test still finds these reports however slowly the tabs before it run.
      await configure(game, { aggregate: "sum", liveEvery: 100, trend: { short: 120, long: 600, minReports: 1 } });
      await report(game, [
        { player: "ada", score: 50, team: "red", country: "TR", name: "Ada L." },
        { player: "bo", score: 30, team: "red", country: "DE" },
        { player: "cy", score: 60, team: "blue", country: "TR" },
        { player: "di", score: 10, team: "green", country: "US" },
      ]);
    });

    it("players: names and flags, the top three stand out, and no team column without teams", async () => {
      const page = await open(`/games/${game}`);
      await page.locator('#board tr[data-player="ada"]').waitFor();
      expect(await page.locator('#board tr[data-player="ada"] th.player').textContent()).toBe("Ada L.ada");
      expect(await page.locator("#board tbody tr.podium").count()).toBe(3);
      expect(await page.locator("#board tbody tr.podium-1").getAttribute("data-player")).toBe("cy");
      // The rank column fits its numbers: far narrower than the player column.
      const [rankWidth, playerWidth] = await Promise.all([
        page.locator("#board thead th.rank").evaluate((e) => e.getBoundingClientRect().width),
        page
          .locator("#board thead th")
          .nth(2)
          .evaluate((e) => e.getBoundingClientRect().width),
      ]);
      expect(rankWidth).toBeLessThan(playerWidth / 2);
      await page.screenshot({ path: join(ARTIFACTS, "tab-players.png"), fullPage: true });
      await page.close();
      // A board without teams shows no team column.
      const plain = await open("/games/web-leader");
      await plain.locator("#board tbody tr[data-player]").first().waitFor();
      expect(await plain.locator("#board thead th", { hasText: "Team" }).count()).toBe(1);
      await report("web-plain", [{ player: "solo", score: 1 }]);
      const teamless = await open("/games/web-plain");
      await teamless.locator('#board tr[data-player="solo"]').waitFor();
      expect(await teamless.locator("#board thead th", { hasText: "Team" }).count()).toBe(0);
      await plain.close();
      await teamless.close();
    });

    it("teams: ranked live, a deep link, and a team opens its members with shares", async () => {
      const page = await open(`/games/${game}?board=teams`);
      await expect.poll(() => keys(page)).toEqual(["red", "blue", "green"]);
      expect(await page.locator("#tab-teams").getAttribute("aria-selected")).toBe("true");
      await report(game, [{ player: "di", score: 100 }]);
      await expect.poll(() => keys(page), { timeout: 3000 }).toEqual(["green", "red", "blue"]);
      await page.getByRole("button", { name: "red" }).click();
      await page.locator(".team-panel tr[data-player]").first().waitFor();
      expect(await page.locator(".team-panel td.share").allTextContents()).toEqual(["62.5%", "37.5%"]);
      await page.screenshot({ path: join(ARTIFACTS, "tab-teams.png"), fullPage: true });
      await page.close();
    });

    it("MVPs: each team's best member by share, from the tab", async () => {
      const page = await open(`/games/${game}`);
      await page.locator("#tab-mvps").click();
      await expect.poll(() => keys(page)).toEqual(["green", "blue", "red"]);
      expect(new URL(page.url()).searchParams.get("board")).toBe("mvps");
      expect(await page.locator('#board tr[data-key="red"]').textContent()).toContain("62.5%");
      await page.close();
    });

    it("trending: players with recent gains, hottest first", async () => {
      await report(game, [
        { player: "bo", score: 5 },
        { player: "bo", score: 5 },
      ]);
      const page = await open(`/games/${game}?board=trending`);
      await page.locator("#board tbody tr[data-player]").first().waitFor();
      const players = await page
        .locator("#board tbody tr[data-player]")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-player")));
      expect(players).toEqual(expect.arrayContaining(["ada", "bo", "cy", "di"]));
      expect(await page.locator("#board thead th", { hasText: "Hotness" }).count()).toBe(1);
      await page.close();
    });

    it("countries: ranked by their players, and one country's board by a deep link", async () => {
      const page = await open(`/games/${game}?board=countries`);
      // TR and US tie at 110: TR's newest member ts is older, so it reached the score first.
      await expect.poll(() => keys(page)).toEqual(["TR", "US", "DE"]);
      expect(await page.locator('#board tr[data-key="TR"] th').textContent()).toBe("TR");
      await page.close();
      const turkey = await open(`/games/${game}?country=TR`);
      await expect.poll(() => boardPlayers(turkey)).toEqual(["cy", "ada"]);
      expect(await turkey.locator("#board thead th", { hasText: "Global" }).count()).toBe(1);
      await turkey.close();
    });
  });

  it("lists the most recently active games first, a page at a time", async () => {
    await report("web-just-now", [{ player: "a", score: 1 }]);
    const page = await open("/");
    await page.locator("table.games tbody a").first().waitFor();
    await expect.poll(() => page.locator("table.games tbody a").first().textContent()).toBe("web-just-now");
    expect(await page.locator("#previous-page").isDisabled()).toBe(true);
    expect(await page.locator("#next-page").isDisabled()).toBe(true);
    await page.close();
  });
  it("plays with a player token under the CSP: a score posted from the page, then bounds and the rate limit shown", async () => {
    const game = "web-play";
    await configure(game, { bounds: { min: 0, max: 1000, maxFutureSeconds: 300 } });
    await report(game, [{ player: "rival", score: 500 }]);
    const minted = await fetch(`${server.url}/v1/games/${game}/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ player: "ada", ttl: 600 }),
    });
    expect(minted.status).toBe(200);
    const { token } = (await minted.json()) as { token: string };

    const violations: string[] = [];
    const requests: { url: string; authorization?: string }[] = [];
    const page = await browser().newPage();
    // A step that hangs fails on its own line, well inside the test's minute.
    page.setDefaultTimeout(15_000);
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on("request", (request) =>
      requests.push({ url: request.url(), authorization: request.headers().authorization }),
    );
    const res = await page.goto(`${server.url}/games/${game}/play#token=${token}`);
    expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
    await page.locator("#play-player").waitFor();
    expect(await page.locator("#play-player").textContent()).toBe("ada");
    // The token leaves the address bar and never travels in a URL.
    expect(page.url()).toBe(`${server.url}/games/${game}/play`);

    await page.fill("#play-score", "700");
    await page.click("#play-submit");
    await expect.poll(() => page.locator("#play-rank").textContent()).toBe("#1");
    const standing = await fetch(`${server.url}/v1/games/${game}/players/ada`);
    expect(await standing.json()).toMatchObject({ rank: 1, score: 700 });
    const posted = requests.find((r) => r.url.endsWith(`/v1/games/${game}/scores`));
    expect(posted?.authorization).toBe(`Bearer ${token}`);
    expect(requests.every((r) => !r.url.includes(token))).toBe(true);

    await page.fill("#play-score", "1000000");
    await page.click("#play-submit");
    const error = page.locator(".play-error");
    await expect.poll(() => error.getAttribute("data-code")).toBe("score_out_of_bounds");
    expect(await error.textContent()).toBe("1,000,000 is above this game's highest score, 1,000.");
    expect(await (await fetch(`${server.url}/v1/games/${game}/players/ada`)).json()).toMatchObject({ score: 700 });

    // A reload keeps playing from this tab's storage.
    await page.reload();
    await page.locator("#play-player").waitFor();
    // Spend the token's budget (20 requests in 10 s), then the page says when to try again.
    // The limiter counts in fixed 10 s windows, as the Workers binding does, so a window can
    // turn over between the spending and the page's submit; then the round is spent again.
    let limited = false;
    for (let round = 0; round < 3 && !limited; round++) {
      const spent = await page.evaluate(
        async ({ game, token }) => {
          const statuses: number[] = [];
          while (statuses.length < 45 && statuses.at(-1) !== 429) {
            const r = await fetch(`/v1/games/${game}/scores`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: JSON.stringify({ player: "ada", score: 800 }),
            });
            statuses.push(r.status);
          }
          return statuses;
        },
        { game, token },
      );
      expect(spent.at(-1)).toBe(429);
      await page.fill("#play-score", String(900 + round));
      await page.click("#play-submit");
      limited = await page
        .locator('.play-error[data-code="rate_limited"]')
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
    }
    expect(limited).toBe(true);
    expect(await error.textContent()).toMatch(/try again in \d+ s/);
    expect(await page.locator("#play-submit").isDisabled()).toBe(true);
    expect(violations).toEqual([]);
    await page.close();
  });

  it("plays as a player whose name is not ASCII: the token's UTF-8 claims read back as sent", async () => {
    const game = "web-play-utf8";
    const player = "Zoë 李 🎮";
    const minted = await fetch(`${server.url}/v1/games/${game}/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ player }),
    });
    const { token } = (await minted.json()) as { token: string };
    const page = await open(`/games/${game}/play#token=${token}`);
    await page.locator("#play-player").waitFor();
    expect(await page.locator("#play-player").textContent()).toBe(player);
    await page.fill("#play-score", "42");
    await page.click("#play-submit");
    await expect.poll(() => page.locator("#play-rank").textContent()).toBe("#1");
    const standing = await fetch(`${server.url}/v1/games/${game}/players/${encodeURIComponent(player)}`);
    expect(await standing.json()).toMatchObject({ player, score: 42 });
    await page.close();
  });

  it("asks for a token when the play page has none, and refuses one for another game", async () => {
    const minted = await fetch(`${server.url}/v1/games/web-play-other/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ player: "bo" }),
    });
    const { token } = (await minted.json()) as { token: string };
    const page = await open("/games/web-play-empty/play");
    await page.locator("#play-token").waitFor();
    await page.fill("#play-token", token);
    await page.click("form.play button[type=submit]");
    await page.locator("[role=alert]").waitFor();
    expect(await page.locator("[role=alert]").textContent()).toBe(
      "This token is for the game web-play-other, not web-play-empty.",
    );
    expect(await page.locator("#play-score").count()).toBe(0);
    await page.close();
  });
});
