import type { GameInfo, SeasonLeaderboard } from "../../protocol/boards";
import type { AwardEntry, PrizeProjection, SeasonSummary } from "../../protocol/seasons";
import { formatScore, getJson, h } from "./dom";

const PRIZES_EVERY_MS = 3000;

/** "2d 04h", "3h 05m", "4m 09s" or "12s" until `ms`. */
export function countdown(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((ms - now) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${s}s`;
}

/**
 * The game's seasons: a picker for the open season (live) and past ones
 * (archived), a countdown to the next reset, and the prize pool with what a
 * close would pay now. Picking a past season hands its number to `onPick`
 * (undefined for the open season); the page shows that season's board.
 */
export class SeasonPanel {
  readonly element: HTMLElement;
  private readonly picker = h("select", { id: "season", "aria-label": "Season" });
  private readonly clock = h("span", { class: "countdown", role: "timer" });
  private readonly prizes = h("section", { class: "prizes", "aria-labelledby": "prizes-title", hidden: true });
  private open: number | undefined;
  private endsAt: number | null = null;
  private hasPrizes = false;

  constructor(
    private readonly game: string,
    private readonly onPick: (season: number | undefined) => void,
  ) {
    this.element = h("div", { class: "seasons" }, h("label", { for: "season" }, "Season"), this.picker, this.clock);
    this.picker.addEventListener("change", () => {
      const season = Number(this.picker.value);
      this.onPick(season === this.open ? undefined : season);
      void this.showPrizes();
    });
    setInterval(() => this.tick(), 1000);
    setInterval(() => {
      if (this.hasPrizes && document.visibilityState === "visible" && this.picked === undefined) void this.showPrizes();
    }, PRIZES_EVERY_MS);
  }

  get prizePanel(): HTMLElement {
    return this.prizes;
  }

  /** The past season picked, or undefined for the open one. */
  get picked(): number | undefined {
    const season = Number(this.picker.value);
    return this.picker.value === "" || season === this.open ? undefined : season;
  }

  /** Loads the seasons and the prizes; `select` picks a past season (from the URL). */
  async load(select?: number): Promise<void> {
    const base = `/v1/games/${encodeURIComponent(this.game)}`;
    const [info, list] = await Promise.all([
      getJson<GameInfo>(base),
      getJson<{ seasons: SeasonSummary[] }>(`${base}/seasons`),
    ]);
    this.open = info.season.number;
    this.endsAt = info.season.endsAt;
    this.hasPrizes = info.config.prizes !== null;
    const current = select ?? this.picked;
    this.picker.replaceChildren(
      ...list.seasons.map((s) =>
        h(
          "option",
          { value: String(s.season), selected: s.season === (current ?? this.open) },
          s.endedAt === null
            ? `Season ${s.season} (live)`
            : `Season ${s.season} · ended ${new Date(s.endedAt).toLocaleString()}`,
        ),
      ),
    );
    this.element.hidden = list.seasons.length < 2 && this.endsAt === null && !this.hasPrizes;
    this.tick();
    await this.showPrizes();
  }

  /** A past season's board, a page of its final standings. */
  async standings(season: number, limit: number): Promise<SeasonLeaderboard> {
    return getJson<SeasonLeaderboard>(
      `/v1/games/${encodeURIComponent(this.game)}/seasons/${season}/leaderboard?limit=${limit}`,
    );
  }

  private tick(): void {
    if (this.endsAt === null) {
      this.clock.textContent = "";
      return;
    }
    this.clock.textContent = `next reset in ${countdown(this.endsAt)}`;
    // Past the boundary the object closes the season: reload to show the new one.
    if (Date.now() > this.endsAt + 1500) {
      this.endsAt = null;
      void this.load().then(() => this.onPick(this.picked));
    }
  }

  /** The open season's pool and what a close would pay now; a past season's pool and what it paid. */
  private async showPrizes(): Promise<void> {
    const base = `/v1/games/${encodeURIComponent(this.game)}`;
    const past = this.picked;
    if (past !== undefined) {
      const [{ awards }, { seasons }] = await Promise.all([
        getJson<{ awards: AwardEntry[] }>(`${base}/seasons/${past}/awards`),
        getJson<{ seasons: SeasonSummary[] }>(`${base}/seasons`),
      ]);
      const pool = seasons.find((s) => s.season === past)?.pool ?? 0;
      this.prizes.hidden = awards.length === 0 && pool === 0;
      this.renderPrizes(`Season ${past} paid from `, pool, awards, "What it paid", "Nobody held a paid rank.");
      return;
    }
    this.prizes.hidden = !this.hasPrizes;
    if (!this.hasPrizes) return;
    const prizes = await getJson<PrizeProjection>(`${base}/prizes`);
    this.renderPrizes(
      "Prize pool ",
      prizes.pool,
      prizes.projected,
      "If the season closed now",
      "Nobody holds a paid rank yet.",
    );
  }

  private renderPrizes(title: string, pool: number, awards: AwardEntry[], caption: string, none: string): void {
    const rows = awards.map((a) =>
      h(
        "tr",
        {},
        h("td", { class: "num" }, a.rank),
        h("th", { scope: "row" }, a.player),
        h("td", { class: "num" }, formatScore(a.amount)),
      ),
    );
    this.prizes.replaceChildren(
      h("h2", { id: "prizes-title" }, title, h("span", { class: "pool" }, formatScore(pool))),
      rows.length === 0
        ? h("p", { class: "muted" }, none)
        : h(
            "table",
            { class: "board projected" },
            h("caption", {}, caption),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, "Rank"),
                h("th", { scope: "col" }, "Player"),
                h("th", { scope: "col" }, "Award"),
              ),
            ),
            h("tbody", {}, ...rows),
          ),
    );
  }
}
