import type { TeamDetail } from "../../protocol/boards";
import { getJson, h } from "./dom";
import { flag } from "./flags";

/** A team's members with their shares, below the teams board (opened by clicking a team). */
export async function renderTeam(
  panel: HTMLElement,
  game: string,
  team: string,
  text: (value: number) => string,
): Promise<void> {
  panel.hidden = false;
  panel.replaceChildren(h("p", { class: "muted" }, `Loading ${team}…`));
  try {
    const detail = await getJson<TeamDetail>(
      `/v1/games/${encodeURIComponent(game)}/teams/${encodeURIComponent(team)}?limit=50`,
    );
    const close = h("button", { type: "button", class: "secondary" }, "Close");
    close.addEventListener("click", () => {
      panel.hidden = true;
    });
    panel.replaceChildren(
      h(
        "div",
        { class: "panel-head" },
        h(
          "h2",
          { id: "team-title" },
          `${detail.team}: rank ${detail.rank}, ${text(detail.score)} from ${detail.members} members`,
        ),
        close,
      ),
      h(
        "table",
        { class: "board members", "aria-labelledby": "team-title" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", class: "rank" }, "Rank"),
            h("th", { scope: "col" }, "Player"),
            h("th", { scope: "col", class: "num" }, "Score"),
            h("th", { scope: "col", class: "num" }, "Share"),
          ),
        ),
        h(
          "tbody",
          {},
          ...detail.players.map((p) =>
            h(
              "tr",
              { "data-player": p.player },
              h("td", { class: "num rank" }, p.rank),
              h("th", { scope: "row", class: "player" }, p.country ? flag(p.country) : null, p.name ?? p.player),
              h("td", { class: "num" }, text(p.score)),
              h("td", { class: "num share" }, p.share === null ? "–" : `${(p.share * 100).toFixed(1)}%`),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    panel.replaceChildren(h("p", { class: "error" }, `Could not load ${team}: ${(error as Error).message}`));
  }
}
