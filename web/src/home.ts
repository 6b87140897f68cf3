import type { GameSummary } from "../../protocol/boards";
import { GAME_PATTERN } from "../../protocol/patterns";
import { getJson, h } from "./dom";
import { GAME_COLUMNS, gameRow } from "./game-row";

const PAGE = 50;
const COLSPAN = String(GAME_COLUMNS.length);

/**
 * `/`: the games, most recently active first, a page at a time (thousands of
 * games stay usable), a filter over the page shown, and a box to jump to any
 * game. `?page=` keeps the page in the URL.
 */
export async function renderHome(root: HTMLElement): Promise<void> {
  const search = h("input", { id: "game-search", type: "search", placeholder: "game name", autocomplete: "off" });
  const hint = h("p", { class: "hint", role: "status" });
  const form = h(
    "form",
    { class: "search", role: "search" },
    h("label", { for: "game-search" }, "Go to game"),
    search,
    h("button", { type: "submit" }, "Open"),
  );
  const list = h("tbody");
  const table = h(
    "table",
    { class: "games" },
    h("caption", {}, "Games, most recently active first"),
    h(
      "thead",
      {},
      h("tr", {}, ...GAME_COLUMNS.map((column) => h("th", { scope: "col", class: column.class }, column.head))),
    ),
    list,
  );
  const previous = h("button", { type: "button", class: "secondary", id: "previous-page" }, "Newer");
  const next = h("button", { type: "button", class: "secondary", id: "next-page" }, "Older");
  const where = h("span", { class: "muted", id: "page-status" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages of games" }, previous, where, next);
  // On a narrow screen the table scrolls inside its region, not the page.
  const wrap = h("div", { class: "table-wrap", role: "region", "aria-label": "Games", tabindex: "0" }, table);
  root.replaceChildren(h("h1", {}, "Live leaderboards"), form, hint, wrap, pager);

  let page = Math.max(0, Number.parseInt(new URLSearchParams(location.search).get("page") ?? "0", 10) || 0);
  let games: GameSummary[] = [];
  const show = () => {
    const filter = search.value.trim().toLowerCase();
    const shown = games.filter((g) => g.game.toLowerCase().includes(filter));
    list.replaceChildren(...shown.map(gameRow));
    if (games.length === 0)
      list.replaceChildren(
        h("tr", {}, h("td", { colspan: COLSPAN, class: "empty" }, "No games yet: report a score to create one.")),
      );
    else if (shown.length === 0)
      list.replaceChildren(
        h("tr", {}, h("td", { colspan: COLSPAN, class: "empty" }, `No game on this page matches "${search.value}".`)),
      );
  };
  const load = async () => {
    try {
      const answer = await getJson<{ games: GameSummary[]; next?: string }>(
        `/v1/games?order=active&limit=${PAGE}&offset=${page * PAGE}`,
      );
      games = answer.games;
      previous.disabled = page === 0;
      next.disabled = answer.next === undefined;
      where.textContent = games.length === 0 ? "" : `games ${page * PAGE + 1}-${page * PAGE + games.length}`;
      show();
    } catch (error) {
      list.replaceChildren(
        h(
          "tr",
          {},
          h("td", { colspan: COLSPAN, class: "error" }, `Could not load the games: ${(error as Error).message}`),
        ),
      );
    }
  };
  const go = (to: number) => {
    page = to;
    const query = new URLSearchParams(location.search);
    if (page === 0) query.delete("page");
    else query.set("page", String(page));
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    void load();
  };
  previous.addEventListener("click", () => go(Math.max(0, page - 1)));
  next.addEventListener("click", () => go(page + 1));
  search.addEventListener("input", show);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = search.value.trim();
    if (!GAME_PATTERN.test(name)) {
      hint.textContent = "A game name is 1-64 characters of letters, digits, _ . and -, not only dots.";
      return;
    }
    location.assign(`/games/${encodeURIComponent(name)}`);
  });
  await load();
}
