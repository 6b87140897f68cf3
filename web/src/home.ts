import type { GameSummary } from "../../protocol/boards";
import { GAME_PATTERN } from "../../protocol/patterns";
import { getJson, h, timeAgo } from "./dom";

/** `/`: the games, with player counts and last update, and a box to jump to one. */
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
    h("caption", {}, "Games"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Game"),
        h("th", { scope: "col", class: "num" }, "Players"),
        h("th", { scope: "col" }, "Last update"),
      ),
    ),
    list,
  );
  root.replaceChildren(h("h1", {}, "Live leaderboards"), form, hint, table);

  let games: GameSummary[] = [];
  const show = () => {
    const filter = search.value.trim().toLowerCase();
    const shown = games.filter((g) => g.game.toLowerCase().includes(filter));
    list.replaceChildren(
      ...shown.map((g) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `/games/${encodeURIComponent(g.game)}` }, g.game)),
          h("td", { class: "num" }, g.players.toLocaleString("en-US")),
          h("td", {}, h("time", { datetime: new Date(g.updatedAt).toISOString() }, timeAgo(g.updatedAt))),
        ),
      ),
    );
    if (games.length === 0)
      list.replaceChildren(
        h("tr", {}, h("td", { colspan: "3", class: "empty" }, "No games yet: report a score to create one.")),
      );
    else if (shown.length === 0)
      list.replaceChildren(
        h("tr", {}, h("td", { colspan: "3", class: "empty" }, `No game matches "${search.value}".`)),
      );
  };
  search.addEventListener("input", show);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = search.value.trim();
    if (!GAME_PATTERN.test(name)) {
      hint.textContent = "A game name is 1-64 characters of letters, digits, _ . and -.";
      return;
    }
    location.assign(`/games/${encodeURIComponent(name)}`);
  });
  try {
    games = (await getJson<{ games: GameSummary[] }>("/v1/games")).games;
    show();
  } catch (error) {
    list.replaceChildren(
      h("tr", {}, h("td", { colspan: "3", class: "error" }, `Could not load the games: ${(error as Error).message}`)),
    );
  }
}
