import { cpus } from "node:os";

/** One measured figure; `ratio` > 1 means Podium is better than the baseline. */
export interface BenchResult {
  suite: string;
  name: string;
  n: number;
  value: number;
  unit: string;
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Prints a progress line for a long step. */
  progress(message: string): void;
}

/** A result compared with a baseline; `lowerIsBetter` orients the ratio. */
export function compared(result: Omit<BenchResult, "ratio">, lowerIsBetter: boolean): BenchResult {
  if (result.baselineValue === undefined || result.baselineValue === 0 || result.value === 0) return result;
  const ratio = lowerIsBetter ? result.baselineValue / result.value : result.value / result.baselineValue;
  return { ...result, ratio: Math.round(ratio * 100) / 100 };
}

export function machine() {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? "unknown", cores: cpu.length, node: process.version, platform: process.platform };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

export function formatTable(results: BenchResult[]): string {
  const rows = results.map((r) => [
    r.suite,
    r.name,
    r.n.toLocaleString("en-US"),
    `${format(r.value)} ${r.unit}`,
    r.baseline === undefined ? "" : `${r.baseline}: ${format(r.baselineValue ?? Number.NaN)}`,
    r.ratio === undefined ? "" : `${r.ratio}x`,
  ]);
  const header = ["suite", "measure", "n", "podium", "baseline", "ratio"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(3);
}
