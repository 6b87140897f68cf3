import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { installedClient } from "../support/client-package";
import { DevServer, freePort, INGEST_KEY } from "../support/dev-server";

// The built client (dist/client) used the three ways the README shows, each
// against a real `wrangler dev`: from Node without tsx, from a plain
// `<script type="module">` in Chromium, and bundled by a bundler (esbuild,
// resolving `podium/client` as Vite does) then run in Chromium. All three
// run the same game code, play.mjs, and must see the same boards.
const server = new DevServer();
let installed: { dir: string; pkg: string };
let browser: Browser;
let statics: Server;
let staticsUrl = "";

/** What a game does with the client: report, be refused, read the page, watch live and see a new score arrive. */
const PLAY = `export async function play({ createClient, LiveFeed }, url, key, game) {
  const param = { game };
  const row = (e) => e.rank + " " + e.player + " " + e.score;
  const scores = createClient(url, { key }).v1.games[":game"].scores;
  const posted = await scores.$post({ param, json: { scores: [{ player: "ada", score: 1200 }, { player: "lin", score: 950 }] } });
  const badKey = createClient(url, { key: "not-a-key" }).v1.games[":game"].scores;
  const refused = await badKey.$post({ param, json: { player: "eve", score: 1 } });
  const top = await createClient(url).v1.games[":game"].leaderboard.$get({ param, query: { limit: "10" } });
  let arrived;
  const kai = new Promise((resolve) => (arrived = resolve));
  const onBoard = () => feed.entries().some((e) => e.player === "kai") && arrived();
  const feed = new LiveFeed(url, game, { limit: 10, onBoard });
  await feed.open();
  const before = feed.entries().map(row);
  await scores.$post({ param, json: { player: "kai", score: 1500 } });
  let timer;
  await Promise.race([kai, new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
  clearTimeout(timer);
  const after = feed.entries().map(row);
  feed.close();
  return {
    posted: await posted.json(),
    refused: [refused.status, (await refused.json()).error.code],
    top: (await top.json()).entries.map(row),
    before,
    after,
  };
}
`;

/** The game's code around play(): its imports, from where `from` says. */
const imports = (from: string) => `import * as client from "${from}";\nimport { play } from "./play.mjs";\n`;

/** In a page: runs play() and puts its answer (or its error) in #out. */
const RUN = `const [url, key, game] = location.hash.slice(1).split(",").map(decodeURIComponent);
play(client, url, key, game).then((r) => JSON.stringify(r), (e) => "error: " + e)
  .then((text) => (document.getElementById("out").textContent = text));
`;

const html = (script: string) =>
  `<!doctype html><html lang="en"><title>game</title><pre id="out"></pre>${script}</html>`;

/** The files the static server hands out: the pages, play.mjs, the browser file and the bundle. */
const STATIC: Record<string, string> = {
  "/plain.html": "plain.html",
  "/bundled.html": "bundled.html",
  "/play.mjs": "play.mjs",
  "/podium-client.browser.js": "node_modules/podium/dist/client/podium-client.browser.js",
  "/bundle.js": "bundle.js",
};

beforeAll(async () => {
  installed = installedClient();
  const file = (name: string, text: string) => writeFileSync(join(installed.dir, name), text);
  file("package.json", JSON.stringify({ type: "module" }));
  file("play.mjs", PLAY);
  file(
    "game-server.mjs",
    `${imports("podium/client")}console.log(import.meta.resolve("podium/client"));\n` +
      "console.log(JSON.stringify(await play(client, ...process.argv.slice(2))));\n",
  );
  file("plain.html", html(`<script type="module">${imports("./podium-client.browser.js")}${RUN}</script>`));
  file("app.js", imports("podium/client") + RUN);
  file("bundled.html", html('<script type="module" src="./bundle.js"></script>'));
  await server.start();
  browser = await launchChromium();
  statics = createServer((req, res) => {
    const path = STATIC[new URL(req.url ?? "/", "http://x").pathname];
    if (path === undefined) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": path.endsWith("html") ? "text/html" : "text/javascript" });
    res.end(readFileSync(join(installed.dir, path)));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => statics.listen(port, "127.0.0.1", resolve));
  staticsUrl = `http://127.0.0.1:${port}`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (statics !== undefined) await new Promise((resolve) => statics.close(resolve));
  await server.dispose();
  rmSync(installed.dir, { recursive: true, force: true });
});

/** What every use must see: its two scores taken, a bad key refused, the page, and the live board before and after kai. */
const PLAYED = {
  posted: { accepted: 2, duplicates: 0 },
  refused: [401, "unauthorized"],
  top: ["1 ada 1200", "2 lin 950"],
  before: ["1 ada 1200", "2 lin 950"],
  after: ["1 kai 1500", "2 ada 1200", "3 lin 950"],
};

async function playInPage(html: string, game: string) {
  const tab = await browser.newPage();
  // A module that fails to load (a bare import the browser cannot resolve) only shows on the console.
  const errors: string[] = [];
  tab.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  tab.on("pageerror", (e) => errors.push(e.message));
  try {
    await tab.goto(`${staticsUrl}/${html}#${[server.url, INGEST_KEY, game].map(encodeURIComponent).join(",")}`);
    await tab
      .waitForFunction(() => document.getElementById("out")?.textContent, null, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the page never answered: ${errors.join("; ")}`);
      });
    const text = (await tab.locator("#out").textContent()) ?? "";
    expect(text).not.toMatch(/^error/);
    return JSON.parse(text);
  } finally {
    await tab.close();
  }
}

describe("the built client", () => {
  it("runs in Node without tsx: a .mjs imports podium/client, resolved to dist/client", () => {
    const ran = spawnSync(process.execPath, ["game-server.mjs", server.url, INGEST_KEY, "pkg-node"], {
      cwd: installed.dir,
      encoding: "utf8",
      timeout: 60_000,
      // No loader: whatever NODE_OPTIONS the test runner has, the game server has none.
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    const [resolved, result] = ran.stdout.trim().split("\n");
    expect(resolved).toBe(`file://${installed.pkg}/dist/client/index.js`);
    expect(JSON.parse(result!)).toEqual(PLAYED);
  });

  it("runs from a plain <script type=module> in Chromium, loading podium-client.browser.js alone", async () => {
    expect(await playInPage("plain.html", "pkg-browser")).toEqual(PLAYED);
  });

  it("bundles as a Vite app does (podium/client through the package's exports, for the browser) and runs in Chromium", async () => {
    const bundled = await build({
      absWorkingDir: installed.dir,
      entryPoints: ["app.js"],
      outfile: join(installed.dir, "bundle.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs).toContain("node_modules/podium/dist/client/index.js");
    expect(inputs.some((i) => /hono\/dist\/client\//.test(i))).toBe(true);
    expect(await playInPage("bundled.html", "pkg-bundled")).toEqual(PLAYED);
  });
});
