import type { GameInfo } from "../../../protocol/boards";
import { h } from "../dom";
import { gamePath } from "./api";
import { configForm } from "./config-form";
import { type Console, consoleLink, gameUrl } from "./context";
import { renderPlayers } from "./players-view";
import { renderSeasons } from "./seasons-view";

const TABS = [
  ["config", "Config"],
  ["players", "Players"],
  ["seasons", "Seasons and webhooks"],
] as const;

type Tab = (typeof TABS)[number][0];

const isTab = (value: string | null): value is Tab => TABS.some(([tab]) => tab === value);

/** One game: its config as a form, its players, its seasons; each a link of its own. */
export function renderGame(root: HTMLElement, app: Console, game: string, requested: string | null): void {
  const tab: Tab = isTab(requested) ? requested : "config";
  const panel = h("div", { id: "game-panel" });
  const nav = h(
    "nav",
    { class: "subnav", "aria-label": `${game} sections` },
    ...TABS.map(([id, label]) =>
      consoleLink(h("a", { href: gameUrl(game, id), "aria-current": id === tab ? "page" : undefined }, label), app),
    ),
  );
  root.replaceChildren(
    h("p", {}, consoleLink(h("a", { href: "/admin" }, "All games"), app)),
    h("h1", {}, game, " ", h("a", { href: `/games/${encodeURIComponent(game)}`, class: "small-link" }, "live board")),
    nav,
    panel,
  );
  if (tab === "players") renderPlayers(panel, app, game);
  else if (tab === "seasons") renderSeasons(panel, app, game);
  else void renderConfig(panel, app, game);
}

async function renderConfig(root: HTMLElement, app: Console, game: string): Promise<void> {
  root.replaceChildren(h("p", { class: "muted" }, "Loading the config…"));
  const [info, schema] = await Promise.all([app.call<GameInfo>("GET", gamePath(game)), app.configSchema()]);
  if (!info.ok) {
    root.replaceChildren(h("p", { class: "field-error" }, `Could not read ${game}: ${info.error.message}`));
    return;
  }
  const { players, season } = info.value;
  root.replaceChildren(
    h("h2", {}, "Config"),
    h(
      "p",
      { class: "hint" },
      `${players.toLocaleString("en-US")} players, season ${season.number}. ` +
        "Settings marked as changing only while the board is empty are refused (409) otherwise.",
    ),
    configForm({
      fields: schema.fields,
      current: info.value.config,
      saveLabel: "Save",
      save: (patch) => app.call("PUT", gamePath(game), patch),
      saved: () => {},
    }),
  );
}
