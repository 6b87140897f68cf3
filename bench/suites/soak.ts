// The soak: writers posting batches with ids and spectators (half following
// a player) against one game on `wrangler dev`, with a kill -9 of the server
// in the middle and a restart on the same state. It checks as it measures:
// every acknowledged id counts exactly once, and every spectator converges
// on the true board after reconnecting. A failed check fails the run.

import { applyLiveMessage, type LiveMessage, type LiveState, rankedEntries } from "../../protocol/live";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../../test/support/dev-server";
import { type BenchContext, type BenchResult, percentile } from "../report";

const GAME = "soak";
const WRITERS = 4;
const BATCH = 500;
const PLAYERS = 2000;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const seconds = ctx.quick ? 12 : 60;
  const spectatorCount = ctx.quick ? 40 : 200;
  const server = new DevServer();
  await server.start();
  try {
    const put = await fetch(`${server.url}/v1/games/${GAME}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ aggregate: "sum" }),
    });
    if (put.status !== 200) throw new Error(`configure: ${put.status}`);
    const memoryBefore = workerdRss(server);

    ctx.progress(`${spectatorCount} spectators, half following a player`);
    const spectators = Array.from(
      { length: spectatorCount },
      (_, i) => new Spectator(server, i % 2 === 0 ? undefined : `p${(i * 37) % PLAYERS}`),
    );
    await Promise.all(spectators.map((s) => s.connected()));

    ctx.progress(
      `${seconds} s of ${WRITERS} writers posting ${BATCH}-report batches with ids; kill -9 at ${seconds / 2} s`,
    );
    const expected = new Map<string, number>();
    const latencies: number[] = [];
    let acked = 0;
    let retries = 0;
    let duplicates = 0;
    const started = Date.now();
    const end = started + seconds * 1000;
    const writer = async (w: number) => {
      for (let seq = 0; Date.now() < end; seq++) {
        const scores = Array.from({ length: BATCH }, (_, k) => ({
          player: `p${(w * 7919 + seq * 104_729 + k * 31) % PLAYERS}`,
          score: 1,
          id: `w${w}-${seq}-${k}`,
        }));
        // The same batch until it is acknowledged: ids make a resend after an unanswered attempt safe.
        for (;;) {
          const t = performance.now();
          try {
            const res = await fetch(`${server.url}/v1/games/${GAME}/scores`, {
              method: "POST",
              headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
              body: JSON.stringify({ scores }),
            });
            const body = (await res.json()) as { accepted: number; duplicates: number };
            if (res.status === 200) {
              latencies.push(performance.now() - t);
              acked += BATCH;
              duplicates += body.duplicates;
              break;
            }
          } catch {
            // The server is down: try again shortly.
          }
          retries++;
          await new Promise((r) => setTimeout(r, 200));
        }
        for (const { player } of scores) expected.set(player, (expected.get(player) ?? 0) + 1);
      }
    };
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, (seconds / 2) * 1000));
      ctx.progress("kill -9 of wrangler dev, then a restart on the same state");
      await server.stop("SIGKILL");
      await server.start();
      ctx.progress("restarted");
    })();
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), killer]);
    const elapsed = (Date.now() - started) / 1000;

    ctx.progress("checking every acknowledged id counted exactly once");
    const board = { total: 0, entries: [] as { player: string; score: number }[] };
    for (let offset = 0; offset === 0 || offset < board.total; offset += 1000) {
      const page = (await (
        await fetch(`${server.url}/v1/games/${GAME}/leaderboard?limit=1000&offset=${offset}`)
      ).json()) as typeof board;
      board.total = page.total;
      board.entries.push(...page.entries);
    }
    const wrong = board.entries.filter((e) => e.score !== expected.get(e.player));
    if (board.total !== expected.size || board.entries.length !== expected.size || wrong.length > 0) {
      throw new Error(
        `soak: ${wrong.length} players off and ${board.total} on the board for ${expected.size} reported ` +
          `(e.g. ${JSON.stringify(wrong.slice(0, 3))}, expected ${wrong[0] ? expected.get(wrong[0].player) : "-"})`,
      );
    }

    ctx.progress("checking every spectator converged");
    const converged = await convergence(server, spectators);
    if (converged < spectators.length) {
      throw new Error(`soak: ${spectators.length - converged} of ${spectators.length} spectators did not converge`);
    }
    const memoryAfter = workerdRss(server);
    const reconnects = spectators.reduce((sum, s) => sum + s.reconnects, 0);
    for (const s of spectators) s.close();
    ctx.progress(
      `${acked} reports acked in ${elapsed.toFixed(0)} s, ${retries} resends, ${duplicates} came back as duplicates, ` +
        `${reconnects} spectator reconnects; all ${spectators.length} spectators converged`,
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    const row = (name: string, value: number, unit: string, note?: string): BenchResult => ({
      suite: "soak",
      name,
      n: spectatorCount,
      value,
      unit,
      ...(note ? { note } : {}),
    });
    return [
      row("reports acked per second, through a kill -9", acked / elapsed, "reports/s"),
      row("ack latency p50", percentile(sorted, 0.5), "ms"),
      row(
        "ack latency p99",
        percentile(sorted, 0.99),
        "ms",
        "acknowledged attempts; resends after the kill not counted",
      ),
      row("acked ids counted other than once", 0, "ids", `${acked} acked, ${duplicates} resent as duplicates`),
      row("spectators converged after reconnecting", converged, "sockets", `${reconnects} reconnects`),
      row("workerd RSS before the load", memoryBefore / 2 ** 20, "MB"),
      row("workerd RSS after (restarted process)", memoryAfter / 2 ** 20, "MB"),
    ];
  } finally {
    await server.dispose();
  }
}

function workerdRss(server: DevServer): number {
  let total = 0;
  for (const { rss } of server.workerdMemory().values()) total += rss;
  return total;
}

/** Waits until each spectator's board equals what the API says it should show; returns how many do. */
async function convergence(server: DevServer, spectators: Spectator[]): Promise<number> {
  const deadline = Date.now() + 15_000;
  let matching = 0;
  while (Date.now() < deadline) {
    const top = (await (await fetch(`${server.url}/v1/games/${GAME}/leaderboard?limit=15`)).json()) as {
      entries: { player: string; rank: number; score: number }[];
    };
    matching = 0;
    for (const s of spectators) {
      let want = top.entries.map(({ player, rank, score }) => ({ player, rank, score }));
      if (s.follows !== undefined) {
        const res = await fetch(`${server.url}/v1/games/${GAME}/players/${s.follows}?around=2`);
        const standing = (await res.json()) as { around?: { player: string; rank: number; score: number }[] };
        const seen = new Set(want.map((e) => e.player));
        for (const { player, rank, score } of standing.around ?? [])
          if (!seen.has(player)) want.push({ player, rank, score });
        want = want.sort((a, b) => a.rank - b.rank);
      }
      if (JSON.stringify(s.entries()) === JSON.stringify(want)) matching++;
    }
    if (matching === spectators.length) return matching;
    await new Promise((r) => setTimeout(r, 500));
  }
  return matching;
}

/** A spectator that keeps its board with the reference reducer and reconnects when dropped or out of step. */
class Spectator {
  private socket: WebSocket | undefined;
  private board: LiveState | undefined;
  private closed = false;
  private opened: Promise<void> | undefined;
  reconnects = 0;

  constructor(
    private readonly server: DevServer,
    readonly follows: string | undefined,
  ) {
    this.open();
  }

  connected(): Promise<void> {
    return this.opened ?? Promise.resolve();
  }

  entries(): { player: string; rank: number; score: number }[] {
    if (this.board === undefined) return [];
    return rankedEntries(this.board).map(({ player, rank, score }) => ({ player, rank, score }));
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private open(): void {
    const query = this.follows === undefined ? "?limit=15" : `?limit=15&player=${this.follows}&around=2`;
    const socket = new WebSocket(`${this.server.url.replace("http", "ws")}/v1/games/${GAME}/live${query}`);
    this.socket = socket;
    this.opened = new Promise((resolve) => socket.addEventListener("open", () => resolve(), { once: true }));
    socket.addEventListener("message", (event) => {
      const next = applyLiveMessage(this.board, JSON.parse(String(event.data)) as LiveMessage);
      if (next === undefined) socket.close(4000, "resync");
      else this.board = next;
    });
    socket.addEventListener("close", () => {
      this.board = undefined;
      if (this.closed) return;
      this.reconnects++;
      setTimeout(() => this.open(), 300 + Math.random() * 700);
    });
    socket.addEventListener("error", () => socket.close());
  }
}
