import uPlot from "uplot";
import type { PlayerStanding } from "../../protocol/boards";
import type { PlayerHistory } from "../../protocol/history";
import type { PlayerStats } from "../../protocol/results";
import type { BoardValues } from "./board-table";
import { axes, chartWidth, PALETTE } from "./charts";
import { getJson, h, timeAgo } from "./dom";
import { standingView } from "./panel-standing";
import { tierBadge } from "./tier-badge";

/** What the panel needs to know of its game: whether results rate it, and how its values read. */
export type PanelView = () => { rated: boolean; values: BoardValues };

const HISTORY_SPAN_MS = 86_400_000;

/**
 * A player's panel: results and streaks, counters, the OpenSkill rating, and
 * rank over time from history (sampled only while the player is in the
 * sampled top); above them its standing (tier, top share, meta). Opened
 * by clicking a row or by `?player=`.
 */
export class PlayerPanel {
  private plot: uPlot | undefined;
  private ticket = 0;

  constructor(
    readonly element: HTMLElement,
    private readonly game: string,
    private readonly view: PanelView,
  ) {
    window.addEventListener("resize", () => {
      const figure = this.plot?.root.parentElement;
      if (this.plot && figure) this.plot.setSize({ width: chartWidth(figure), height: this.plot.height });
    });
  }

  close(): void {
    this.ticket++;
    this.plot?.destroy();
    this.plot = undefined;
    this.element.hidden = true;
  }

  async open(player: string): Promise<void> {
    const ticket = ++this.ticket;
    this.element.hidden = false;
    this.element.replaceChildren(h("p", { class: "muted" }, `Loading ${player}…`));
    const base = `/v1/games/${encodeURIComponent(this.game)}`;
    const now = Date.now();
    const [standing, stats, history] = await Promise.allSettled([
      getJson<PlayerStanding>(`${base}/players/${encodeURIComponent(player)}`),
      getJson<PlayerStats>(`${base}/players/${encodeURIComponent(player)}/stats`),
      getJson<PlayerHistory>(
        `${base}/history/players/${encodeURIComponent(player)}?from=${now - HISTORY_SPAN_MS}&to=${now}&limit=1000`,
      ),
    ]);
    if (ticket !== this.ticket) return;
    this.plot?.destroy();
    this.plot = undefined;
    const close = h("button", { type: "button", class: "secondary" }, "Close");
    close.addEventListener("click", () => this.close());
    const figure = h("figure", { class: "chart", id: "chart-player-rank" }, h("figcaption", {}, "Rank over time"));
    // A player off the board (no score yet, or out of the window) has stats but no standing.
    const place = standing.status === "fulfilled" ? standing.value : undefined;
    this.element.replaceChildren(
      h("div", { class: "panel-head" }, h("h2", { id: "player-title" }, player, tierBadge(place?.tier)), close),
      ...(place === undefined ? [] : [standingView(place)]),
      stats.status === "fulfilled"
        ? statsView(stats.value, this.view())
        : h("p", { class: "muted stats-missing" }, `No stats for ${player}: ${stats.reason.message}`),
      figure,
    );
    const points = history.status === "fulfilled" ? history.value.snapshots : [];
    if (points.length === 0) {
      figure.append(h("p", { class: "muted" }, "Not in a sampled top during the last day."));
      this.reveal();
      return;
    }
    const oldestFirst = [...points].reverse();
    this.plot = new uPlot(
      {
        width: chartWidth(figure),
        height: 200,
        scales: { x: { time: true }, y: { dir: -1, range: (_u, _min, max) => [1, Math.max(2, max)] } },
        // Whole ranks only: uPlot would otherwise tick 1.25, 1.5...
        axes: [axes()[0], { ...axes("rank")[1], incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10_000] }],
        series: [{}, { label: "rank", stroke: PALETTE[0], width: 2 }],
      },
      [oldestFirst.map((s) => s.ts / 1000), oldestFirst.map((s) => s.rank)],
      figure,
    );
    this.reveal();
  }

  /** Brings the whole panel into view (it opens below the board), gliding only when motion is welcome. */
  private reveal(): void {
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.element.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
  }
}

const COUNT = new Intl.NumberFormat("en-US");
const count = (n: number) => COUNT.format(n);

/** The facts the game uses: results on rated games or once a result came, score reports on unrated ones. */
function statsView(stats: PlayerStats, { rated, values }: ReturnType<PanelView>): HTMLElement {
  const facts: [string, string][] = [];
  if (rated || stats.played > 0) {
    facts.push(
      ["Played", count(stats.played)],
      ["Wins", count(stats.wins)],
      ["Losses", count(stats.losses)],
      ["Draws", count(stats.draws)],
      ["Streak", stats.streak > 0 ? `${stats.streak} won` : stats.streak < 0 ? `${-stats.streak} lost` : "–"],
      ["Best streak", count(stats.bestStreak)],
    );
  }
  if (!rated) facts.push(["Reports", count(stats.reports)]);
  facts.push(
    [`Best ${values.label.toLowerCase()}`, stats.best === null ? "–" : values.text(stats.best)],
    ["First seen", timeAgo(stats.firstSeen)],
    ["Last seen", timeAgo(stats.lastSeen)],
  );
  if (stats.rating) {
    facts.push(["Rating μ", stats.rating.mu.toFixed(2)], ["Rating σ", stats.rating.sigma.toFixed(2)]);
  }
  const counters = Object.entries(stats.counters).sort(([, a], [, b]) => b - a);
  return h(
    "div",
    { class: "player-stats" },
    h("dl", { class: "facts" }, ...facts.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value)))),
    counters.length === 0
      ? null
      : h(
          "table",
          { class: "board counters", "aria-label": "Counters" },
          h(
            "thead",
            {},
            h("tr", {}, h("th", { scope: "col" }, "Counter"), h("th", { scope: "col", class: "num" }, "Count")),
          ),
          h(
            "tbody",
            {},
            ...counters.map(([name, value]) =>
              h(
                "tr",
                { "data-counter": name },
                h("th", { scope: "row" }, name),
                h("td", { class: "num" }, count(value)),
              ),
            ),
          ),
        ),
  );
}
