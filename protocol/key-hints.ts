import { z } from "@hono/zod-openapi";

/** Unknown keys an error names, and how much of each it repeats: a request may send a megabyte of key. */
const NAMED_KEYS = 10;
const NAMED_KEY_LENGTH = 64;

/** The known key one or two edits away from `key` (a typo), if exactly one is nearest. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  let tie = false;
  for (const candidate of known) {
    // Lengths further apart than two edits can bridge: no table to fill (a long key would cost its length times each candidate's).
    if (Math.abs(key.length - candidate.length) > bestDistance) continue;
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance, tie] = [candidate, d, false];
    else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/** Levenshtein distance with adjacent swaps (Damerau's optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

// Every strict object's unknown key names the key it was likely meant to be.
z.config({
  customError: (issue) => {
    if (issue.code !== "unrecognized_keys") return undefined;
    const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
    const known = shape ? Object.keys(shape) : [];
    const named = issue.keys.slice(0, NAMED_KEYS).map((key) => {
      const meant = nearestKey(key, known);
      const shown = key.length > NAMED_KEY_LENGTH ? `${key.slice(0, NAMED_KEY_LENGTH)}…` : key;
      return meant === undefined ? `"${shown}"` : `"${shown}" (did you mean "${meant}"?)`;
    });
    const more = issue.keys.length - named.length;
    if (more > 0) named.push(`and ${more} more`);
    return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${named.join(", ")}`;
  },
});
