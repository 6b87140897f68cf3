import type { GameInfo } from "../../protocol/boards";
import { parseCohort } from "./cohort-param";
import { h } from "./dom";

/**
 * The cohort picker of a game with cohorts: a labelled select of "All
 * players" and each cohort the open season has opened (the game info's
 * `cohorts`). `onChoose` gets the cohort, or undefined for all players.
 * Cohorts open as players arrive, so the count is read again whenever the
 * picker takes focus; it only grows then, so an open list never loses the
 * option under the pointer.
 */
export class CohortPicker {
  private readonly select = h("select", { id: "cohort" });
  readonly element = h(
    "form",
    { class: "cohort-picker", hidden: true },
    h("label", { for: "cohort" }, "Cohort"),
    this.select,
  );
  /** Cohorts offered, from the newest info read; undefined on a game without cohorts. */
  private opened: number | undefined;
  private chosen: number | undefined;
  private reading = false;

  constructor(
    private readonly game: string,
    private readonly onChoose: (cohort: number | undefined) => void,
  ) {
    this.select.addEventListener("change", () => onChoose(parseCohort(this.select.value)));
    this.select.addEventListener("focus", () => void this.refresh());
    this.element.addEventListener("submit", (event) => event.preventDefault());
  }

  /** Whether the game has cohorts, once its info is read. */
  get available(): boolean {
    return this.opened !== undefined;
  }

  /**
   * The game info's cohort count (undefined: the game has none). A chosen
   * cohort the season has not opened goes back to all players: its live
   * board would be refused.
   */
  count(opened: number | undefined): void {
    this.opened = opened;
    this.fill();
    if (this.chosen !== undefined && (opened ?? 0) < this.chosen) this.onChoose(undefined);
  }

  /** Selects the chosen cohort: only a choice (or the URL) writes it. */
  show(cohort: number | undefined): void {
    this.chosen = cohort;
    this.select.value = String(cohort ?? "");
  }

  private fill(): void {
    const options = [h("option", { value: "" }, "All players")];
    for (let n = 1; n <= (this.opened ?? 0); n++) options.push(h("option", { value: String(n) }, `Cohort ${n}`));
    this.select.replaceChildren(...options);
    this.select.value = String(this.chosen ?? "");
  }

  private async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const res = await fetch(`/v1/games/${encodeURIComponent(this.game)}`);
      if (!res.ok) return;
      const { cohorts } = (await res.json()) as GameInfo;
      for (let n = this.select.options.length; n <= (cohorts ?? 0); n++) {
        this.select.append(h("option", { value: String(n) }, `Cohort ${n}`));
      }
      this.opened = Math.max(this.opened ?? 0, cohorts ?? 0);
    } catch {
      // The server is away: the list keeps what it offered.
    } finally {
      this.reading = false;
    }
  }
}
