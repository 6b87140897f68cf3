import type { LiveBoardName } from "../../protocol/live";
import type { Meta } from "../../protocol/reports";
import type { Column } from "./board-table";
import { h } from "./dom";

/** Meta keys shown as columns; the rest share one summary column, so a wide meta never widens the board past use. */
export const MAX_META_COLUMNS = 4;

/** A meta value as text: strings as they are, anything else as compact JSON (`[31.2,30.9]`, `{"wing":3}`). */
export function metaText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The meta keys of `entries`, in the order first seen: the first MAX_META_COLUMNS as columns, the rest summarized. */
export function metaKeys(entries: { meta?: Meta }[]): { columns: string[]; summarized: boolean } {
  const keys = new Set<string>();
  for (const entry of entries) for (const key of Object.keys(entry.meta ?? {})) keys.add(key);
  const all = [...keys];
  return { columns: all.slice(0, MAX_META_COLUMNS), summarized: all.length > MAX_META_COLUMNS };
}

/** What an entry's meta holds beyond the column keys, as `key: value` pairs. */
export function metaSummary(meta: Meta | undefined, columns: string[]): string {
  return Object.entries(meta ?? {})
    .filter(([key]) => !columns.includes(key))
    .map(([key, value]) => `${key}: ${metaText(value)}`)
    .join(", ");
}

const metaOf = (row: object) => (row as { meta?: Meta }).meta;

/** The meta columns for the rows on screen (players carry meta): none when no row has any. */
export function metaColumns<B extends LiveBoardName>(rows: object[]): Column<B>[] {
  const { columns, summarized } = metaKeys(rows.map((row) => ({ meta: metaOf(row) })));
  const cell = (text: string) => h("td", { class: "meta" }, text);
  const keyed: Column<B>[] = columns.map((key) => ({
    head: key,
    class: "meta",
    cell: (row) => {
      const value = metaOf(row)?.[key];
      return cell(value === undefined ? "" : metaText(value));
    },
  }));
  if (!summarized) return keyed;
  return [...keyed, { head: "More", class: "meta", cell: (row) => cell(metaSummary(metaOf(row), columns)) }];
}
