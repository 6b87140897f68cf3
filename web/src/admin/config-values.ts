import type { Field } from "./config-model";

/**
 * Between a config's values and the form's inputs: what an input shows for a
 * value, and what it sends for what was typed. Bounds are the server's to
 * check (its 400 names the field); this only refuses what is not a value at
 * all, such as "12abc" in a number or broken JSON.
 */

/** A field's value as its input shows it: "" for absent or (outside a group's switch) null. */
export function inputText(field: Field, value: unknown): string {
  if (value === undefined || (value === null && field.kind !== "json")) return "";
  if (field.kind === "json") return JSON.stringify(value, null, 2);
  return String(value);
}

/** What was typed, read as the field's value: `absent` leaves the setting out of a group. */
export type Read = { value: unknown } | { absent: true } | { problem: string };

export function readInput(field: Field, text: string): Read {
  const typed = text.trim();
  if (typed === "") {
    if (field.optional) return { absent: true };
    if (field.nullable) return { value: null };
    if (field.kind !== "text") return { problem: "needs a value" };
  }
  switch (field.kind) {
    case "number": {
      const number = Number(typed);
      if (!Number.isFinite(number)) return { problem: `"${typed}" is not a number` };
      return { value: number };
    }
    case "json":
      try {
        return { value: JSON.parse(typed) as unknown };
      } catch {
        return { problem: "is not valid JSON" };
      }
    case "switch":
      return { value: typed === "true" };
    default:
      return { value: field.kind === "text" ? text : typed };
  }
}
