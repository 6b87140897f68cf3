import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SOCKETS_PER_ADDRESS } from "../../protocol/relays";
import { ADMIN, call, errorOf, postScores, uniqueGame } from "../support/worker-client";

/** Opens a live socket as a client at `ip` (Cloudflare sets cf-connecting-ip; loopback clients have no cap). */
async function open(game: string, ip: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await exports.default.fetch(`http://podium.test/v1/games/${game}/live`, {
    headers: { upgrade: "websocket", "cf-connecting-ip": ip, ...headers },
  });
  res.webSocket?.accept();
  return res;
}

describe("live sockets per client address", () => {
  it("holds at most its share from one address (429 too_many_sockets); other addresses still get in", async () => {
    const game = uniqueGame("per-address");
    // Under LIVE_RELAY_AFTER: the game's object holds every socket itself, with no relay to send more to.
    expect((await call(`/v1/games/${game}`, { method: "PUT", key: ADMIN, json: { maxSpectators: 500 } })).status).toBe(
      200,
    );
    expect((await postScores(game, { player: "a", score: 1 })).status).toBe(200);
    const held: WebSocket[] = [];
    for (let i = 0; i < SOCKETS_PER_ADDRESS; i++) {
      const res = await open(game, "192.0.2.55");
      expect(res.status).toBe(101);
      held.push(res.webSocket as WebSocket);
    }
    const over = await open(game, "192.0.2.55");
    expect(over.status).toBe(429);
    expect((await errorOf(over)).code).toBe("too_many_sockets");
    // The address is the Worker's to tell: a client naming another in the internal header is still counted as itself.
    expect((await open(game, "192.0.2.55", { "podium-address": "192.0.2.99" })).status).toBe(429);
    const other = await open(game, "192.0.2.56");
    expect(other.status).toBe(101);
    held.push(other.webSocket as WebSocket);
    // A socket closed makes room for the next.
    held[0].close();
    let again: Response | undefined;
    for (let tries = 0; tries < 50; tries++) {
      again = await open(game, "192.0.2.55");
      if (again.status === 101) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(again?.status).toBe(101);
    held.push(again?.webSocket as WebSocket);
    for (const socket of held.slice(1)) socket.close();
  }, 30_000);
});
