/**
 * What a save would change: the settings whose value differs, each with its
 * value before and after. A setting is sent whole (the server replaces an
 * object such as `bounds` whole), so the patch holds the changed top-level
 * settings only.
 */
export interface Change {
  key: string;
  before: unknown;
  after: unknown;
}

/** Equal as JSON values: key order within objects does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The settings of `after` that differ from `before`, in `after`'s order. */
export function configDiff(before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  return Object.keys(after)
    .filter((key) => !sameValue(before[key], after[key]))
    .map((key) => ({ key, before: before[key], after: after[key] }));
}

/** The PUT body for the changes. */
export function patchOf(changes: Change[]): Record<string, unknown> {
  return Object.fromEntries(changes.map((c) => [c.key, c.after]));
}

/** A value as the diff shows it: compact JSON, `–` for absent. */
export function shown(value: unknown): string {
  return value === undefined ? "–" : JSON.stringify(value);
}
