import type { GameConfig } from "../../protocol/config";
import { h } from "./dom";

const AT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A duration in words, to the second under an hour: "2d 3h", "4h 5m", "6m 07s". */
export function countdownText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const [d, hr, m, sec] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60];
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  return `${m}m ${String(sec).padStart(2, "0")}s`;
}

/** The opening hours at `now`, in words, or undefined when the game is always open. */
export function openingText(open: GameConfig["open"], now: number): string | undefined {
  if (open === null) return undefined;
  const at = (ms: number) => `${AT.format(ms)} UTC`;
  if (open.from !== undefined && now < open.from)
    return `Opens in ${countdownText(open.from - now)} (${at(open.from)})`;
  if (open.to !== undefined && now >= open.to) return `Closed since ${at(open.to)}`;
  if (open.to !== undefined) return `Open · closes in ${countdownText(open.to - now)} (${at(open.to)})`;
  return "Open";
}

/**
 * The game's opening hours with a countdown to the next opening or close,
 * ticking each second while one is ahead (no timer otherwise).
 */
export class OpeningHours {
  readonly element = h("p", { class: "opening-hours", id: "opening-hours", role: "timer", hidden: true });
  private timer: ReturnType<typeof setInterval> | undefined;

  show(open: GameConfig["open"]): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const tick = () => {
      const text = openingText(open, Date.now());
      this.element.hidden = text === undefined;
      this.element.textContent = text ?? "";
      const ahead = [open?.from, open?.to].some((t) => t !== undefined && t > Date.now());
      if (!ahead && this.timer !== undefined) clearInterval(this.timer);
    };
    tick();
    if ([open?.from, open?.to].some((t) => t !== undefined && t > Date.now())) this.timer = setInterval(tick, 1000);
  }
}
