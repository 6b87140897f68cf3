import { applyLiveMessage, type LiveMessage, type LiveState, PING, PONG } from "../../protocol/live";

export type ConnectionState = "connecting" | "live" | "reconnecting";

const KEEPALIVE_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * A spectator's socket: applies snapshot and updates, reconnects with
 * exponential backoff (with jitter) when the socket drops, and resyncs with a
 * fresh snapshot when it sees a gap in `seq`.
 */
export class LiveConnection {
  private socket: WebSocket | undefined;
  private board: LiveState | undefined;
  private attempt = 0;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onBoard: (board: LiveState) => void,
    private readonly onState: (state: ConnectionState, detail?: string) => void,
  ) {}

  open(): void {
    this.closed = false;
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(String(event.data)));
    socket.addEventListener("close", () => this.dropped(socket));
    socket.addEventListener("error", () => socket.close());
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepalive);
    this.socket?.close(1000, "leaving");
  }

  private receive(text: string): void {
    if (text === PONG) return;
    const message = JSON.parse(text) as LiveMessage;
    const next = applyLiveMessage(this.board, message);
    if (next === undefined) {
      // A gap: what we hold no longer follows. Start over from a snapshot.
      this.board = undefined;
      this.socket?.close(4000, "resync");
      return;
    }
    if (message.type === "snapshot") {
      this.attempt = 0;
      this.onState("live");
      clearInterval(this.keepalive);
      this.keepalive = setInterval(() => this.socket?.send(PING), KEEPALIVE_MS);
    }
    this.board = next;
    this.onBoard(next);
  }

  private dropped(socket: WebSocket): void {
    if (socket !== this.socket || this.closed) return;
    clearInterval(this.keepalive);
    this.board = undefined;
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.onState("reconnecting", `retrying in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(() => this.open(), delay);
  }
}
