import { DurableObject } from "cloudflare:workers";

interface Env {
  NAIVE: DurableObjectNamespace<NaiveBoard>;
}

/** The baseline: no coalescing, no diffs, one full snapshot per socket per report request. */
export class NaiveBoard extends DurableObject<Env> {
  private scores = new Map<string, number>();
  private seq = 0;

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") === "websocket") {
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server);
      server.send(this.snapshot());
      return new Response(null, { status: 101, webSocket: client });
    }
    const { scores } = (await request.json()) as { scores: { player: string; score: number }[] };
    for (const { player, score } of scores) this.scores.set(player, score);
    const message = this.snapshot();
    for (const socket of this.ctx.getWebSockets()) socket.send(message);
    return Response.json({ accepted: scores.length, duplicates: 0 });
  }

  private snapshot(): string {
    const entries = [...this.scores]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 15)
      .map(([player, score], i) => ({ rank: i + 1, player, score }));
    return JSON.stringify({ type: "snapshot", seq: this.seq++, total: this.scores.size, entries });
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const game = new URL(request.url).pathname.split("/")[3] ?? "";
    if (game === "") return Response.json({ games: [] });
    return env.NAIVE.getByName(game).fetch(request);
  },
};
