import type { BoardEntries, LiveBoardName, LiveEntry } from "../../protocol/live";
import { h } from "./dom";
import { flag } from "./flags";
import type { LiveRow, Movement } from "./live-rows";
import { metaColumns } from "./meta-columns";
import { tierBadge } from "./tier-badge";

const ARROWS = { up: "▲", down: "▼", new: "●", same: "" } as const;
const MOVEMENT_TEXT = { up: "moved up", down: "moved down", new: "new", same: "" } as const;

type Row<B extends LiveBoardName> = LiveRow<BoardEntries[B]>;

export interface Column<B extends LiveBoardName> {
  head: string;
  class?: string;
  /** A row's cell: a header cell names the row; without `interactive`, no control (the embed is read-only). */
  cell(row: Row<B>, interactive: boolean): HTMLTableCellElement;
  /** Shown only when some row has something for it (e.g. a team column without teams is hidden). */
  shown?(rows: Row<B>[]): boolean;
}

/** How a board names and writes its values (scores, ratings, wins or points). */
export interface BoardValues {
  label: string;
  text(value: number): string;
}

/** A page's view of the players board beyond its values (the embed shows tiers only, to stay compact). */
export interface BoardView extends BoardValues {
  /** On a game with a tiebreak: how subscores read (a Subscore column). */
  subscore?: (value: number) => string;
  /** On a game with tiers: each entry's tier beside its name. */
  tiers?: boolean;
  /** Each meta key of the rows on screen as a column. */
  meta?: boolean;
}

const num = (value: number | string, cls = "num") => h("td", { class: cls }, value);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
// Rates keep two digits whatever their size, so the column aligns.
const RATE = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rate = (value: number) => RATE.format(value);

const rank = <B extends LiveBoardName>(): Column<B> => ({
  head: "Rank",
  class: "rank",
  cell: (row) => h("td", { class: "num rank" }, row.rank),
});

const move = <B extends LiveBoardName>(): Column<B> => ({
  head: "Change",
  class: "move",
  cell: (row) =>
    h(
      "td",
      { class: `move ${row.movement}` },
      ARROWS[row.movement as Movement],
      h("span", { class: "visually-hidden" }, MOVEMENT_TEXT[row.movement as Movement]),
    ),
});

/**
 * A player's name cell: flag, display name (or id), and the id beside a
 * display name. On boards whose rows open the player's panel the name is a
 * button, so the keyboard reaches it too.
 */
function playerCell(
  entry: { player: string; name?: string; country?: string; tier?: string },
  opens = false,
  tiers = false,
): HTMLTableCellElement {
  const name = entry.name ?? entry.player;
  return h(
    "th",
    { scope: "row", class: "player" },
    entry.country ? flag(entry.country) : null,
    opens ? h("button", { type: "button", class: "link player-open" }, name) : name,
    entry.name ? h("span", { class: "id" }, entry.player) : null,
    tiers ? tierBadge(entry.tier) : null,
  );
}
const openablePlayer = (entry: { player: string; name?: string; country?: string }, interactive: boolean) =>
  playerCell(entry, interactive);

const team = <B extends "players" | "trending">(): Column<B> => ({
  head: "Team",
  class: "team",
  cell: (row) => h("td", { class: "team" }, (row as { team?: string }).team ?? ""),
  shown: (rows) => rows.some((r) => (r as { team?: string }).team !== undefined),
});

/** Each board's columns, its values named and written as `values` says. */
const columnsOf = (values: BoardView): { [B in LiveBoardName]: Column<B>[] } => ({
  players: [
    rank(),
    move(),
    { head: "Player", cell: (row, interactive) => playerCell(row, interactive, values.tiers) },
    { head: values.label, class: "num", cell: (row) => num(values.text(row.score)) },
    {
      head: "Subscore",
      class: "num",
      cell: (row) => num(row.subscore === undefined ? "" : (values.subscore?.(row.subscore) ?? "")),
      shown: () => values.subscore !== undefined,
    },
    team(),
    {
      head: "Global",
      class: "num",
      cell: (row) => num((row as LiveEntry).globalRank ?? ""),
      shown: (rows) => rows.some((r) => r.globalRank !== undefined),
    },
  ],
  teams: [
    rank(),
    move(),
    {
      head: "Team",
      cell: (row, interactive) =>
        h(
          "th",
          { scope: "row", class: "player" },
          interactive ? h("button", { type: "button", class: "link team-open" }, row.team) : row.team,
        ),
    },
    { head: values.label, class: "num", cell: (row) => num(values.text(row.score)) },
    { head: "Members", class: "num", cell: (row) => num(row.members) },
  ],
  mvps: [
    rank(),
    { head: "Team", cell: (row) => h("td", { class: "team" }, row.team) },
    { head: "MVP", cell: playerCell },
    { head: "Share", class: "num", cell: (row) => num(percent(row.share)) },
    {
      head: values.label,
      class: "num",
      cell: (row) => num(`${values.text(row.score)} / ${values.text(row.teamScore)}`),
    },
  ],
  trending: [
    rank(),
    { head: "Player", cell: openablePlayer },
    { head: "Hotness", class: "num", cell: (row) => num(`${rate(row.hotness)}×`) },
    { head: "Short /s", class: "num", cell: (row) => num(rate(row.short)) },
    { head: "Long /s", class: "num", cell: (row) => num(rate(row.long)) },
    team(),
  ],
  countries: [
    rank(),
    move(),
    {
      head: "Country",
      cell: (row) => h("th", { scope: "row", class: "player" }, flag(row.country, false), row.country),
    },
    { head: values.label, class: "num", cell: (row) => num(values.text(row.score)) },
    { head: "Players", class: "num", cell: (row) => num(row.players) },
  ],
});

/** The table's head and body for `rows` of `board`: empty columns hidden, the top three marked. */
export function renderBoard<B extends LiveBoardName>(
  board: B,
  rows: Row<B>[],
  head: HTMLTableSectionElement,
  body: HTMLTableSectionElement,
  emptyText: string,
  values: BoardView,
  interactive = true,
): void {
  const columns = (columnsOf(values)[board] as Column<B>[]).filter((c) => c.shown === undefined || c.shown(rows));
  if (board === "players" && values.meta) columns.push(...metaColumns<B>(rows));
  head.replaceChildren(
    h(
      "tr",
      {},
      ...columns.map((c) =>
        h(
          "th",
          { scope: "col", class: c.class },
          c.class === "move" ? h("span", { class: "visually-hidden" }, c.head) : c.head,
        ),
      ),
    ),
  );
  if (rows.length === 0) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: String(columns.length), class: "empty" }, emptyText)));
    return;
  }
  body.replaceChildren(
    ...rows.flatMap((row) => {
      const classes = [
        row.followed ? "followed" : "",
        row.movement !== "same" ? `moved-${row.movement}` : "",
        row.rank <= 3 ? `podium podium-${row.rank}` : "",
      ];
      const tr = h(
        "tr",
        { "data-key": row.key, class: classes.join(" ").trim() || undefined },
        ...columns.map((c) => c.cell(row, interactive)),
      );
      if (board === "players" || board === "trending") tr.setAttribute("data-player", row.key);
      if (!row.detached) return [tr];
      return [
        h("tr", { class: "gap-row", "aria-hidden": "true" }, h("td", { colspan: String(columns.length) }, "⋯")),
        tr,
      ];
    }),
  );
}
