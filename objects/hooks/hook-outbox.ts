import type { LeaderboardEntry } from "../../protocol/boards";
import type { LeaderChanged, TopChanged } from "../../protocol/hooks";
import { type Delivery, WEBHOOK_RETRY_FOR_MS } from "../seasons/webhook";
import type { MetaTable } from "../storage/meta";

type BoardEvent = "leader.changed" | "top.changed";

/** A post waiting its turn: a season's close (its delivery kept with the season) or a board event. */
export type OutboxRow =
  | { seq: number; type: "season.closed"; season: number }
  | { seq: number; type: BoardEvent; season: number; body: string; delivery: Delivery };

/** The board as the newest event of each kind (pending or posted) told it, and when it is next checked. */
interface HookState {
  checkAt: number | null;
  leader: { season: number; entry: LeaderboardEntry } | null;
  top: { season: number; key: string } | null;
}

const NONE: HookState = { checkAt: null, leader: null, top: null };

type Row = { seq: number; type: string; season: number; body: string | null; delivery: string | null };

/**
 * The webhook's posts in the object's SQLite (`hook_outbox`), oldest first:
 * posted one at a time in `seq` order, so a later event never overtakes an
 * earlier one. A board event not yet delivered is replaced by a newer one of
 * its kind (a receiver that was down gets the newest state, not a backlog),
 * unless a season.closed lies after it: a close is never dropped, and what
 * followed it stays after it. The state the events were built from is kept
 * with them (meta "hooks"), so a restart compares the board with what the
 * receiver was told.
 */
export class HookOutbox {
  private state: HookState;

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: MetaTable,
  ) {
    this.state = meta.read<HookState>("hooks") ?? NONE;
  }

  /** When the board is next compared with the events (null: no change since the last comparison). */
  get checkAt(): number | null {
    return this.state.checkAt;
  }

  setCheckAt(at: number | null): void {
    this.save({ ...this.state, checkAt: at });
  }

  /**
   * The board's leader now: a leader.changed when it is another player than
   * the newest event told. `previous` is the leader of the last leader.changed
   * that is not replaced (the one the receiver got, or has pending before a
   * close), null at a season's first; a replacement naming that same leader
   * again withdraws the pending event. Call inside a transaction.
   */
  offerLeader(game: string, season: number, leader: LeaderboardEntry | undefined, url: string, now: number): void {
    const told = this.state.leader;
    if (leader === undefined || (told?.season === season && told.entry.player === leader.player)) return;
    const pending = this.pending("leader.changed");
    const pendingBody = pending && (JSON.parse(pending.body) as LeaderChanged);
    const previous =
      pendingBody === undefined
        ? told?.season === season
          ? told.entry
          : null
        : pendingBody.season === season
          ? pendingBody.previous
          : null;
    this.save({ ...this.state, leader: { season, entry: leader } });
    if (pending !== undefined && previous?.player === leader.player) {
      this.remove(pending.seq);
      return;
    }
    const body: LeaderChanged = { type: "leader.changed", game, season, leader, previous };
    this.put("leader.changed", season, JSON.stringify(body), url, now, pending);
  }

  /** The board's top now: a top.changed when its players, ranks or scores differ from the newest event's. Call inside a transaction. */
  offerTop(game: string, season: number, entries: LeaderboardEntry[], url: string, now: number): void {
    const key = JSON.stringify(entries.map((e) => [e.rank, e.player, e.score]));
    const told = this.state.top;
    if (told?.season === season && told.key === key) return;
    this.save({ ...this.state, top: { season, key } });
    const body: TopChanged = { type: "top.changed", game, season, entries };
    this.put("top.changed", season, JSON.stringify(body), url, now, this.pending("top.changed"));
  }

  /** The oldest post, the one to send next. */
  head(): OutboxRow | undefined {
    const row = this.sql.exec<Row>("SELECT * FROM hook_outbox ORDER BY seq LIMIT 1").toArray()[0];
    return row === undefined ? undefined : rowOf(row);
  }

  /** Records a board event's attempt: delivered (or past its 24 h), it leaves the outbox. */
  attempted(seq: number, delivery: Delivery): void {
    if (delivery.delivered || delivery.nextAt > delivery.until) this.remove(seq);
    else this.sql.exec("UPDATE hook_outbox SET delivery = ? WHERE seq = ?", JSON.stringify(delivery), seq);
  }

  remove(seq: number): void {
    this.sql.exec("DELETE FROM hook_outbox WHERE seq = ?", seq);
  }

  /** Every post waiting, oldest first. */
  rows(): OutboxRow[] {
    return this.sql.exec<Row>("SELECT * FROM hook_outbox ORDER BY seq").toArray().map(rowOf);
  }

  /** The newest event of `type` not yet delivered that no season.closed follows. */
  private pending(type: BoardEvent): Extract<OutboxRow, { body: string }> | undefined {
    const row = this.sql
      .exec<Row>(
        `SELECT * FROM hook_outbox WHERE type = ? AND seq > (
           SELECT coalesce(max(seq), 0) FROM hook_outbox WHERE type = 'season.closed'
         ) ORDER BY seq DESC LIMIT 1`,
        type,
      )
      .toArray()[0];
    return row === undefined ? undefined : (rowOf(row) as Extract<OutboxRow, { body: string }>);
  }

  /**
   * Queues an event, or replaces the pending one in its place. A replacement
   * keeps its attempts and backoff (a receiver that is down is not asked more
   * often) and gets a day of retries of its own.
   */
  private put(type: BoardEvent, season: number, body: string, url: string, now: number, pending?: OutboxRow): void {
    const until = now + WEBHOOK_RETRY_FOR_MS;
    if (pending !== undefined && pending.type !== "season.closed") {
      const delivery: Delivery = { ...pending.delivery, url, until };
      this.sql.exec(
        "UPDATE hook_outbox SET season = ?, body = ?, delivery = ? WHERE seq = ?",
        season,
        body,
        JSON.stringify(delivery),
        pending.seq,
      );
      return;
    }
    const delivery: Delivery = { url, delivered: false, attempts: 0, nextAt: 0, until };
    this.sql.exec(
      "INSERT INTO hook_outbox (type, season, body, delivery) VALUES (?, ?, ?, ?)",
      type,
      season,
      body,
      JSON.stringify(delivery),
    );
  }

  private save(state: HookState): void {
    this.state = state;
    this.meta.write("hooks", state);
  }
}

function rowOf(row: Row): OutboxRow {
  if (row.type === "season.closed") return { seq: row.seq, type: "season.closed", season: row.season };
  return {
    seq: row.seq,
    type: row.type as BoardEvent,
    season: row.season,
    body: row.body as string,
    delivery: JSON.parse(row.delivery as string) as Delivery,
  };
}
