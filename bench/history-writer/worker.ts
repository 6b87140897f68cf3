import { HistoryWriter } from "../../objects/history/writer";

interface Env {
  DB: D1Database;
}

/**
 * POST /?game=g&from=0&count=1000&every=10000&top=15 writes `count` snapshots of
 * a synthetic board, `every` ms apart, one writeSnapshot call each.
 */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("history writer: POST to write");
    const query = new URL(request.url).searchParams;
    const game = query.get("game") ?? "bench";
    const from = Number(query.get("from") ?? 0);
    const count = Number(query.get("count") ?? 1);
    const every = Number(query.get("every") ?? 10_000);
    const top = Number(query.get("top") ?? 15);
    const start = Number(query.get("start") ?? 1_700_000_000_000);
    await env.DB.prepare("INSERT OR IGNORE INTO games (game, players, updated_at, created_at) VALUES (?, 1000, ?, ?)")
      .bind(game, start, start)
      .run();
    const writer = new HistoryWriter(env.DB);
    for (let i = from; i < from + count; i++) {
      // The lead changes hands every few minutes; scores climb.
      const leader = Math.floor(i / 30) % 7;
      const entries = Array.from({ length: top }, (_, position) => ({
        rank: position + 1,
        player: `player-${(leader + position) % 50}`,
        score: 100_000 + i * 10 - position * 37,
        ts: start + i * every,
      }));
      await writer.writeSnapshot({ game, ts: start + i * every, total: 1000, entries });
    }
    return Response.json({ written: count });
  },
};
