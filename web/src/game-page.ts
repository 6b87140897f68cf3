import { type FeedState, LiveFeed } from "../../client/live";
import type { GameInfo } from "../../protocol/boards";
import { isBoardName, LIVE_LIMIT, type LiveBoardName, type LiveState } from "../../protocol/live";
import { NAME_PATTERN } from "../../protocol/patterns";
import { type BoardView, renderBoard } from "./board-table";
import { BoardTabs } from "./board-tabs";
import { cohortCaption, parseCohort } from "./cohort-param";
import { CohortPicker } from "./cohort-picker";
import { h } from "./dom";
import { countryName } from "./flags";
import { FriendsBox } from "./friends-box";
import { parseFriends } from "./friends-list";
import { type GameData, type GameFeatures, gameFeatures, totalText, VALUE_LABEL } from "./game-features";
import { renderHistory } from "./history-panel";
import { leadChange } from "./lead-change";
import { type LiveRow, liveRows, scoresOf, subscoresOf } from "./live-rows";
import { ValueFormat } from "./number-format";
import { OpeningHours } from "./opening-hours";
import { PlayerPanel } from "./player-panel";
import { SeasonPanel } from "./season-panel";
import { renderTeam } from "./team-panel";

const CAPTIONS: Record<LiveBoardName, string> = {
  players: "Top",
  teams: "Teams by their members' total",
  mvps: "Each team's most valuable player, by share of the team's score",
  trending: "Hot streakers: gains per second, last 10 s against last minute",
  countries: "Countries by their players' total",
};

const COUNTRY = /^[A-Z]{2}$/;
const WAITING = "no such game yet: waiting for its first score";

/**
 * `/games/{game}`: the live boards the game uses over the websocket (players,
 * and teams, MVPs, trending and countries when it has them), the follow box
 * and a country filter on the players board, a friends board (named players
 * live, wherever they stand), a team's members on demand, a player's stats
 * (a row's click or the followed player), a cohort's board on a game with
 * cohorts, and the history panel. The board, the followed player, the
 * country, the friends and the cohort live in the URL. An
 * unknown game shows one waiting line until its first score arrives.
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
  const askedFriends = parseFriends(params.get("friends") ?? "").players;
  let friends = askedFriends.length > 0 ? askedFriends : undefined;
  if (friends !== undefined) {
    board = "players";
    followed = country = undefined;
  }
  const askedSeason = Number(params.get("season"));
  let pastSeason = Number.isInteger(askedSeason) && askedSeason >= 1 ? askedSeason : undefined;
  // A cohort's board replaces the top, as friends do; a past season shows its final standings instead.
  const live = friends === undefined && board === "players" && pastSeason === undefined;
  let cohort = live ? parseCohort(params.get("cohort")) : undefined;
  if (cohort !== undefined) followed = country = undefined;

  const status = h("span", { class: "status connecting", role: "status", "aria-live": "polite" }, "connecting…");
  const total = h("span", { class: "total" });
  const summary = h("p", { id: "board-summary", class: "visually-hidden", "aria-live": "polite" });
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
  const table = h("table", { class: "board", id: "board" }, caption, head, body);
  const panel = h("div", { class: "table-wrap", id: "board-panel" }, table);
  const tabs = new BoardTabs(panel, (name) => choose({ board: name }));
  const teamPanel = h("section", { class: "team-panel", "aria-live": "polite", hidden: true });
  const historySection = h("section", { class: "history", "aria-labelledby": "history-title", hidden: true });
  const seasons = new SeasonPanel(game, (season) => choose({ season: season ?? null }));
  const openingHours = new OpeningHours();
  // Shown once the seasons load says the game has any: no jump below it meanwhile.
  seasons.element.hidden = true;
  const friendsBox = new FriendsBox((players) => choose({ friends: players ?? null }));
  const picker = new CohortPicker(game, (n) => choose({ cohort: n ?? null }));
  const controls = h("div", { class: "controls" }, picker.element, followForm, countryForm, friendsBox.element);
  root.replaceChildren(
    h("div", { class: "game-head" }, h("h1", {}, game), status, total),
    summary,
    openingHours.element,
    seasons.element,
    tabs.element,
    controls,
    panel,
    seasons.prizePanel,
    teamPanel,
    h("section", { class: "player-panel", "aria-labelledby": "player-title", hidden: true }),
    historySection,
  );
  document.title = `${game} · Podium`;

  // What the game uses: known once its config is read; rows wait for it so a rating never shows as a score.
  let config: GameInfo["config"] | undefined;
  const data: GameData = { teams: 0, countries: 0 };
  let features: GameFeatures | undefined;
  let values = new ValueFormat();
  const boardValues = () => ({ label: VALUE_LABEL[features?.kind ?? "score"], text: (v: number) => values.text(v) });
  // Subscores keep their own digits: a tiebreak's fractions need not widen the scores.
  const subscores = new ValueFormat();
  const boardView = (): BoardView => ({
    ...boardValues(),
    ...(config?.tiebreak ? { subscore: (v: number) => subscores.text(v) } : {}),
    tiers: config?.tiers != null,
    meta: true,
  });
  const playerPanel = new PlayerPanel(root.querySelector(".player-panel") as HTMLElement, game, () => ({
    rated: features?.rated ?? false,
    values: boardValues(),
  }));

  let rows: LiveRow[] | undefined;
  let latest: LiveState | undefined;
  let firstRender = true;
  const render = (state: LiveState) => {
    latest = state;
    if (waiting) leaveWaiting();
    if (features === undefined) return;
    const previous = rows;
    // A friends board shows every friend on it: none is past a limit.
    rows = liveRows(state, friends?.length ?? limit, board === "players" ? followed : undefined, rows);
    if (friends !== undefined) friendsBox.missing(friends.filter((player) => !state.entries.has(player)));
    discover(rows);
    values.see(scoresOf(rows));
    subscores.see(subscoresOf(rows));
    total.textContent = totalText(board, state.total);
    renderBoard(board, rows as never, head, body, emptyText(), boardView());
    const change = leadChange(board, previous, rows);
    if (change !== undefined) summary.textContent = change;
    if (firstRender) {
      firstRender = false;
      performance.mark("podium:first-board");
      // Opened after the board so the rows above it are in place when it scrolls into view.
      if (followed) void playerPanel.open(followed);
    }
  };
  /** Teams or countries named on the live board show their tabs without a reload. */
  const discover = (shown: LiveRow[]) => {
    if (board !== "players") return;
    const teams = data.teams === 0 && shown.some((r) => "team" in r && r.team !== undefined);
    const countries = data.countries === 0 && shown.some((r) => "country" in r && r.country !== undefined);
    if (teams) data.teams = 1;
    if (countries) data.countries = 1;
    if (teams || countries) applyFeatures();
  };
  const emptyText = () =>
    friends !== undefined
      ? "None of these players is on the board yet."
      : board === "players"
        ? country === undefined
          ? `No players${cohort === undefined ? "" : ` of cohort ${cohort}`} on the board yet.`
          : `No players from ${country} on the board.`
        : board === "trending"
          ? "Nobody is trending right now."
          : `No ${board} on the board yet.`;

  let waiting = false;
  const enterWaiting = () => {
    waiting = true;
    status.className = "status waiting";
    status.textContent = WAITING;
    total.textContent = "";
    tabs.element.hidden = controls.hidden = panel.hidden = historySection.hidden = seasons.element.hidden = true;
  };
  const leaveWaiting = () => {
    waiting = false;
    panel.hidden = false;
    syncControls();
    void loadGame();
  };
  const showState = (state: FeedState) => {
    if (waiting) return;
    status.className = `status ${state}`;
    status.textContent = state === "live" ? "live" : state === "connecting" ? "connecting…" : "reconnecting…";
    // The game's config could not be read (the server was away): read it now that it answers.
    if (state === "live" && config === undefined) void loadGame();
    // Sockets of unknown games are refused (reads create nothing): wait calmly instead of just retrying.
    if (state === "reconnecting") {
      void fetch(`/v1/games/${encodeURIComponent(game)}`).then((res) => {
        if (res.status === 404 && status.classList.contains("reconnecting")) enterWaiting();
      });
    }
  };

  /** The game's config and what its boards hold; then its tabs, history and seasons (one load at a time). */
  let loading: Promise<void> | undefined;
  const loadGame = () => {
    loading ??= readGame().finally(() => {
      loading = undefined;
    });
    return loading;
  };
  const readGame = async () => {
    const base = `/v1/games/${encodeURIComponent(game)}`;
    const res = await fetch(base).catch(() => undefined);
    if (res?.status === 404) return enterWaiting();
    if (!res?.ok) return;
    const info = (await res.json()) as GameInfo;
    const count = async (path: string) => {
      const reply = await fetch(`${base}/${path}?limit=1`).catch(() => undefined);
      return reply?.ok ? ((await reply.json()) as { total: number }).total : 0;
    };
    const [teams, countries] = await Promise.all([count("teams"), count("countries")]);
    data.teams = Math.max(data.teams, teams);
    data.countries = Math.max(data.countries, countries);
    if (config === undefined) {
      config = info.config;
      values = new ValueFormat(gameFeatures(config, data).digits);
      historySection.hidden = false;
      renderHistory(historySection, game, boardValues());
    }
    openingHours.show(info.config.open);
    picker.count(info.cohorts);
    applyFeatures();
    seasons.load(pastSeason).catch(() => {
      seasons.element.hidden = true;
    });
  };
  const applyFeatures = () => {
    if (config === undefined) return;
    features = gameFeatures(config, data);
    tabs.show(features.boards);
    if (!tabs.has(board)) return choose({ board: "players" });
    syncControls();
    if (latest !== undefined) render(latest);
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
      values.see(archived.map((e) => e.score));
      subscores.see(subscoresOf(archived));
      total.textContent = totalText("players", standings.total);
      if (!standings.complete) status.textContent += " (still being archived)";
      renderBoard("players", archived as never, head, body, `Nobody played in season ${season}.`, boardView());
    } catch (error) {
      status.textContent = `season ${season}: ${(error as Error).message}`;
    }
  };
  let archiveTicket = 0;

  let feed: LiveFeed<LiveBoardName> | undefined;
  const connect = () => {
    feed?.close();
    rows = latest = undefined;
    if (pastSeason !== undefined) {
      feed = undefined;
      void showArchive(pastSeason);
      return;
    }
    const options =
      friends !== undefined
        ? { board, players: friends }
        : board === "players"
          ? { board, limit, ...(followed ? { player: followed } : {}), ...(country ? { country } : {}) }
          : { board, limit };
    const view = { ...options, ...(cohort === undefined ? {} : { cohort }) };
    feed = new LiveFeed<LiveBoardName>(location.origin, game, { ...view, onBoard: render, onState: showState });
    // A first failure is shown by onState; the feed keeps retrying.
    feed.open().catch(() => undefined);
  };

  /** Moves to another board, player or country: URL, controls and socket follow. */
  const choose = (next: {
    board?: LiveBoardName;
    player?: string | null;
    country?: string | null;
    season?: number | null;
    friends?: string[] | null;
    cohort?: number | null;
  }) => {
    if (next.season !== undefined) pastSeason = next.season ?? undefined;
    if (pastSeason !== undefined) board = "players";
    if (next.board !== undefined) board = next.board;
    if (next.player !== undefined) followed = next.player ?? undefined;
    if (next.country !== undefined) country = next.country ?? undefined;
    if (next.friends !== undefined) friends = next.friends ?? undefined;
    if (next.cohort !== undefined) cohort = next.cohort ?? undefined;
    // A cohort is a players board of its own: following, a country, friends, another board or season leave it.
    if (next.player || next.country || next.friends || board !== "players" || pastSeason !== undefined)
      cohort = undefined;
    if (cohort !== undefined) followed = country = friends = undefined;
    // Friends replace the top: following someone, a country or another board leaves them.
    if (next.player || next.country || board !== "players") friends = undefined;
    if (board !== "players") followed = country = undefined;
    if (friends !== undefined) followed = country = undefined;
    const query = new URLSearchParams(location.search);
    for (const [name, value] of [
      ["board", board === "players" ? undefined : board],
      ["player", followed],
      ["country", country],
      ["season", pastSeason === undefined ? undefined : String(pastSeason)],
      ["friends", friends?.join(",")],
      ["cohort", cohort === undefined ? undefined : String(cohort)],
    ] as const) {
      if (value === undefined) query.delete(name);
      else query.set(name, value);
    }
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    showChoice();
    syncControls();
    connect();
  };

  // The boxes show what was chosen; only a choice writes them, so a late load never wipes what is being typed.
  const showChoice = () => {
    followInput.value = followed ?? "";
    countryInput.value = country ?? "";
    friendsBox.show(friends);
    picker.show(cohort);
  };
  const syncControls = () => {
    tabs.select(board);
    if (pastSeason !== undefined) tabs.element.hidden = true;
    followForm.hidden = friendsBox.element.hidden = board !== "players";
    picker.element.hidden = board !== "players" || !picker.available;
    countryForm.hidden = board !== "players" || data.countries === 0;
    controls.hidden = pastSeason !== undefined;
    caption.textContent =
      pastSeason !== undefined
        ? `Season ${pastSeason}: final standings, top ${limit}`
        : friends !== undefined
          ? `Friends: ${friends.length === 1 ? "1 player" : `${friends.length} players`}, ranked on the whole board`
          : board === "players"
            ? `${CAPTIONS.players} ${limit}${followed ? ` and ${followed}` : ""}${country ? ` in ${countryName(country)}` : ""}`
            : CAPTIONS[board];
    if (cohort !== undefined) caption.textContent = cohortCaption(cohort, limit);
    teamPanel.hidden = true;
  };

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
    if (board === "teams" && opener?.textContent)
      void renderTeam(teamPanel, game, opener.textContent, boardValues().text);
  });
  for (const rows of [body, teamPanel]) {
    rows.addEventListener("click", (event) => {
      const player = (event.target as HTMLElement).closest<HTMLElement>("tr[data-player]")?.dataset.player;
      if (player) void playerPanel.open(player);
    });
  }

  showChoice();
  syncControls();
  connect();
  void loadGame();
}
