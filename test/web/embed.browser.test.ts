import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, browserSuite, expectAccessible, readmeShot } from "../support/browser";
import { freePort, INGEST_KEY } from "../support/dev-server";

const { server, browser, openPage, report, configure } = browserSuite();
const policy = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "protocol", "security-headers.json"), "utf8"),
) as Record<string, string>;
// Another origin (another port) that frames the dev server's pages, as a stream site or blog would.
let host: Server;
let hostUrl = "";

beforeAll(async () => {
  const port = await freePort();
  host = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://host");
    const frames = url.searchParams
      .getAll("src")
      .map(
        (src, i) =>
          `<iframe id="f${i}" title="board ${i}" src="${server.url}${src}" width="400" height="600"></iframe>`,
      );
    res.writeHead(200, { "content-type": "text/html" });
    res.end(
      `<!doctype html><html lang="en"><title>host</title><body style="background:#3a6">${frames.join("")}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

const open = (path: string, options: { width?: number; height?: number; reducedMotion?: "reduce" } = {}) =>
  openPage(path, {
    viewport: { width: options.width ?? 400, height: options.height ?? 600 },
    reducedMotion: options.reducedMotion ?? "no-preference",
  });

const rowKeys = (page: Page) =>
  page.locator("#board tbody tr[data-key]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));

/** Waits until no row is sliding or flashing, so a screenshot shows the board at rest. */
const settled = (page: Page) => expect.poll(() => page.evaluate(() => document.getAnimations().length)).toBe(0);

/** Records the rows' slides (Element.animate with a transform) from now on; DevTools evaluation is outside the CSP. */
async function recordSlides(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const slides: string[] = [];
    (globalThis as unknown as { slides: string[] }).slides = slides;
    const animate = Element.prototype.animate;
    Element.prototype.animate = function (this: Element, keyframes, options) {
      if (JSON.stringify(keyframes).includes("transform")) slides.push((this as HTMLElement).dataset.key ?? "");
      return animate.call(this, keyframes, options);
    };
  });
  return () => page.evaluate(() => (globalThis as unknown as { slides: string[] }).slides);
}

describe("the embeddable board in Chromium", () => {
  it("updates live: a posted report slides a row to its new rank, and the leader change is announced", async () => {
    const game = "embed-live";
    await report(
      game,
      Array.from({ length: 12 }, (_, i) => ({ player: `p${i}`, score: i * 10, team: i % 2 ? "red" : "blue" })),
    );
    const page = await open(`/embed/${game}?limit=10`);
    await page.locator("#board tbody tr[data-key]").nth(9).waitFor();
    expect(await rowKeys(page)).toEqual(["p11", "p10", "p9", "p8", "p7", "p6", "p5", "p4", "p3", "p2"]);
    // One board and nothing else: no site header, no skip link, no tabs.
    expect(await page.locator("header, .skip, [role=tablist], form").count()).toBe(0);
    expect(await page.locator("caption").textContent()).toBe(`${game}: top 10 players, live`);
    expect(await page.locator("#board thead th[scope=col]").allTextContents()).toEqual([
      "Rank",
      "Change",
      "Player",
      "Score",
      "Team",
    ]);
    const slides = await recordSlides(page);
    await report(game, [{ player: "p5", score: 1000 }]);
    await page.locator("#board tbody tr[data-key]").first().and(page.locator('[data-key="p5"]')).waitFor();
    expect((await rowKeys(page)).slice(0, 3)).toEqual(["p5", "p11", "p10"]);
    expect(await page.locator('#board tr[data-key="p5"]').getAttribute("class")).toContain("moved-up");
    expect(await slides()).toContain("p5");
    await expect.poll(() => page.locator("[aria-live=polite]").textContent()).toBe("p5 takes the lead.");
    // It fits a 400x600 source without scrolling.
    expect(
      await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]),
    ).toEqual([400, 600]);
    await expectAccessible(page, "embed");
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, "embed-400x600.png") });
    await page.setViewportSize({ width: 1920, height: 1080 });
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(1080);
    await page.screenshot({ path: join(ARTIFACTS, "embed-1920x1080.png") });
    await page.close();
  });

  it("can be framed by another origin, and the game page cannot", async () => {
    const game = "embed-framed";
    await report(
      game,
      Array.from({ length: 5 }, (_, i) => ({ player: `p${i}`, score: i })),
    );
    const embed = await fetch(`${server.url}/embed/${game}`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get("x-frame-options")).toBeNull();
    // The same policy as every page, but any ancestor.
    expect(embed.headers.get("content-security-policy")).toBe(
      policy["Content-Security-Policy"].replace("frame-ancestors 'none'", "frame-ancestors *"),
    );
    expect(embed.headers.get("x-content-type-options")).toBe("nosniff");
    for (const path of [`/games/${game}`, "/", "/embed", "/app.js"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get("content-security-policy"), path).toBe(policy["Content-Security-Policy"]);
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const docs = await fetch(`${server.url}/v1/docs`);
    expect(docs.headers.get("x-frame-options")).toBe("DENY");

    const page = await browser().newPage({ viewport: { width: 860, height: 640 } });
    const refused: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) refused.push(message.text());
    });
    await page.goto(`${hostUrl}/?src=/embed/${game}&src=/games/${game}`);
    const frame = page.frameLocator("#f0");
    await frame.locator("#board tbody tr[data-key]").nth(4).waitFor();
    expect(await frame.locator("#board tbody tr[data-key]").first().getAttribute("data-key")).toBe("p4");
    // Chromium names only the refused page's origin: one refusal, the game page's (the embed shows).
    await expect.poll(() => refused.length).toBe(1);
    expect(refused[0]).toContain("frame-ancestors 'none'");
    const blocked = await (await page.locator("#f1").elementHandle())?.contentFrame();
    expect(blocked?.url()).not.toContain(`/games/${game}`);
    expect(await blocked?.locator("#app").count()).toBe(0);
    await settled(page);
    await readmeShot(page, "embed-framed");
    await page.close();
  });

  it("reconnects after wrangler dev restarts, and shows what came meanwhile", async () => {
    const game = "embed-reconnect";
    await report(game, [{ player: "a", score: 1 }]);
    const page = await open(`/embed/${game}`);
    await page.locator('#board tr[data-key="a"]').waitFor();
    await server.stop("SIGKILL");
    await expect.poll(() => page.locator(".embed-status").textContent()).toBe("Reconnecting…");
    await server.start();
    await report(game, [{ player: "b", score: 5 }]);
    await expect.poll(() => rowKeys(page), { timeout: 20_000 }).toEqual(["b", "a"]);
    await expect.poll(() => page.locator(".embed-status").textContent()).toBe("");
    await page.close();
  });

  it("waits quietly for an unknown game's first score, then shows it", async () => {
    const game = "embed-not-yet";
    const page = await open(`/embed/${game}`);
    await page.getByText("Waiting for the first score…").waitFor();
    expect(await page.locator("body").textContent()).not.toMatch(/error|not found|404|failed|no such/i);
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, "embed-waiting.png") });
    await report(game, [{ player: "first", score: 1 }]);
    await page.locator('#board tr[data-key="first"]').waitFor({ timeout: 15_000 });
    await page.close();
  });

  it("slides nothing for a viewer who prefers reduced motion: a still highlight instead", async () => {
    const game = "embed-still";
    await report(
      game,
      Array.from({ length: 5 }, (_, i) => ({ player: `p${i}`, score: i })),
    );
    const page = await open(`/embed/${game}`, { reducedMotion: "reduce" });
    await page.locator("#board tbody tr[data-key]").nth(4).waitFor();
    const slides = await recordSlides(page);
    // The highlight is read the moment p0's row takes it: read later, a loaded machine can find it over.
    await page.evaluate(() => {
      const observer = new MutationObserver(() => {
        const row = document.querySelector('#board tr[data-key="p0"]');
        if (row === null || !row.classList.contains("moved-up")) return;
        observer.disconnect();
        (window as { highlight?: string }).highlight = getComputedStyle(row).animationName;
      });
      const board = document.querySelector("#board") as Element;
      observer.observe(board, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
    });
    await report(game, [{ player: "p0", score: 100 }]);
    const moved = page.locator('#board tr[data-key="p0"]');
    await page.locator("#board tbody tr[data-key]").first().and(moved).waitFor();
    const highlight = await page.waitForFunction(() => (window as { highlight?: string }).highlight);
    expect(await highlight.jsonValue()).toBe("hold");
    expect(await slides()).toEqual([]);
    const transforms = await page.evaluate(() =>
      document
        .getAnimations()
        .filter((a) => JSON.stringify((a.effect as KeyframeEffect).getKeyframes()).includes("transform")),
    );
    expect(transforms).toHaveLength(0);
    await page.close();
  });

  it("has a transparent background under theme=transparent, and defaults for invalid parameters", async () => {
    const game = "embed-themes";
    await report(
      game,
      Array.from({ length: 30 }, (_, i) => ({ player: `p${i}`, score: i, team: `t${i % 3}` })),
    );
    const page = await open(`/embed/${game}?theme=transparent&board=teams&limit=3`, { width: 1920, height: 1080 });
    await page.locator('#board tr[data-key="t2"]').waitFor();
    expect(await rowKeys(page)).toEqual(["t2", "t1", "t0"]);
    const backgrounds = await page.evaluate(() =>
      [document.documentElement, document.body].map((e) => getComputedStyle(e).backgroundColor),
    );
    expect(backgrounds).toEqual(["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"]);
    // Read-only: a team is text, not a button that opens nothing.
    expect(await page.locator("#board button").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "embed-transparent.png"), omitBackground: true });
    await page.close();

    const fallback = await open(`/embed/${game}?theme=neon&board=bogus&limit=500`);
    await fallback.locator("#board tbody tr[data-key]").nth(9).waitFor();
    expect(await fallback.locator("#board tbody tr[data-key]").count()).toBe(10);
    expect((await rowKeys(fallback))[0]).toBe("p29");
    expect(await fallback.locator("html").getAttribute("class")).toBe("embed theme-light");
    await fallback.close();
  });

  it("highlights player=, with its own row below the top when it is not in it", async () => {
    const game = "embed-player";
    await report(
      game,
      Array.from({ length: 40 }, (_, i) => ({ player: `p${i}`, score: i })),
    );
    const page = await open(`/embed/${game}?limit=5&player=p7&theme=dark`);
    await page.locator('#board tr.followed[data-key="p7"]').waitFor();
    expect(await rowKeys(page)).toEqual(["p39", "p38", "p37", "p36", "p35", "p7"]);
    expect(await page.locator("#board tr.gap-row").count()).toBe(1);
    await report(game, [{ player: "p7", score: 100 }]);
    await page.locator("#board tbody tr[data-key]").first().and(page.locator('[data-key="p7"]')).waitFor();
    expect(await page.locator("#board tr.followed").getAttribute("data-key")).toBe("p7");
    await expectAccessible(page, "embed-dark");
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, "embed-player-dark.png") });
    await page.close();
  });

  it("names and writes values by the game's kind: an ELO game's column is Rating, in whole numbers", async () => {
    const game = "embed-elo";
    await configure(game, { rating: "elo" });
    const res = await fetch(`${server.url}/v1/games/${game}/results`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        results: [
          { winner: "ana", loser: "ben" },
          { winner: "cem", loser: "ana" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const page = await open(`/embed/${game}`);
    await expect
      .poll(() => page.locator("#board thead th").allTextContents())
      .toEqual(["Rank", "Change", "Player", "Rating"]);
    const values = await page.locator("#board tbody td.num:not(.rank)").allTextContents();
    expect(values).toHaveLength(3);
    for (const value of values) expect(value).toMatch(/^\d{1,3}(,\d{3})*$/);
    await page.close();
  });

  it("shows each player's tier beside its name on a game with tiers", async () => {
    const game = "embed-tiers";
    await configure(game, { tiers: [{ name: "gold", rank: 1 }, { name: "silver", rank: 3 }, { name: "rest" }] });
    await report(
      game,
      Array.from({ length: 5 }, (_, i) => ({ player: `t${i}`, score: 50 - i })),
    );
    const page = await open(`/embed/${game}?limit=5`);
    await expect
      .poll(() => page.locator("#board tbody tr[data-key] .tier-badge").allTextContents())
      .toEqual(["tier gold", "tier silver", "tier silver", "tier rest", "tier rest"]);
    await page.close();
  });

  it("loads no inline script: script-src 'self' without 'unsafe-inline', and no CSP violation", async () => {
    const game = "embed-csp";
    await report(game, [{ player: "a", score: 1 }]);
    const res = await fetch(`${server.url}/embed/${game}`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect([...html.matchAll(/<script\b[^>]*>/g)].every(([tag]) => / src="\/[^"]+"/.test(tag))).toBe(true);
    const page = await browser().newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/embed/${game}`);
    await page.locator('#board tr[data-key="a"]').waitFor();
    expect(violations).toEqual([]);
    await page.close();
  });
});
