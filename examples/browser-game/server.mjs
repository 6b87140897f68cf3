// A stand-in for a game's own server. It holds Podium's admin key, which never
// reaches a browser: it sets the game up once (best round counts, bounded
// scores) and mints each player a short-lived player token, which is all the
// page gets. It also serves the page, and the built client's browser file.
// Run `npm run build:client` first: this imports podium/client, the built package.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "podium/client";

const podiumUrl = (process.env.PODIUM_URL ?? "http://localhost:8787").replace(/\/$/, "");
const key = process.env.PODIUM_ADMIN_KEY;
const game = process.env.PODIUM_GAME ?? "browser-game";
const port = Number(process.env.PORT ?? 8080);
if (!key) {
  console.error("set PODIUM_ADMIN_KEY to one of Podium's admin keys (ADMIN_KEYS in .dev.vars)");
  process.exit(1);
}
const podium = createClient(podiumUrl, { key });
const thisGame = podium.v1.games[":game"];

// A round lasts 20 s at 10 points a hit: no honest round comes near 2000,
// whatever a browser claims with its token.
const setUp = await thisGame.$put({ param: { game }, json: { aggregate: "max", bounds: { min: 0, max: 2000 } } });
if (!setUp.ok) console.warn(`could not set ${game} up (${setUp.status}): ${await setUp.text()}`);

const here = import.meta.dirname;
const FILES = {
  "/": [join(here, "index.html"), "text/html; charset=utf-8"],
  "/style.css": [join(here, "style.css"), "text/css; charset=utf-8"],
  "/game.js": [join(here, "game.js"), "text/javascript; charset=utf-8"],
  // The self-contained ESM build (hono/client inlined): a page has no bundler to resolve packages.
  "/podium-client.js": [fileURLToPath(import.meta.resolve("podium/client/browser")), "text/javascript; charset=utf-8"],
};
const PLAYER = /^[\p{L}\p{N} _-]{1,32}$/u;
const socketUrl = podiumUrl.replace(/^http/, "ws");
const headers = (type) => ({
  "content-type": type,
  "content-security-policy": `default-src 'self'; connect-src 'self' ${podiumUrl} ${socketUrl}`,
  "x-content-type-options": "nosniff",
});
const json = (res, status, body) => res.writeHead(status, headers("application/json")).end(JSON.stringify(body));

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.method === "GET" && path === "/game") return json(res, 200, { game, podium: podiumUrl });
  if (req.method === "POST" && path === "/session") return session(req, res);
  const file = FILES[path];
  if (req.method !== "GET" || file === undefined) return json(res, 404, { error: "not found" });
  res.writeHead(200, headers(file[1])).end(await readFile(file[0]));
});

/** A player token for the name asked, good for five minutes: enough for a round and its report. */
async function session(req, res) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1024) return json(res, 413, { error: "too large" });
  }
  let player;
  try {
    player = JSON.parse(body).player;
  } catch {}
  if (typeof player !== "string" || !PLAYER.test(player)) {
    return json(res, 400, { error: "a name is 1-32 letters, digits, spaces, _ or -" });
  }
  const minted = await thisGame.tokens.$post({ param: { game }, json: { player, ttl: 300 } });
  if (!minted.ok) return json(res, 502, { error: `Podium answered ${minted.status}` });
  json(res, 200, await minted.json());
}

server.listen(port, "127.0.0.1", () =>
  console.log(`${game}: play at http://127.0.0.1:${port}/ (Podium at ${podiumUrl})`),
);
