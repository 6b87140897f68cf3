import type { PlayerStanding } from "../../protocol/boards";
import { h } from "./dom";
import { metaText } from "./meta-columns";
import { topText } from "./number-format";

const COUNT = new Intl.NumberFormat("en-US");

/**
 * The player's place on the board in the panel: rank of total, the top
 * share, the attempts left (on a game that counts them) and its cohort and
 * rank in it (on a game with cohorts); then what the report that set the
 * score carried (its meta), one fact per key.
 */
export function standingView(standing: PlayerStanding): HTMLElement {
  const meta = Object.entries(standing.meta ?? {});
  return h(
    "div",
    { class: "player-standing" },
    h(
      "dl",
      { class: "standing" },
      fact("rank", "Rank", `#${COUNT.format(standing.rank)} of ${COUNT.format(standing.total)}`),
      fact("top", "Share", topText(standing.top)),
      standing.attemptsLeft === undefined
        ? null
        : fact(
            "attempts",
            "Attempts left",
            `${COUNT.format(standing.attemptsLeft)} (${COUNT.format(standing.attempts ?? 0)} used)`,
          ),
      standing.cohort === undefined || standing.cohortRank === undefined
        ? null
        : fact("cohort", "Cohort", `Cohort ${standing.cohort}, #${COUNT.format(standing.cohortRank)} in it`),
    ),
    meta.length === 0
      ? null
      : h(
          "dl",
          { class: "standing player-meta", "aria-label": "Meta" },
          ...meta.map(([key, value]) => h("div", {}, h("dt", {}, key), h("dd", {}, metaText(value)))),
        ),
  );
}

const fact = (field: string, term: string, value: string) =>
  h("div", {}, h("dt", {}, term), h("dd", { "data-field": field }, value));
