import { type FeedState, LiveFeed } from "../../client/live";
import { isBoardName, LIVE_LIMIT, type LiveBoardName, type LiveState } from "../../protocol/live";
import { NAME_PATTERN } from "../../protocol/patterns";
import { renderBoard } from "./board-table";
import { h } from "./dom";
import { countryName } from "./flags";
import { renderHistory } from "./history-panel";
import { type LiveRow, liveRows } from "./live-rows";
import { PlayerPanel } from "./player-panel";
import { SeasonPanel } from "./season-panel";
import { renderTeam } from "./team-panel";

const TABS: { board: LiveBoardName; label: string; caption: string }[] = [
  { board: "players", label: "Players", caption: "Top" },
  { board: "teams", label: "Teams", caption: "Teams by their members' total" },
  { board: "mvps", label: "MVPs", caption: "Each team's most valuable player, by share of the team's score" },
  { board: "trending", label: "Trending", caption: "Hot streakers: gains per second, last 10 s against last minute" },
  { board: "countries", label: "Countries", caption: "Countries by their players' total" },
];

const COUNTRY = /^[A-Z]{2}$/;

/**
 * `/games/{game}`: the live boards over the websocket (players, teams, MVPs,
 * trending, countries), the follow box and a country filter on the players
 * board, a team's members on demand, a player's stats (a row's click or the
 * followed player), and the history panel. The board, the followed player and
 * the country live in the URL.
 */
export function renderGame(root: HTMLElement, game: string): void {
  const params = new URLSearchParams(location.search);
  const requested = Number(params.get("limit") ?? LIVE_LIMIT.default);
  const limit =
    Number.isInteger(requested) && requested >= LIVE_LIMIT.min && requested <= LIVE_LIMIT.max
      ? requested
      : LIVE_LIMIT.default;
  const asked = params.get("board") ?? "players";
  let board: LiveBoardName = isBoardName(asked) ? asked : "players";
  let followed = params.get("player") ?? undefined;
  if (followed !== undefined && !NAME_PATTERN.test(followed)) followed = undefined;
  let country = params.get("country") ?? undefined;
  if (country !== undefined && !COUNTRY.test(country)) country = undefined;
  if (country !== undefined) followed = undefined;
  const askedSeason = Number(params.get("season"));
  let pastSeason = Number.isInteger(askedSeason) && askedSeason >= 1 ? askedSeason : undefined;

  const status = h("span", { class: "status connecting", role: "status", "aria-live": "polite" }, "connecting…");
  const total = h("span", { class: "total" });
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Boards" });
  const tabButtons = TABS.map(({ board: name, label }) => {
    const button = h("button", { type: "button", role: "tab", id: `tab-${name}`, "aria-controls": "board" }, label);
    button.addEventListener("click", () => choose({ board: name }));
    tabs.append(button);
    return button;
  });
  const followInput = h("input", { id: "follow", type: "search", placeholder: "player", autocomplete: "off" });
  const followForm = h(
    "form",
    { class: "follow" },
    h("label", { for: "follow" }, "Follow player"),
    followInput,
    h("button", { type: "submit" }, "Follow"),
    h("button", { type: "button", class: "secondary", id: "unfollow" }, "Clear"),
  );
  const countryInput = h("input", {
    id: "country",
    type: "search",
    placeholder: "TR",
    autocomplete: "off",
    maxlength: "2",
    size: "3",
  });
  const countryForm = h(
    "form",
    { class: "country" },
    h("label", { for: "country" }, "Country"),
    countryInput,
    h("button", { type: "submit" }, "Show"),
  );
  const caption = h("caption", {});
  const head = h("thead");
  const body = h("tbody");
  const table = h("table", { class: "board", id: "board", role: "tabpanel" }, caption, head, body);
  const teamPanel = h("section", { class: "team-panel", "aria-live": "polite", hidden: true });
  const playerPanel = new PlayerPanel(
    h("section", { class: "player-panel", "aria-labelledby": "player-title", hidden: true }),
    game,
  );
  const historySection = h("section", { class: "history", "aria-labelledby": "history-title" });
  const seasons = new SeasonPanel(game, (season) => choose({ season: season ?? null }));
  const controls = h("div", { class: "controls" }, followForm, countryForm);
  root.replaceChildren(
    h("div", { class: "game-head" }, h("h1", {}, game), status, total),
    seasons.element,
    tabs,
    controls,
    h("div", { class: "table-wrap" }, table),
    seasons.prizePanel,
    teamPanel,
    playerPanel.element,
    historySection,
  );
  document.title = `${game} · Podium`;

  let rows: LiveRow[] | undefined;
  let firstRender = true;
  const render = (state: LiveState) => {
    rows = liveRows(state, limit, board === "players" ? followed : undefined, rows);
    total.textContent = `${state.total.toLocaleString("en-US")} ${board === "players" || board === "trending" ? "players" : board}`;
    renderBoard(board, rows as never, head, body, emptyText());
    if (firstRender) {
      firstRender = false;
      performance.mark("podium:first-board");
    }
  };
  const emptyText = () =>
    board === "players"
      ? country === undefined
        ? "No players on the board yet."
        : `No players from ${country} on the board.`
      : board === "trending"
        ? "Nobody is trending right now."
        : `No ${board} on the board yet.`;
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

  /** A past season's final standings, in the same table (no socket: they no longer change). */
  const showArchive = async (season: number) => {
    const ticket = ++archiveTicket;
    status.className = "status archived";
    status.textContent = `season ${season}, final`;
    try {
      const standings = await seasons.standings(season, limit);
      if (ticket !== archiveTicket) return;
      const archived = standings.entries.map((e) => ({
        ...e,
        key: e.player,
        movement: "same",
        followed: false,
        detached: false,
      }));
      total.textContent = `${standings.total.toLocaleString("en-US")} players`;
      if (!standings.complete) status.textContent += " (still being archived)";
      renderBoard("players", archived as never, head, body, `Nobody played in season ${season}.`);
    } catch (error) {
      status.textContent = `season ${season}: ${(error as Error).message}`;
    }
  };
  let archiveTicket = 0;

  let feed: LiveFeed<LiveBoardName> | undefined;
  const connect = () => {
    feed?.close();
    rows = undefined;
    if (pastSeason !== undefined) {
      feed = undefined;
      void showArchive(pastSeason);
      return;
    }
    const options =
      board === "players"
        ? { board, limit, ...(followed ? { player: followed } : {}), ...(country ? { country } : {}) }
        : { board, limit };
    feed = new LiveFeed<LiveBoardName>(location.origin, game, { ...options, onBoard: render, onState: showState });
    // A first failure is shown by onState; the feed keeps retrying.
    feed.open().catch(() => undefined);
  };

  /** Moves to another board, player or country: URL, controls and socket follow. */
  const choose = (next: {
    board?: LiveBoardName;
    player?: string | null;
    country?: string | null;
    season?: number | null;
  }) => {
    if (next.season !== undefined) pastSeason = next.season ?? undefined;
    if (pastSeason !== undefined) board = "players";
    if (next.board !== undefined) board = next.board;
    if (next.player !== undefined) followed = next.player ?? undefined;
    if (next.country !== undefined) country = next.country ?? undefined;
    if (board !== "players") followed = country = undefined;
    const query = new URLSearchParams(location.search);
    for (const [name, value] of [
      ["board", board === "players" ? undefined : board],
      ["player", followed],
      ["country", country],
      ["season", pastSeason === undefined ? undefined : String(pastSeason)],
    ] as const) {
      if (value === undefined) query.delete(name);
      else query.set(name, value);
    }
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    syncControls();
    connect();
  };

  const syncControls = () => {
    for (const [i, button] of tabButtons.entries()) {
      const selected = TABS[i].board === board;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    followForm.hidden = countryForm.hidden = board !== "players";
    tabs.hidden = controls.hidden = pastSeason !== undefined;
    followInput.value = followed ?? "";
    countryInput.value = country ?? "";
    const tab = TABS.find((t) => t.board === board) as (typeof TABS)[number];
    caption.textContent =
      pastSeason !== undefined
        ? `Season ${pastSeason}: final standings, top ${limit}`
        : board === "players"
          ? `${tab.caption} ${limit}${followed ? ` and ${followed}` : ""}${country ? ` in ${countryName(country)}` : ""}`
          : tab.caption;
    teamPanel.hidden = true;
  };

  tabs.addEventListener("keydown", (event) => {
    const i = TABS.findIndex((t) => t.board === board);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(i + step + TABS.length) % TABS.length].board;
    choose({ board: next });
    document.getElementById(`tab-${next}`)?.focus();
  });
  followForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const player = followInput.value.trim();
    const valid = player !== "" && NAME_PATTERN.test(player);
    choose({ player: valid ? player : null, country: null });
    if (valid) void playerPanel.open(player);
  });
  followForm.querySelector("#unfollow")?.addEventListener("click", () => {
    choose({ player: null });
    playerPanel.close();
  });
  countryForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = countryInput.value.trim().toUpperCase();
    choose({ country: COUNTRY.test(code) ? code : null, player: null });
  });
  body.addEventListener("click", (event) => {
    const opener = (event.target as HTMLElement).closest(".team-open");
    if (board === "teams" && opener?.textContent) void renderTeam(teamPanel, game, opener.textContent);
  });
  for (const rows of [body, teamPanel]) {
    rows.addEventListener("click", (event) => {
      const player = (event.target as HTMLElement).closest<HTMLElement>("tr[data-player]")?.dataset.player;
      if (player) void playerPanel.open(player);
    });
  }

  syncControls();
  connect();
  // An unknown game has no seasons yet; the live status already says so.
  seasons.load(pastSeason).catch(() => {
    seasons.element.hidden = true;
  });
  if (followed) void playerPanel.open(followed);
  renderHistory(historySection, game);
}
