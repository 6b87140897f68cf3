// What safe submissions from game clients cost:
// - the bounds check, in plain Node: plan + apply of 1000-report batches on a
//   board of 10^5 players with every bound on (min, max, maxGainPerSecond,
//   maxReportsPerSecond), against the same batches with no bounds;
// - player tokens, over HTTP against wrangler dev: single-report requests
//   each with its own player's token (an HS256 verify and a rate-limit call
//   per request), against the same requests with the ingest key.
import { sign, verify } from "hono/jwt";
import { Ranking } from "../../engine/ranking";
import type { Report } from "../../engine/rules";
import { DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, compared } from "../report";
import { drive, type Load, type Measured } from "./ingest";

const PLAYERS = 100_000;
const BATCH = 1000;
const BOUNDS = { min: 0, max: 1e12, maxGainPerSecond: 1000, maxReportsPerSecond: 5, maxFutureSeconds: 300 };
const START = 2_000_000_000_000;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const results = boundsRows(ctx);
  results.push(await verifyRow(ctx));
  results.push(...(await tokenRows(ctx)));
  return results;
}

/**
 * Milliseconds per batch through plan + apply, with and without bounds, on two
 * boards built alike: the same 64 batches in turn, rounds alternating between
 * the boards, the best round of each counting (this machine's timings swing).
 */
function boundsRows(ctx: BenchContext): BenchResult[] {
  ctx.progress(`bounds check: 1000-report batches on ${PLAYERS.toLocaleString("en-US")} players`);
  const perRound = ctx.quick ? 50 : 300;
  const rounds = ctx.quick ? 3 : 7;
  const batches: Report[][] = Array.from({ length: 64 }, (_, b) =>
    Array.from({ length: BATCH }, (_, k) => {
      const i = (b * 7919 + k * 104_729) % PLAYERS;
      return { player: `p${i}`, score: i + b + 1, ts: 0 };
    }),
  );
  const contender = (bounds: typeof BOUNDS | undefined) => {
    const board = new Ranking();
    board.load(
      Array.from({ length: PLAYERS }, (_, i) => ({ player: `p${i}`, score: i, ts: START - 60_000 })),
      START,
    );
    let now = START;
    let done = 0;
    /** Runs `count` batches, each in its own second so the report rate stays inside maxReportsPerSecond. */
    return (count: number) => {
      const started = performance.now();
      for (let b = 0; b < count; b++) {
        now += 1000;
        const reports = batches[done++ % batches.length] as Report[];
        for (const report of reports) report.ts = now;
        const plan = board.plan(reports, bounds, now);
        if (plan.violations.length > 0) throw new Error(`bench: the bounds refused ${plan.violations[0]?.reason}`);
        board.apply(plan, now);
      }
      return (performance.now() - started) / count;
    };
  };
  const plain = contender(undefined);
  const bounded = contender(BOUNDS);
  plain(perRound); // warm-up: the first batches pay for the JIT
  bounded(perRound);
  let bestPlain = Number.POSITIVE_INFINITY;
  let bestBounded = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    bestPlain = Math.min(bestPlain, plain(perRound));
    bestBounded = Math.min(bestBounded, bounded(perRound));
  }
  return [
    compared(
      {
        suite: "clients",
        name: "1000-report batch, plan + apply, every bound on",
        n: PLAYERS,
        value: bestBounded,
        unit: "ms",
        baseline: "the same batches, no bounds",
        baselineValue: bestPlain,
      },
      true,
    ),
  ];
}

/** One HS256 verify as the Worker does it for every token request (Web Crypto, in Node here). */
async function verifyRow(ctx: BenchContext): Promise<BenchResult> {
  ctx.progress("hono/jwt HS256 verify");
  const token = await sign({ sub: "p1", game: "g", exp: Math.floor(Date.now() / 1000) + 3600 }, "secret", "HS256");
  const rounds = ctx.quick ? 2000 : 20_000;
  for (let i = 0; i < 200; i++) await verify(token, "secret", "HS256");
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await verify(token, "secret", "HS256");
  const micros = ((performance.now() - started) * 1000) / rounds;
  return { suite: "clients", name: "player token verify (hono/jwt HS256, Node)", n: 1, value: micros, unit: "µs" };
}

/** Single-report requests as fast as answered: each with its player's token, then each with the ingest key. */
async function tokenRows(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 2 : 10;
  // Enough tokens that none reaches its 20 requests in 10 s at this machine's rate.
  const tokenCount = ctx.quick ? 500 : 2000;
  const server = new DevServer();
  await server.start();
  try {
    ctx.progress(`minting ${tokenCount} player tokens, 50 at a time`);
    const mintStarted = performance.now();
    const tokens: string[] = [];
    for (let i = 0; i < tokenCount; i += 50) {
      const minted = await Promise.all(
        Array.from({ length: Math.min(50, tokenCount - i) }, async (_, k) => {
          const res = await fetch(`${server.url}/v1/games/bench-tokens/tokens`, {
            method: "POST",
            headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
            body: JSON.stringify({ player: `p${i + k}` }),
          });
          if (res.status !== 200) throw new Error(`minting a token: ${res.status}`);
          return ((await res.json()) as { token: string }).token;
        }),
      );
      tokens.push(...minted);
    }
    const mintsPerSecond = tokenCount / ((performance.now() - mintStarted) / 1000);
    let next = 0;
    const load = (withToken: boolean): Load => ({
      name: withToken ? "player tokens" : "ingest key",
      n: 1,
      clients: 4,
      everyMs: 0,
      send: async (url) => {
        const i = next++ % tokenCount;
        const res = await fetch(`${url}/v1/games/bench-tokens/scores`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${withToken ? tokens[i] : INGEST_KEY}`,
            "content-type": "application/json",
          },
          // No ts: a token's reports take the server's time, and the key's do here too, for a like comparison.
          body: JSON.stringify({ player: `p${i}`, score: next }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`a report answered ${res.status}`);
      },
    });
    const measured: Measured[] = [];
    for (const withToken of [false, true]) {
      ctx.progress(`single reports, 4 clients as fast as answered, ${withToken ? "player tokens" : "ingest key"}`);
      measured.push(await drive(server, load(withToken), seconds));
    }
    const [key, token] = measured as [Measured, Measured];
    const row = (measure: string, unit: string, pick: (m: Measured) => number, lowerIsBetter: boolean) =>
      compared(
        {
          suite: "clients",
          name: `single reports with player tokens: ${measure}`,
          n: 1,
          value: pick(token),
          unit,
          baseline: "the same requests with the ingest key",
          baselineValue: pick(key),
        },
        lowerIsBetter,
      );
    return [
      {
        suite: "clients",
        name: "token mints, each counted in the audit log in D1 (50 in flight)",
        n: tokenCount,
        value: mintsPerSecond,
        unit: "tokens/s",
      },
      row("throughput", "reports/s", (m) => m.reportsPerSecond, false),
      row("ack p50", "ms", (m) => m.p50, true),
      row("server CPU per request", "ms", (m) => m.cpuMsPerRequest, true),
    ];
  } finally {
    await server.dispose();
  }
}
