import type { GameSummary } from "../../../protocol/boards";
import { GAME_PATTERN, GAME_RULE } from "../../../protocol/patterns";
import { h, timeAgo } from "../dom";
import { gamePath } from "./api";
import { configForm } from "./config-form";
import { confirmAction } from "./confirm";
import { type Console, consoleLink, gameUrl } from "./context";

const PAGE = 1000;

/**
 * The games: every game by name, a page of 1000 at a time, with a search
 * over those loaded; create one (its name, then its first config) and
 * delete one (its name typed, and whether its D1 history goes too).
 */
export function renderGames(root: HTMLElement, app: Console): void {
  const search = h("input", { id: "games-search", type: "search", autocomplete: "off", spellcheck: "false" });
  const status = h("p", { class: "form-status", id: "games-status", role: "status" });
  const list = h("tbody");
  const table = h(
    "table",
    { class: "admin-games" },
    h("caption", {}, "Games by name"),
    h(
      "thead",
      {},
      h("tr", {}, ...["Game", "Players", "Last update", "Actions"].map((c) => h("th", { scope: "col" }, c))),
    ),
    list,
  );
  const more = h("button", { type: "button", class: "secondary", id: "games-more", hidden: true }, "Load more");
  const createName = h("input", { id: "create-name", type: "text", autocomplete: "off", spellcheck: "false" });
  const createForm = h(
    "form",
    { class: "create", id: "create-form" },
    h("label", { for: "create-name" }, "New game"),
    createName,
    h("button", { type: "submit" }, "Next: its config"),
  );
  const createArea = h("div", { id: "create-area" });
  root.replaceChildren(
    h("h1", {}, "Games"),
    h("form", { class: "search", role: "search" }, h("label", { for: "games-search" }, "Search"), search),
    status,
    h("div", { class: "table-wrap", role: "region", "aria-label": "Games", tabindex: "0" }, table),
    more,
    h("h2", {}, "Create a game"),
    createForm,
    createArea,
  );

  let games: GameSummary[] = [];
  let next: string | undefined;
  const show = () => {
    const filter = search.value.trim().toLowerCase();
    const shown = games.filter((g) => g.game.toLowerCase().includes(filter));
    list.replaceChildren(...shown.map(row));
    if (shown.length === 0) {
      const empty = games.length === 0 ? "No games yet." : `No game matches "${search.value}".`;
      list.replaceChildren(h("tr", {}, h("td", { colspan: "4", class: "empty" }, empty)));
    }
    more.hidden = next === undefined;
  };
  const row = (game: GameSummary) => {
    const remove = h(
      "button",
      { type: "button", class: "danger small", "data-delete": game.game, "aria-label": `Delete ${game.game}` },
      "Delete",
    );
    remove.addEventListener("click", () => void deleteGame(game.game));
    return h(
      "tr",
      { "data-game": game.game },
      h("th", { scope: "row" }, consoleLink(h("a", { href: gameUrl(game.game) }, game.game), app)),
      h("td", { class: "num" }, game.players.toLocaleString("en-US")),
      h("td", {}, game.updatedAt === null ? "–" : timeAgo(game.updatedAt)),
      h("td", {}, remove),
    );
  };
  const load = async (after?: string) => {
    const query = `/v1/games?order=name&limit=${PAGE}${after === undefined ? "" : `&after=${encodeURIComponent(after)}`}`;
    const answer = await app.call<{ games: GameSummary[]; next?: string }>("GET", query);
    if (!answer.ok) {
      status.textContent = `Could not load the games: ${answer.error.message}`;
      return;
    }
    games = after === undefined ? answer.value.games : [...games, ...answer.value.games];
    next = answer.value.next;
    show();
  };

  const deleteGame = async (game: string) => {
    const history = h("input", { type: "checkbox", id: "delete-history" });
    const extra = h(
      "label",
      { for: "delete-history", class: "switch" },
      history,
      " Also delete its history, seasons and archived reports in D1 (history=true)",
    );
    const confirmed = await confirmAction({
      title: `Delete ${game}?`,
      text: "Its board, its storage, its directory row and its spectators' sockets go now. A later report starts a fresh game.",
      action: `Delete ${game}`,
      typed: game,
      extra,
    });
    if (!confirmed) return;
    const answer = await app.call<undefined>("DELETE", gamePath(game, `?history=${history.checked}`));
    status.textContent = answer.ok
      ? `Deleted ${game}${history.checked ? " and its history" : ""}.`
      : `Could not delete ${game}: ${answer.error.message}`;
    await load();
  };

  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void startCreate(createName.value.trim());
  });
  const startCreate = async (game: string) => {
    createArea.replaceChildren();
    if (!GAME_PATTERN.test(game)) {
      createArea.append(h("p", { class: "field-error", role: "alert" }, `A ${GAME_RULE}.`));
      return;
    }
    const existing = await app.call("GET", gamePath(game));
    if (existing.ok || existing.status !== 404) {
      const why = existing.ok ? `${game} exists already.` : existing.error.message;
      createArea.append(
        h(
          "p",
          { class: "field-error", role: "alert" },
          why,
          " ",
          existing.ok ? consoleLink(h("a", { href: gameUrl(game) }, `Open ${game}`), app) : null,
        ),
      );
      return;
    }
    const schema = await app.configSchema();
    createArea.append(
      h("h3", {}, `First config of ${game}`),
      h(
        "p",
        { class: "hint" },
        "Every setting starts at its default; change what this game needs, review, then create it.",
      ),
      configForm({
        fields: schema.fields,
        current: schema.defaults,
        saveLabel: `Create ${game}`,
        creates: true,
        // Only the settings that differ from the defaults are sent: an empty body creates the game as it is.
        save: (patch) => app.call("PUT", gamePath(game), patch),
        saved: () => app.go(gameUrl(game)),
      }),
    );
  };

  search.addEventListener("input", show);
  more.addEventListener("click", () => void load(next));
  void load();
}
