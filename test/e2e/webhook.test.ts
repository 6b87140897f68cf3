import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_KEY, DevServer, INGEST_KEY, WEBHOOK_SECRET } from "../support/dev-server";

// A game backend's receiver on this machine: it fails the first delivery, then accepts.
const received: { headers: IncomingMessage["headers"]; body: string; answered: number }[] = [];
let receiver: Server;
const server = new DevServer();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const answered = received.length === 0 ? 503 : 204;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  await server.start();
}, 120_000);
afterAll(async () => {
  await server.dispose();
  receiver.close();
});

/** How a receiver checks a delivery: recompute the HMAC of "t.body" and compare in constant time. */
function verify(header: string, body: string, secret: string): boolean {
  const { t, v1 } = Object.fromEntries(header.split(",").map((part) => part.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const api = (path: string, init: RequestInit & { key?: string; json?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });

it("posts a signed season.closed to the webhook, retrying a failed delivery until it lands", async () => {
  const game = "e2e-webhook";
  const { port } = receiver.address() as AddressInfo;
  const config = {
    aggregate: "sum",
    prizes: { poolShare: 0.5, poolSeed: 10, split: [{ from: 1, to: 2, share: 1 }] },
    webhook: `http://127.0.0.1:${port}/podium`,
  };
  expect((await api(`/v1/games/${game}`, { method: "PUT", key: ADMIN_KEY, json: config })).status).toBe(200);
  const scores = [
    { player: "ana", score: 40 },
    { player: "bo", score: 20 },
    { player: "cy", score: 10 },
  ];
  expect((await api(`/v1/games/${game}/scores`, { method: "POST", key: INGEST_KEY, json: { scores } })).status).toBe(
    200,
  );
  expect((await api(`/v1/games/${game}/seasons/close`, { method: "POST", key: ADMIN_KEY })).status).toBe(200);

  for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  expect(received.map((r) => r.answered)).toEqual([503, 204]);
  for (const { headers, body } of received) {
    expect(headers["content-type"]).toBe("application/json");
    expect(verify(String(headers["podium-signature"]), body, WEBHOOK_SECRET)).toBe(true);
    expect(verify(String(headers["podium-signature"]), body, "another secret")).toBe(false);
    // Pool 10 + 0.5 x 70 = 45, split over ranks 1-2: 22 each (22.5 floored); 1 carries over.
    expect(JSON.parse(body)).toEqual({
      type: "season.closed",
      game,
      season: 1,
      awards: [
        { rank: 1, player: "ana", amount: 22 },
        { rank: 2, player: "bo", amount: 22 },
      ],
    });
  }
  const { seasons } = (await (await api(`/v1/games/${game}/seasons`)).json()) as {
    seasons: { season: number; webhook?: { delivered: boolean; attempts: number } }[];
  };
  expect(seasons.find((s) => s.season === 1)?.webhook).toEqual({ delivered: true, attempts: 2 });
  // A third delivery never comes once one landed.
  await new Promise((r) => setTimeout(r, 1500));
  expect(received).toHaveLength(2);
}, 60_000);

it("posts leader.changed and top.changed at most once per every, with the newest state, signed", async () => {
  const game = "e2e-hooks";
  const { port } = receiver.address() as AddressInfo;
  const webhook = {
    url: `http://127.0.0.1:${port}/events`,
    events: ["leader.changed", "top.changed"],
    top: 2,
    every: 2,
  };
  expect((await api(`/v1/games/${game}`, { method: "PUT", key: ADMIN_KEY, json: { webhook } })).status).toBe(200);
  // Four leaders within one `every`: one event of each kind, naming the last.
  for (const [i, player] of ["ana", "bo", "cy", "dee"].entries()) {
    const res = await api(`/v1/games/${game}/scores`, { method: "POST", key: INGEST_KEY, json: { player, score: i } });
    expect(res.status).toBe(200);
  }
  const ours = () => received.filter((r) => JSON.parse(r.body).game === game);
  for (let i = 0; i < 100 && ours().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  // Nothing more comes: the burst was told once.
  await new Promise((r) => setTimeout(r, 2500));
  const top = ((await (await api(`/v1/games/${game}/leaderboard?limit=2`)).json()) as { entries: unknown[] }).entries;
  expect(ours().map((r) => JSON.parse(r.body))).toEqual([
    { type: "leader.changed", game, season: 1, leader: top[0], previous: null },
    { type: "top.changed", game, season: 1, entries: top },
  ]);
  for (const { headers, body } of ours())
    expect(verify(String(headers["podium-signature"]), body, WEBHOOK_SECRET)).toBe(true);
}, 60_000);
