import type uPlot from "uplot";

/** Shared by the history and player charts. */
export const PALETTE = ["#2f80ed", "#eb5757", "#27ae60", "#f2994a", "#9b51e0", "#00a3a3"];

function theme() {
  const style = getComputedStyle(document.documentElement);
  return {
    fg: style.getPropertyValue("--fg").trim() || "#222",
    grid: style.getPropertyValue("--grid").trim() || "#ddd",
  };
}

export function chartWidth(figure: HTMLElement): number {
  return Math.max(280, Math.min(900, figure.clientWidth || 600));
}

export function axes(yLabel?: string): uPlot.Axis[] {
  const { fg, grid } = theme();
  return [
    { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
    { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: yLabel, size: 70 },
  ];
}

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

/**
 * Legend values only under the cursor: uPlot's default writes "--" while
 * nothing is hovered; an empty value lets the stylesheet hide the row's
 * placeholder (and the time row) instead.
 */
export const hoverOnly = {
  time: {
    label: "Time",
    value: (_u: uPlot, seconds: number | null, _s: number, i: number | null) =>
      i === null || seconds === null ? "" : TIME.format(seconds * 1000),
  } satisfies uPlot.Series,
  value:
    (text: (value: number) => string) =>
    (_u: uPlot, value: number | null, _s: number, i: number | null): string =>
      i === null || value === null ? "" : text(value),
};
