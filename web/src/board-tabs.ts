import type { LiveBoardName } from "../../protocol/live";
import { h } from "./dom";

const LABELS: Record<LiveBoardName, string> = {
  players: "Players",
  teams: "Teams",
  mvps: "MVPs",
  trending: "Trending",
  countries: "Countries",
};

/**
 * The boards' tabs, after the WAI-ARIA tabs pattern: one tab stop, arrows,
 * Home and End move and select (automatic activation), and the panel is
 * labelled by the selected tab. With a single board there is nothing to
 * choose: no tabs, and the panel is a plain region.
 */
export class BoardTabs {
  readonly element = h("div", { class: "tabs", role: "tablist", "aria-label": "Boards", hidden: true });
  private boards: LiveBoardName[] = ["players"];
  private selected: LiveBoardName = "players";

  constructor(
    private readonly panel: HTMLElement,
    private readonly onChoose: (board: LiveBoardName) => void,
  ) {
    this.element.addEventListener("keydown", (event) => {
      const i = this.boards.indexOf(this.selected);
      const last = this.boards.length - 1;
      const next =
        event.key === "ArrowRight"
          ? (i + 1) % this.boards.length
          : event.key === "ArrowLeft"
            ? (i + last) % this.boards.length
            : event.key === "Home"
              ? 0
              : event.key === "End"
                ? last
                : undefined;
      if (next === undefined) return;
      event.preventDefault();
      const board = this.boards[next] as LiveBoardName;
      this.onChoose(board);
      document.getElementById(`tab-${board}`)?.focus();
    });
  }

  /** The boards the game uses, players first. */
  show(boards: LiveBoardName[]): void {
    if (boards.join() === this.boards.join() && this.element.childElementCount > 0) return;
    this.boards = boards;
    this.element.replaceChildren(
      ...boards.map((board) => {
        const tab = h(
          "button",
          { type: "button", role: "tab", id: `tab-${board}`, "aria-controls": this.panel.id },
          LABELS[board],
        );
        tab.addEventListener("click", () => this.onChoose(board));
        return tab;
      }),
    );
    this.select(this.selected);
  }

  has(board: LiveBoardName): boolean {
    return this.boards.includes(board);
  }

  select(board: LiveBoardName): void {
    this.selected = board;
    for (const tab of this.element.querySelectorAll<HTMLElement>("[role=tab]")) {
      const selected = tab.id === `tab-${board}`;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    const tabbed = this.boards.length > 1;
    this.element.hidden = !tabbed;
    if (tabbed) {
      this.panel.setAttribute("role", "tabpanel");
      this.panel.setAttribute("aria-labelledby", `tab-${board}`);
    } else {
      this.panel.removeAttribute("role");
      this.panel.removeAttribute("aria-labelledby");
    }
  }
}
