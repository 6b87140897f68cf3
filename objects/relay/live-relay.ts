import { DurableObject } from "cloudflare:workers";
import { errorResponse, tooManySockets } from "../../protocol/errors";
import { applyLiveMessage, type UpdateMessage } from "../../protocol/live";
import { DOOR_HEADER, RELAY_HEADER, SOCKETS_PER_ADDRESS } from "../../protocol/relays";
import { addressOf, HeldViews, LIVE_VIEWS_TABLE } from "../live/held-views";
import { boardOf, viewKey, viewSpecOf, viewState } from "../live/views";
import type { CarriedView, RelayedMessage } from "./messages";

/** A relay tells its game how many sockets it holds at most this often. */
const REPORT_EVERY_MS = 1000;
/** A view carried here whose spectator never arrived is let go after this long. */
const UNCLAIMED_MS = 30_000;

const RELAY_TABLE =
  "CREATE TABLE IF NOT EXISTS relay (id INTEGER PRIMARY KEY CHECK (id = 0), game TEXT NOT NULL, relay INTEGER NOT NULL, allowance INTEGER NOT NULL)";

interface Identity {
  game: string;
  relay: number;
  allowance: number;
}

/**
 * One relay of a game's spectators (README, "Audiences beyond one object"):
 * hibernatable sockets beyond the game's own, with its own copy of each view
 * it carries. The game carries a view's state here before placing the
 * view's first spectator, then sends each of the view's updates once; the
 * relay passes each on to its sockets and applies it to its copy, so a new
 * spectator of a view it carries gets its snapshot here, without the game.
 * A copy that cannot follow (a seq gap, or the game lost the view) is
 * dropped and its sockets closed with 1011: they reconnect for a fresh one.
 */
export class LiveRelay extends DurableObject<Env> {
  private readonly held: HeldViews;
  private identity: Identity | undefined;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;
  /** When views were carried here, until their first spectator arrives (not kept: after a wake-up they go at once). */
  private readonly unclaimed = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.createTables();
    this.held = new HeldViews(ctx);
    const row = ctx.storage.sql.exec<{ game: string; relay: number; allowance: number }>(
      "SELECT game, relay, allowance FROM relay",
    );
    this.identity = row.toArray()[0];
    // Sockets do not outlive a restart (a crash, a deploy), and no close event
    // tells of them: the count the game keeps for this relay may be stale.
    this.report();
  }

  /**
   * A spectator the Worker sent here: held if this relay carries its view and
   * has room, otherwise sent back to the game's door (307 with DOOR_HEADER).
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const game = decodeURIComponent(url.pathname.split("/")[3] ?? "");
    const identity = this.identity;
    const key = viewKey(viewSpecOf(url.searchParams));
    const view = this.held.get(key);
    const here = identity?.game === game && String(identity.relay) === request.headers.get(RELAY_HEADER);
    if (!here || view === undefined || this.held.connected >= identity.allowance) {
      return new Response(null, { status: 307, headers: { [DOOR_HEADER]: "1" } });
    }
    const address = addressOf(request);
    if (this.held.crowded(address)) return errorResponse(tooManySockets(SOCKETS_PER_ADDRESS));
    this.unclaimed.delete(key);
    const response = this.held.hold(view, address);
    this.report();
    return response;
  }

  /** The game carries a view's state here (before placing its first spectator): answers the sockets held now. */
  async carry(carried: CarriedView): Promise<number> {
    const { game, relay, allowance, spec, seq, total, entries } = carried;
    if (this.identity?.game !== game || this.identity.relay !== relay || this.identity.allowance !== allowance) {
      this.identity = { game, relay, allowance };
      this.ctx.storage.sql.exec(
        "INSERT OR REPLACE INTO relay (id, game, relay, allowance) VALUES (0, ?, ?, ?)",
        game,
        relay,
        allowance,
      );
    }
    const key = viewKey(spec);
    const state = viewState(spec, { seq, total, entries });
    const copy = this.held.get(key);
    if (copy !== undefined && copy.state.seq !== seq) this.held.lose(key, "the view went out of step; reconnect");
    if (copy === undefined || copy.state.seq !== seq) this.held.add(spec, state);
    if (this.held.get(key)?.sockets.size === 0) this.unclaimed.set(key, Date.now());
    return this.held.connected;
  }

  /** The sockets this relay holds now. */
  async sockets(): Promise<number> {
    return this.held.connected;
  }

  /** The game's `maxSpectators` changed: this relay's share of it (sockets already held stay). */
  async allow(allowance: number): Promise<void> {
    if (this.identity === undefined) return;
    this.identity.allowance = allowance;
    this.ctx.storage.sql.exec("UPDATE relay SET allowance = ?", allowance);
  }

  /** Each view's update from the game, passed on and applied to the copy. Answers the views not carried here. */
  async deliver(messages: RelayedMessage[]): Promise<string[]> {
    const dropped: string[] = [];
    const now = Date.now();
    for (const { view: key, message } of messages) {
      const view = this.held.get(key);
      const unclaimedSince = this.unclaimed.get(key);
      if (
        view !== undefined &&
        view.sockets.size === 0 &&
        !(unclaimedSince !== undefined && now - unclaimedSince < UNCLAIMED_MS)
      ) {
        this.unclaimed.delete(key);
        this.held.lose(key, "no spectator");
      }
      const copy = this.held.get(key);
      if (copy === undefined) {
        dropped.push(key);
        continue;
      }
      // The client's own reducer: it refuses an update that does not follow the copy's seq.
      const next =
        message === null
          ? undefined
          : applyLiveMessage({ board: boardOf(copy.spec), ...copy.state }, JSON.parse(message) as UpdateMessage);
      if (message === null || next === undefined) {
        this.held.lose(key, "the view went out of step; reconnect for a fresh snapshot");
        dropped.push(key);
        continue;
      }
      this.held.send(key, { seq: next.seq, total: next.total, entries: next.entries }, message);
    }
    return dropped;
  }

  /** The game is being deleted: every socket closes (1000) and the relay forgets everything. */
  async close(reason: string): Promise<void> {
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    this.held.closeAll(reason);
    this.unclaimed.clear();
    this.identity = undefined;
    await this.ctx.storage.deleteAll();
    this.createTables();
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    this.held.message(socket, message);
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    this.held.closed(socket, code, reason);
    this.report();
  }

  override webSocketError(socket: WebSocket): void {
    this.held.closed(socket);
    this.report();
  }

  /** Tells the game how many sockets this relay holds, at most once per REPORT_EVERY_MS. */
  private report(): void {
    if (this.reportTimer !== undefined || this.identity === undefined) return;
    const { game, relay } = this.identity;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      this.ctx.waitUntil(
        this.env.BOARD.getByName(game)
          .relayCounted(game, relay, this.held.connected)
          .catch((error: unknown) => console.error("a relay could not tell its count", error)),
      );
    }, REPORT_EVERY_MS);
  }

  private createTables(): void {
    this.ctx.storage.sql.exec(LIVE_VIEWS_TABLE);
    this.ctx.storage.sql.exec(RELAY_TABLE);
  }
}
