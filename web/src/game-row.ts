import type { GameSummary } from "../../protocol/boards";
import type { GameKind } from "../../protocol/game-kind";
import { formatScore, h, timeAgo } from "./dom";
import { flag } from "./flags";

/** The home page's column headers, in the order gameRow gives its cells; numbers align right. */
export const GAME_COLUMNS = [
  { head: "Game" },
  { head: "Kind" },
  { head: "Leader" },
  { head: "Players", class: "num" },
  { head: "Season", class: "num" },
  { head: "Watching", class: "num" },
  { head: "Last update" },
];

const KIND_LABELS: Record<GameKind, string> = {
  score: "Score",
  points: "Points",
  wins: "Wins",
  elo: "ELO rating",
  openskill: "OpenSkill rating",
};

/** A cell for a value the directory does not have (a row from before these fields). */
const NONE = "–";

/** One game's row of the home page's table. */
export function gameRow(game: GameSummary): HTMLTableRowElement {
  const { leader } = game;
  return h(
    "tr",
    { "data-game": game.game },
    h("th", { scope: "row", class: "game" }, h("a", { href: `/games/${encodeURIComponent(game.game)}` }, game.game)),
    h("td", { class: "kind" }, game.kind === undefined ? NONE : KIND_LABELS[game.kind]),
    h("td", { class: "leader" }, leader === undefined ? NONE : leaderCell(leader)),
    h("td", { class: "num" }, game.players.toLocaleString("en-US")),
    h("td", { class: "num season" }, game.season ?? NONE),
    h("td", { class: "num spectators" }, game.spectators.toLocaleString("en-US")),
    h("td", {}, h("time", { datetime: new Date(game.updatedAt).toISOString() }, timeAgo(game.updatedAt))),
  );
}

/** The leader's flag and name, and the score, kept on one line apart from the name. */
function leaderCell(leader: NonNullable<GameSummary["leader"]>): DocumentFragment {
  const cell = document.createDocumentFragment();
  if (leader.country !== undefined) cell.append(flag(leader.country));
  cell.append(
    h("span", { class: "leader-name" }, leader.name ?? leader.player),
    " ",
    h("span", { class: "leader-score" }, formatScore(leader.score)),
  );
  return cell;
}
