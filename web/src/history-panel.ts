import uPlot from "uplot";
import type { Leaderboard } from "../../protocol/boards";
import type { LeaderList, PlayerHistory, SnapshotList } from "../../protocol/history";
import type { BoardValues } from "./board-table";
import { axes, chartWidth, hoverOnly, PALETTE } from "./charts";
import { getJson, h } from "./dom";

const RANGES = [
  { id: "5m", label: "Last 5 min", ms: 5 * 60_000 },
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "1d", label: "Last day", ms: 86_400_000 },
] as const;
const TOP_PLAYERS = 5;
const MAX_PAGES = 10;
/** Display names come from this many of the board's top players; others show their id. */
const NAMED_TOP = 100;
/** The shortest bar drawn, as a share of the longest: a leader of 0 s still shows. */
const MIN_BAR = 0.03;

/**
 * The history panel: a range picker, the top players' values, who led for how
 * long, and the gap. Its charts show only once a range has snapshots.
 */
export function renderHistory(section: HTMLElement, game: string, values: BoardValues): void {
  const noun = values.label.toLowerCase();
  const status = h("p", { class: "history-status", role: "status", "aria-live": "polite" });
  const from = h("input", { type: "datetime-local", id: "history-from", "aria-label": "From" });
  const to = h("input", { type: "datetime-local", id: "history-to", "aria-label": "To" });
  const buttons = RANGES.map((r) =>
    h("button", { type: "button", "data-range": r.id, "aria-pressed": "false" }, r.label),
  );
  const custom = h("button", { type: "button", "data-range": "custom", "aria-pressed": "false" }, "Custom");
  const apply = h("button", { type: "button", class: "secondary" }, "Apply");
  const customFields = h("span", { class: "custom-range", hidden: true }, from, to, apply);
  const charts = {
    scores: h("figure", { class: "chart", id: "chart-scores" }, h("figcaption", {}, `Top players' ${noun} over time`)),
    leaders: h("figure", { class: "chart", id: "chart-leaders" }, h("figcaption", {}, "Time at rank 1 (seconds)")),
    gap: h("figure", { class: "chart", id: "chart-gap" }, h("figcaption", {}, "Gap between first and last sampled")),
  };
  section.classList.add("no-history");
  section.replaceChildren(
    h("h2", { id: "history-title" }, "History"),
    h("div", { class: "ranges", role: "group", "aria-label": "Time range" }, ...buttons, custom, customFields),
    status,
    h("div", { class: "charts" }, charts.scores, charts.leaders, charts.gap),
  );

  let plots: uPlot[] = [];
  let loading = 0;
  const load = async (start: number, end: number) => {
    const ticket = ++loading;
    status.textContent = "Loading history…";
    status.className = "history-status";
    try {
      const data = await fetchHistory(game, start, end);
      if (ticket !== loading) return;
      for (const plot of plots) plot.destroy();
      plots = [];
      if (data.gaps.length === 0) {
        status.textContent = `No snapshots between ${new Date(start).toLocaleString()} and ${new Date(end).toLocaleString()}. History is sampled every snapshotEvery seconds (10 by default) while the board changes.`;
        section.classList.add("no-history");
        return;
      }
      section.classList.remove("no-history");
      status.textContent = `${data.gaps.length} snapshots from ${new Date(data.gaps[0][0]).toLocaleString()} to ${new Date(data.gaps[data.gaps.length - 1][0]).toLocaleString()}`;
      plots = [
        scoresChart(charts.scores, data.players, data.names, values),
        leadersChart(charts.leaders, data.leaders, data.names),
        gapChart(charts.gap, data.gaps, values),
      ];
    } catch (error) {
      if (ticket !== loading) return;
      status.textContent = `Could not load history: ${(error as Error).message}`;
      status.className = "history-status error";
    }
  };
  const select = (id: string) => {
    for (const b of [...buttons, custom]) b.setAttribute("aria-pressed", String(b.dataset.range === id));
    customFields.hidden = id !== "custom";
    const range = RANGES.find((r) => r.id === id);
    if (range) void load(Date.now() - range.ms, Date.now());
  };
  for (const b of [...buttons, custom]) b.addEventListener("click", () => select(b.dataset.range ?? "1h"));
  apply.addEventListener("click", () => {
    const start = Date.parse(from.value);
    const end = to.value ? Date.parse(to.value) : Date.now();
    if (Number.isNaN(start) || start > end) {
      status.textContent = "Pick a start before the end.";
      return;
    }
    void load(start, end);
  });
  window.addEventListener("resize", () => {
    for (const plot of plots)
      plot.setSize({ width: chartWidth(plot.root.parentElement as HTMLElement), height: plot.height });
  });
  select("1h");
}

interface HistoryData {
  /** [ts, gap] oldest first. */
  gaps: [number, number][];
  leaders: LeaderList["leaders"];
  players: { player: string; points: [number, number][] }[];
  /** Display names by player id, for those that have one. */
  names: Map<string, string>;
}

async function fetchHistory(game: string, from: number, to: number): Promise<HistoryData> {
  const base = `/v1/games/${encodeURIComponent(game)}/history`;
  const gaps: [number, number][] = [];
  let upper = to;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await getJson<SnapshotList>(`${base}?from=${from}&to=${upper}&limit=1000&entries=false`);
    for (const s of list.snapshots) gaps.push([s.ts, s.gap.gap]);
    if (list.next === undefined) break;
    upper = list.next;
  }
  gaps.reverse();
  if (gaps.length === 0) return { gaps, leaders: [], players: [], names: new Map() };
  const [latest, leaders, board] = await Promise.all([
    getJson<SnapshotList>(`${base}?from=${from}&to=${to}&limit=1`),
    getJson<LeaderList>(`${base}/leaders?from=${from}&to=${to}`),
    getJson<Leaderboard>(`/v1/games/${encodeURIComponent(game)}/leaderboard?limit=${NAMED_TOP}`),
  ]);
  const names = new Map(board.entries.flatMap((e) => (e.name === undefined ? [] : [[e.player, e.name] as const])));
  const top = (latest.snapshots[0]?.entries ?? []).slice(0, TOP_PLAYERS).map((e) => e.player);
  const players = await Promise.all(
    top.map(async (player) => {
      const history = await getJson<PlayerHistory>(
        `${base}/players/${encodeURIComponent(player)}?from=${from}&to=${to}&limit=1000`,
      );
      return { player, points: history.snapshots.map((s) => [s.ts, s.score] as [number, number]).reverse() };
    }),
  );
  return { gaps, leaders: leaders.leaders, players, names };
}

function scoresChart(
  figure: HTMLElement,
  players: HistoryData["players"],
  names: HistoryData["names"],
  values: BoardValues,
): uPlot {
  const times = [...new Set(players.flatMap((p) => p.points.map(([ts]) => ts)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const series = players.map((p) => {
    const ys: (number | null)[] = new Array(times.length).fill(null);
    for (const [ts, score] of p.points) ys[index.get(ts) as number] = score;
    return ys;
  });
  return new uPlot(
    {
      width: chartWidth(figure),
      height: 240,
      scales: { x: { time: true } },
      axes: axes(values.label.toLowerCase()),
      series: [
        hoverOnly.time,
        ...players.map((p, i) => ({
          label: names.get(p.player) ?? p.player,
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          spanGaps: false,
          value: hoverOnly.value(values.text),
        })),
      ],
    },
    [times.map((t) => t / 1000), ...series],
    figure,
  );
}

function leadersChart(figure: HTMLElement, leaders: HistoryData["leaders"], known: HistoryData["names"]): uPlot {
  const shown = leaders.slice(0, 10);
  const names = shown.map((l) => known.get(l.player) ?? l.player);
  const seconds = shown.map((l) => l.seconds);
  // A bar as tall as its seconds, but never flat; the legend tells the real time.
  const floor = Math.max(1, ...seconds) * MIN_BAR;
  return new uPlot(
    {
      width: chartWidth(figure),
      height: 220,
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, shown.length - 0.5)] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        { ...axes()[0], values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (names[i] ?? "") : "")) },
        axes("seconds")[1],
      ],
      series: [
        { label: "player", value: (_u, i) => (i === null ? "" : (names[i] ?? "")) },
        {
          label: "seconds at rank 1",
          fill: `${PALETTE[0]}cc`,
          stroke: PALETTE[0],
          paths: uPlot.paths.bars?.({ size: [0.6, 80] }),
          value: (_u, _v, _s, i) => (i === null ? "" : String(seconds[i] ?? "")),
        },
      ],
      legend: { show: true },
    },
    [shown.map((_, i) => i), seconds.map((s) => Math.max(s, floor))],
    figure,
  );
}

function gapChart(figure: HTMLElement, gaps: HistoryData["gaps"], values: BoardValues): uPlot {
  return new uPlot(
    {
      width: chartWidth(figure),
      height: 200,
      scales: { x: { time: true } },
      axes: axes("gap"),
      series: [
        hoverOnly.time,
        {
          label: "first − last",
          stroke: PALETTE[1],
          width: 2,
          fill: `${PALETTE[1]}22`,
          value: hoverOnly.value(values.text),
        },
      ],
    },
    [gaps.map(([ts]) => ts / 1000), gaps.map(([, gap]) => gap)],
    figure,
  );
}
