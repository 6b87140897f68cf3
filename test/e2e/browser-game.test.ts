import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { ADMIN_KEY, DevServer, freePort } from "../support/dev-server";

// examples/browser-game as the README runs it: `npm run build:client`, then
// its stand-in game server against Podium; then a player plays a round in
// Chromium with scripted clicks.
const root = join(import.meta.dirname, "..", "..");
const GAME = "browser-game";
const server = new DevServer();
let gameServer: ChildProcess;
let gameUrl = "";
let browser: Browser;

/** Ten rivals at 15, 25, ... 105: a round of 7 hits (70) is fifth, between 75 and 65. */
const RIVALS = Array.from({ length: 10 }, (_, i) => ({ player: `rival-${i + 1}`, score: 15 + 10 * i }));

beforeAll(async () => {
  const built = spawnSync("npm", ["run", "build:client"], { cwd: root, encoding: "utf8" });
  expect(built.status, built.stdout + built.stderr).toBe(0);
  await server.start();
  const port = await freePort();
  gameServer = spawn(process.execPath, [join("examples", "browser-game", "server.mjs")], {
    cwd: root,
    env: { ...process.env, PODIUM_URL: server.url, PODIUM_ADMIN_KEY: ADMIN_KEY, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  gameServer.stdout?.on("data", (d) => {
    output += d;
  });
  gameServer.stderr?.on("data", (d) => {
    output += d;
  });
  const ready = `play at http://127.0.0.1:${port}/`;
  for (let waited = 0; !output.includes(ready); waited += 100) {
    if (waited > 30_000 || gameServer.exitCode !== null) throw new Error(`the game server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(output).not.toContain("could not set");
  gameUrl = `http://127.0.0.1:${port}`;
  // The rivals report as the game's server would, with its key.
  expect(await server.send("POST", `/v1/games/${GAME}/scores`, { scores: RIVALS }, ADMIN_KEY)).toBe(200);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  gameServer?.kill();
  await server.dispose();
});

/** Waits until an element of the page reads `text`. */
const shows = (page: Page, selector: string, text: string) =>
  expect.poll(() => page.locator(selector).textContent(), { timeout: 15_000 }).toBe(text);

const topTen = (page: Page) =>
  page.locator("#top li").evaluateAll((items) => items.map((li) => `${(li as HTMLLIElement).value} ${li.textContent}`));

/** Once the round starts, clicks its targets `hits` times, then misses once. */
async function playRound(page: Page, hits: number) {
  await shows(page, "#status", "Go!");
  const field = page.locator("#field");
  for (let hit = 1; hit <= hits; hit++) {
    const target = await field.getAttribute("data-target");
    const [x, y] = target!.split(",").map(Number);
    await field.click({ position: { x: x!, y: y! } });
    await shows(page, "#score", String(hit * 10));
  }
  // A miss (a corner, far from any target's centre) scores nothing.
  const target = (await field.getAttribute("data-target"))!.split(",").map(Number);
  await field.click({ position: { x: target[0]! > 240 ? 2 : 478, y: target[1]! > 160 ? 2 : 318 } });
  await shows(page, "#score", String(hits * 10));
}

it("is run as the README says", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readme).toContain(
    "npm run build:client\nPODIUM_ADMIN_KEY=$(sed -n 's/^ADMIN_KEYS=\\([^,]*\\).*/\\1/p' .dev.vars) node examples/browser-game/server.mjs\n",
  );
});

it("plays a round: its token posts the score, and the page shows the player's rank and the live top 10", async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const requested: string[] = [];
  const bearers: string[] = [];
  page.on("request", (r) => {
    requested.push(r.url());
    const bearer = r.headers().authorization;
    if (bearer !== undefined) bearers.push(bearer);
  });
  page.on("websocket", (w) => requested.push(w.url()));
  await page.goto(`${gameUrl}/?seconds=8`);
  await shows(page, "#feed-state", "live");
  const descending = RIVALS.toReversed();
  expect(await topTen(page)).toEqual(descending.map((r, i) => `${i + 1} ${r.player} ${r.score}`));

  await page.fill("#name", "tester");
  await page.click("#play");
  await playRound(page, 7);
  await shows(page, "#status", "Posted 70.");
  await shows(page, "#rank", "#5 of 11");
  expect((await topTen(page)).slice(3, 6)).toEqual(["4 rival-7 75", "5 tester 70", "6 rival-6 65"]);
  await shows(page, '#top li[aria-current="true"]', "tester 70");

  // A rival overtakes: the board and the player's rank follow live, without a reload.
  expect(await server.send("POST", `/v1/games/${GAME}/scores`, { player: "rival-1", score: 500 }, ADMIN_KEY)).toBe(200);
  await shows(page, "#rank", "#6 of 11");
  expect((await topTen(page)).slice(0, 2)).toEqual(["1 rival-1 500", "2 rival-10 105"]);
  expect(await topTen(page)).toHaveLength(10);

  // The best round counts: a worse second round leaves the rank as it was.
  await page.click("#play");
  await playRound(page, 2);
  await shows(page, "#status", "Posted 20.");
  const standing = await fetch(`${server.url}/v1/games/${GAME}/players/tester`);
  expect(await standing.json()).toMatchObject({ rank: 6, score: 70 });
  await shows(page, "#rank", "#6 of 11");

  // The page posted with player tokens (JWTs) only: the game server's key never reached it.
  expect(bearers.length).toBeGreaterThanOrEqual(2);
  for (const bearer of bearers) expect(bearer).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  // The page talked to its own server and to Podium, nowhere else.
  const origins = new Set(requested.map((u) => new URL(u).host));
  expect([...origins].sort()).toEqual([new URL(gameUrl).host, new URL(server.url).host].sort());
  await page.close();
});

it("refuses a name its server will not mint a token for", async () => {
  const page = await browser.newPage();
  await page.goto(gameUrl);
  await page.fill("#name", "no/slashes");
  await page.click("#play");
  await shows(page, "#status", "a name is 1-32 letters, digits, spaces, _ or -");
  await expect.poll(() => page.locator("#join").isVisible()).toBe(true);
  await page.close();
});
