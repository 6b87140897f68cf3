import { type FeedState, LiveFeed } from "../../client/live";
import { LIVE_LIMIT, type LiveState } from "../../protocol/live";
import { NAME_PATTERN } from "../../protocol/patterns";
import { formatScore, h } from "./dom";
import { renderHistory } from "./history-panel";

import { type LiveRow, liveRows } from "./live-rows";

const ARROWS = { up: "▲", down: "▼", new: "●", same: "" } as const;
const MOVEMENT_TEXT = { up: "moved up", down: "moved down", new: "new", same: "" } as const;

/** `/games/{game}`: the live board over the websocket, the follow box, and the history panel. */
export function renderGame(root: HTMLElement, game: string): void {
  const params = new URLSearchParams(location.search);
  const requested = Number(params.get("limit") ?? LIVE_LIMIT.default);
  const limit =
    Number.isInteger(requested) && requested >= LIVE_LIMIT.min && requested <= LIVE_LIMIT.max
      ? requested
      : LIVE_LIMIT.default;
  let followed = params.get("player") ?? undefined;
  if (followed !== undefined && !NAME_PATTERN.test(followed)) followed = undefined;

  const status = h("span", { class: "status connecting", role: "status", "aria-live": "polite" }, "connecting…");
  const total = h("span", { class: "total" });
  const followInput = h("input", {
    id: "follow",
    type: "search",
    placeholder: "player",
    value: followed ?? "",
    autocomplete: "off",
  });
  const followForm = h(
    "form",
    { class: "follow" },
    h("label", { for: "follow" }, "Follow player"),
    followInput,
    h("button", { type: "submit" }, "Follow"),
    h("button", { type: "button", class: "secondary", id: "unfollow" }, "Clear"),
  );
  const body = h("tbody");
  const table = h(
    "table",
    { class: "board", id: "board" },
    h("caption", {}, `Top ${limit}`, followed ? ` and ${followed}` : ""),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "num" }, "Rank"),
        h("th", { scope: "col", class: "move" }, h("span", { class: "visually-hidden" }, "Change")),
        h("th", { scope: "col" }, "Player"),
        h("th", { scope: "col", class: "num" }, "Score"),
        h("th", { scope: "col" }, "Team"),
      ),
    ),
    body,
  );
  const historySection = h("section", { class: "history", "aria-labelledby": "history-title" });
  root.replaceChildren(
    h("div", { class: "game-head" }, h("h1", {}, game), status, total),
    followForm,
    h("div", { class: "table-wrap" }, table),
    historySection,
  );
  document.title = `${game} · Podium`;

  let rows: LiveRow[] | undefined;
  let firstRender = true;
  const render = (board: LiveState) => {
    rows = liveRows(board, limit, followed, rows);
    total.textContent = `${board.total.toLocaleString("en-US")} players`;
    body.replaceChildren(...rows.flatMap((row) => rowElements(row)));
    if (rows.length === 0)
      body.replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No players on the board yet.")));
    if (firstRender) {
      firstRender = false;
      performance.mark("podium:first-board");
    }
  };
  const showState = (state: FeedState, detail?: string) => {
    status.className = `status ${state}`;
    status.textContent =
      state === "live" ? "live" : state === "connecting" ? "connecting…" : `reconnecting… ${detail ?? ""}`;
    // Sockets of unknown games are refused (reads create nothing): say so instead of just retrying.
    if (state === "reconnecting") {
      void fetch(`/v1/games/${encodeURIComponent(game)}`).then((res) => {
        if (res.status === 404 && status.classList.contains("reconnecting")) {
          status.textContent = `no such game yet: waiting for its first score (${detail ?? ""})`;
        }
      });
    }
  };

  let feed: LiveFeed | undefined;
  const connect = () => {
    feed?.close();
    rows = undefined;
    feed = new LiveFeed(location.origin, game, { limit, player: followed, onBoard: render, onState: showState });
    // A first failure is shown by onState; the feed keeps retrying.
    feed.open().catch(() => undefined);
  };
  const setFollowed = (player: string | undefined) => {
    followed = player;
    const query = new URLSearchParams(location.search);
    if (player) query.set("player", player);
    else query.delete("player");
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    table.caption!.textContent = `Top ${limit}${player ? ` and ${player}` : ""}`;
    connect();
  };
  followForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const player = followInput.value.trim();
    if (player === "" || !NAME_PATTERN.test(player)) return setFollowed(undefined);
    setFollowed(player);
  });
  followForm.querySelector("#unfollow")?.addEventListener("click", () => {
    followInput.value = "";
    setFollowed(undefined);
  });
  connect();
  renderHistory(historySection, game);
}

function rowElements(row: LiveRow): HTMLElement[] {
  const tr = h(
    "tr",
    {
      "data-player": row.player,
      class:
        [row.followed ? "followed" : "", row.movement !== "same" ? `moved-${row.movement}` : ""].join(" ").trim() ||
        undefined,
    },
    h("td", { class: "num" }, row.rank),
    h(
      "td",
      { class: `move ${row.movement}` },
      ARROWS[row.movement],
      h("span", { class: "visually-hidden" }, MOVEMENT_TEXT[row.movement]),
    ),
    h("th", { scope: "row", class: "player" }, row.player),
    h("td", { class: "num" }, formatScore(row.score)),
    h("td", { class: "team" }, row.team ?? ""),
  );
  if (!row.detached) return [tr];
  return [h("tr", { class: "gap-row", "aria-hidden": "true" }, h("td", { colspan: "5" }, "⋯")), tr];
}
