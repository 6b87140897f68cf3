import type { SeasonLeaderboard } from "../../../protocol/boards";
import type { AwardEntry, SeasonSummary } from "../../../protocol/seasons";
import { formatScore, h } from "../dom";
import { gamePath } from "./api";
import { confirmAction } from "./confirm";
import type { Console } from "./context";

/** Standings shown of a closed season. */
const TOP = 10;

/** A table of rank, player and a number, the player's cell the row's header. */
function table(name: string, caption: string, heads: string[], rows: [string, string, string][]): HTMLElement {
  const body = rows.map(([rank, player, value]) =>
    h("tr", {}, h("td", { class: "num" }, rank), h("th", { scope: "row" }, player), h("td", { class: "num" }, value)),
  );
  return h(
    "table",
    { class: name },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...heads.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...body),
  );
}

const when = (ms: number | null) => (ms === null ? "open" : new Date(ms).toISOString().replace(".000Z", "Z"));

function webhookText(s: SeasonSummary): string {
  if (s.webhook === undefined) return "–";
  const tries = `${s.webhook.attempts} ${s.webhook.attempts === 1 ? "attempt" : "attempts"}`;
  return s.webhook.delivered ? `delivered (${tries})` : `not yet (${tries})`;
}

/** A game's seasons: close the open one now, each season's archive, awards and webhook deliveries. */
export function renderSeasons(root: HTMLElement, app: Console, game: string): void {
  const status = h("p", { class: "form-status", id: "seasons-status", role: "status" });
  const close = h("button", { type: "button", class: "danger", id: "season-close" }, "Close the season now");
  const list = h("tbody");
  const awards = h("section", { id: "season-awards", "aria-live": "polite" });
  const heads = ["Season", "Started", "Ended", "Players", "Leader", "Pool", "Archive", "Webhook", "Standings"];
  root.replaceChildren(
    h("h2", {}, "Seasons"),
    h(
      "p",
      { class: "hint" },
      "Closing archives the standings and pays the prizes as the schedule's boundary would; the board starts empty.",
    ),
    close,
    status,
    h(
      "div",
      { class: "table-wrap", role: "region", "aria-label": "Seasons", tabindex: "0" },
      h(
        "table",
        { class: "admin-seasons" },
        h("caption", {}, "Seasons, newest first"),
        h("thead", {}, h("tr", {}, ...heads.map((c) => h("th", { scope: "col" }, c)))),
        list,
      ),
    ),
    awards,
  );

  const row = (s: SeasonSummary) => {
    const show = h("button", { type: "button", class: "secondary small" }, `Season ${s.season}`);
    show.addEventListener("click", () => void showSeason(s.season));
    return h(
      "tr",
      { "data-season": String(s.season) },
      h("th", { scope: "row" }, String(s.season)),
      h("td", {}, when(s.startedAt)),
      h("td", {}, when(s.endedAt)),
      h("td", { class: "num" }, String(s.players)),
      h("td", {}, s.leader ?? "–"),
      h("td", { class: "num" }, formatScore(s.pool)),
      h("td", {}, s.endedAt === null ? "–" : s.complete ? "in D1" : "copying"),
      h("td", { class: "webhook" }, webhookText(s)),
      h("td", {}, s.endedAt === null ? "–" : show),
    );
  };
  const load = async () => {
    const answer = await app.call<{ seasons: SeasonSummary[] }>("GET", gamePath(game, "/seasons"));
    if (!answer.ok) {
      status.textContent = `Could not load the seasons: ${answer.error.message}`;
      return;
    }
    list.replaceChildren(...answer.value.seasons.map(row));
  };
  const showSeason = async (season: number) => {
    const [standings, paid] = await Promise.all([
      app.call<SeasonLeaderboard>("GET", gamePath(game, `/seasons/${season}/leaderboard?limit=${TOP}`)),
      app.call<{ awards: AwardEntry[] }>("GET", gamePath(game, `/seasons/${season}/awards`)),
    ]);
    if (!standings.ok || !paid.ok) {
      const error = standings.ok ? (paid.ok ? undefined : paid.error) : standings.error;
      awards.replaceChildren(h("p", { class: "field-error" }, error?.message ?? ""));
      return;
    }
    const { total, complete } = standings.value;
    awards.replaceChildren(
      h("h3", {}, `Season ${season}`),
      table(
        "admin-standings",
        `Final standings: the top ${Math.min(TOP, total)} of ${total}${complete ? "" : " (still on their way to D1)"}`,
        ["Rank", "Player", "Score"],
        standings.value.entries.map((e) => [String(e.rank), e.player, formatScore(e.score)]),
      ),
      paid.value.awards.length === 0
        ? h("p", { class: "muted" }, "No awards: the game had no prizes, or nobody held a paid rank.")
        : table(
            "admin-awards",
            "What its prizes paid",
            ["Rank", "Player", "Amount"],
            paid.value.awards.map((a) => [String(a.rank), a.player, formatScore(a.amount)]),
          ),
    );
  };
  close.addEventListener("click", () => {
    void (async () => {
      const confirmed = await confirmAction({
        title: `Close the season of ${game} now?`,
        text: "Its standings are archived, its prizes paid and its webhook sent; the next season starts with an empty board.",
        action: "Close the season",
      });
      if (!confirmed) return;
      const answer = await app.call<SeasonSummary>("POST", gamePath(game, "/seasons/close"));
      status.textContent = answer.ok
        ? `Closed season ${answer.value.season} (${answer.value.players} players).`
        : `Could not close the season: ${answer.error.message}`;
      await load();
    })();
  });
  void load();
}
