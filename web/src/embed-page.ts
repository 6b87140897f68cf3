import { type FeedState, LiveFeed } from "../../client/live";
import type { GameInfo } from "../../protocol/boards";
import type { AnyLiveEntry, LiveBoardName, LiveState } from "../../protocol/live";
import { type BoardView, renderBoard } from "./board-table";
import { h } from "./dom";
import { type EmbedParams, embedParams } from "./embed-params";
import { fixedDigits, VALUE_LABEL, valueKind } from "./game-features";
import { type LiveRow, liveRows, scoresOf } from "./live-rows";
import { ValueFormat } from "./number-format";
import { rowPositions, slideRows } from "./rank-motion";

const WHAT: Record<LiveBoardName, string> = {
  players: "players",
  teams: "teams",
  mvps: "MVPs",
  trending: "trending players",
  countries: "countries",
};

const EMPTY: Record<LiveBoardName, string> = {
  players: "No players on the board yet.",
  teams: "No teams on the board yet.",
  mvps: "No MVPs yet.",
  trending: "Nobody is trending right now.",
  countries: "No countries on the board yet.",
};

/** What a row is called in an announcement: its display name, player, team or country. */
function label(row: AnyLiveEntry): string {
  if ("name" in row && row.name !== undefined) return row.name;
  if ("player" in row) return row.player;
  return "team" in row ? row.team : row.country;
}

/**
 * `/embed/{game}`: one live board and nothing else, for stream overlays and
 * other sites' iframes (the one page they may frame). Rows slide to their new
 * ranks; a polite live region says who took the lead and where the
 * highlighted player went, not every row. An unknown game waits quietly for
 * its first score: the feed keeps retrying until the game exists.
 */
export function renderEmbed(root: HTMLElement, game: string): void {
  const params = embedParams(location.search);
  const { board, limit, player } = params;
  document.documentElement.classList.add(`theme-${params.theme}`);
  document.title = `${game}: live ${WHAT[board]} · Podium`;

  const head = h("thead");
  const body = h("tbody");
  const caption = h("caption", {}, captionText(game, params));
  const table = h("table", { class: "board", id: "board" }, caption, head, body);
  const status = h("p", { class: "embed-status", role: "status" });
  const announcer = h("p", { class: "visually-hidden", "aria-live": "polite" });
  // The caption names the board on screen; the heading names the page for assistive technology.
  const heading = h("h1", { class: "visually-hidden" }, `${game}: live ${WHAT[board]}`);
  root.replaceChildren(heading, table, status, announcer);
  // Values are named and written by the game's kind (a rating is not a score), once its config is read.
  let format = new ValueFormat();
  let values: BoardView = { label: VALUE_LABEL.score, text: (v) => format.text(v) };
  let kindAsked = false;
  const learnKind = async () => {
    kindAsked = true;
    const res = await fetch(`/v1/games/${encodeURIComponent(game)}`).catch(() => undefined);
    if (!res?.ok) {
      kindAsked = false;
      return;
    }
    const { config } = (await res.json()) as GameInfo;
    format = new ValueFormat(fixedDigits(config));
    values = { label: VALUE_LABEL[valueKind(config)], text: (v) => format.text(v), tiers: config.tiers != null };
    if (rows !== undefined) {
      format.see(scoresOf(rows));
      renderBoard(board, rows as never, head, body, EMPTY[board], values, false);
    }
  };
  renderBoard(board, [], head, body, "Connecting…", values, false);

  let rows: LiveRow[] | undefined;
  const render = (state: LiveState) => {
    if (!kindAsked) void learnKind();
    const before = rowPositions(body);
    const previous = rows;
    rows = liveRows(state, limit, player, rows);
    format.see(scoresOf(rows));
    renderBoard(board, rows as never, head, body, EMPTY[board], values, false);
    slideRows(body, before);
    const news = changes(previous, rows, player);
    if (news !== "") announcer.textContent = news;
  };

  const showState = (state: FeedState) => {
    status.dataset.state = state;
    if (state === "live") status.textContent = "";
    else if (rows !== undefined) status.textContent = "Reconnecting…";
    else if (state === "reconnecting") {
      // A socket for a game with no scores yet is refused: wait for its first one, quietly.
      void fetch(`/v1/games/${encodeURIComponent(game)}`).then((res) => {
        if (res.status === 404 && rows === undefined) {
          renderBoard(board, [], head, body, "Waiting for the first score…", values, false);
        }
      });
    }
  };

  const feed = new LiveFeed<LiveBoardName>(location.origin, game, {
    board,
    limit,
    ...(player === undefined ? {} : { player, around: 0 }),
    maxBackoffMs: 5000,
    onBoard: render,
    onState: showState,
  });
  // A first failure is shown by onState; the feed keeps retrying.
  feed.open().catch(() => undefined);
}

function captionText(game: string, { board, limit, player }: EmbedParams): string {
  const top = board === "mvps" || board === "trending" ? WHAT[board] : `top ${limit} ${WHAT[board]}`;
  return `${game}: ${top}${player === undefined ? "" : `, ${player} highlighted`}, live`;
}

/** What changed that is worth saying: a new leader, the highlighted player's new rank. */
function changes(previous: LiveRow[] | undefined, rows: LiveRow[], player: string | undefined): string {
  if (previous === undefined) return "";
  const news: string[] = [];
  const leader = rows[0];
  if (leader !== undefined && leader.key !== previous[0]?.key) news.push(`${label(leader)} takes the lead.`);
  const was = previous.find((r) => r.followed);
  const now = rows.find((r) => r.followed);
  if (player !== undefined && now !== undefined && now.rank !== was?.rank && now !== leader) {
    news.push(`${player} is now number ${now.rank}.`);
  }
  return news.join(" ");
}
