import { exports } from "cloudflare:workers";
import {
  type AnyLiveEntry,
  applyLiveMessage,
  type LiveMessage,
  type LiveState,
  playersOf,
  rankedEntries,
} from "../../protocol/live";

/** A spectator socket that records every message and applies it like a client would. */
export class Spectator {
  readonly messages: LiveMessage[] = [];
  board: LiveState | undefined;
  gap = false;
  closed: { code: number; reason: string } | undefined;
  readonly texts: string[] = [];

  constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const text = event.data as string;
      if (!text.startsWith("{")) {
        this.texts.push(text);
        return;
      }
      const message = JSON.parse(text) as LiveMessage;
      this.messages.push(message);
      const next = applyLiveMessage(this.board, message);
      if (next === undefined) this.gap = true;
      else this.board = next;
    });
    socket.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
    });
  }

  get updates(): number {
    return this.messages.filter((m) => m.type === "update").length;
  }

  /** The board as the client sees it, in board order. */
  get ranked(): { rank: number; player: string; score: number }[] {
    const players = this.board === undefined ? undefined : playersOf(this.board);
    return players === undefined
      ? []
      : rankedEntries(players).map(({ rank, player, score }) => ({ rank, player, score }));
  }

  /** Entries of any board, in board order. */
  get entries(): AnyLiveEntry[] {
    return this.board === undefined ? [] : rankedEntries(this.board);
  }
}

export async function watch(game: string, query = ""): Promise<Spectator> {
  const res = await exports.default.fetch(`http://podium.test/v1/games/${game}/live${query}`, {
    headers: { upgrade: "websocket" },
  });
  if (res.status !== 101) throw new Error(`live answered ${res.status}: ${await res.text()}`);
  const socket = res.webSocket as WebSocket;
  socket.accept();
  const spectator = new Spectator(socket);
  await until(() => spectator.board !== undefined);
  return spectator;
}

export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
