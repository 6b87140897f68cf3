// The Workers Rate Limiting binding (and wrangler's emulation of it) counts in
// fixed windows of its period, starting on multiples of the period since the
// epoch. A test that fills a budget must do it inside one window, or its
// requests split over two and neither reaches the limit.

/** Waits, if need be, until the current window of `periodSeconds` has `needMs` left. */
export async function roomInWindow(periodSeconds: number, needMs: number): Promise<void> {
  const period = periodSeconds * 1000;
  const left = period - (Date.now() % period);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
