const REDUCED = "(prefers-reduced-motion: reduce)";
const SLIDE_MS = 600;

/** Where each keyed row of `body` stands now, by its `data-key`. */
export function rowPositions(body: HTMLTableSectionElement): Map<string, number> {
  const tops = new Map<string, number>();
  for (const row of body.querySelectorAll<HTMLTableRowElement>("tr[data-key]")) {
    tops.set(row.dataset.key as string, row.getBoundingClientRect().top);
  }
  return tops;
}

/**
 * Slides every row that changed place from where it stood (`before`, taken by
 * rowPositions ahead of the re-render) to where it stands now, so a climb
 * reads as a climb. Nothing moves for a viewer who prefers reduced motion:
 * the rows' highlight (CSS) is their cue.
 */
export function slideRows(body: HTMLTableSectionElement, before: Map<string, number>): void {
  if (before.size === 0 || matchMedia(REDUCED).matches) return;
  for (const row of body.querySelectorAll<HTMLTableRowElement>("tr[data-key]")) {
    const was = before.get(row.dataset.key as string);
    const offset = was === undefined ? 0 : was - row.getBoundingClientRect().top;
    if (Math.abs(offset) < 1) continue;
    row.animate([{ transform: `translateY(${offset}px)` }, { transform: "none" }], {
      duration: SLIDE_MS,
      easing: "ease-out",
    });
  }
}
