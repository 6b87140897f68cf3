/**
 * How long to wait before attempt `failures + 1` of something that failed
 * `failures` times in a row: `firstMs` doubling per failure up to `maxMs`,
 * spread by ±25% so games that failed together (D1 is one database shared by
 * every game) do not retry in step.
 */
export function backoffMs(failures: number, firstMs: number, maxMs: number): number {
  // Past 2^16 the cap has long been reached; the bound keeps the power finite.
  const base = Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(failures - 1, 0), 16));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
