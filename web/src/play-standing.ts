import type { GameInfo, PlayerStanding } from "../../protocol/boards";
import type { GameConfig } from "../../protocol/config";
import { h } from "./dom";
import { formatNumber } from "./play-refusal";

/** A JSON read where 404 means "none yet" (a new game, a player with no score). */
async function readOrNone<T>(path: string): Promise<T | undefined> {
  const res = await fetch(path);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return (await res.json()) as T;
}

/** The scores the game accepts, in words. */
export function boundsText(bounds: GameConfig["bounds"] | undefined): string {
  const { min, max } = bounds ?? {};
  if (min !== undefined && max !== undefined) return `${formatNumber(min)} to ${formatNumber(max)}`;
  if (min !== undefined) return `at least ${formatNumber(min)}`;
  if (max !== undefined) return `at most ${formatNumber(max)}`;
  return "any";
}

function limitsText(bounds: GameConfig["bounds"]): string | undefined {
  const limits = [
    bounds.maxGainPerSecond === undefined
      ? undefined
      : `gain at most ${formatNumber(bounds.maxGainPerSecond)} a second`,
    bounds.maxReportsPerSecond === undefined
      ? undefined
      : `at most ${formatNumber(bounds.maxReportsPerSecond)} scores a second`,
  ].filter((limit) => limit !== undefined);
  return limits.length === 0 ? undefined : limits.join("; ");
}

/**
 * The player's score and rank and the game's bounds, shown as soon as the
 * player is known (before any submit) and refreshed after each accepted one.
 */
export class PlayStanding {
  readonly element = h("dl", { class: "play-standing", id: "play-standing", "aria-label": "Your standing" });
  /** The game's bounds once read: a refusal explains itself with them. */
  bounds: GameConfig["bounds"] | undefined;

  constructor(
    private readonly game: string,
    private readonly player: string,
  ) {}

  async refresh(): Promise<void> {
    const game = encodeURIComponent(this.game);
    const [info, standing] = await Promise.all([
      readOrNone<GameInfo>(`/v1/games/${game}`),
      readOrNone<PlayerStanding>(`/v1/games/${game}/players/${encodeURIComponent(this.player)}`),
    ]);
    this.bounds = info?.config.bounds;
    const rated = info !== undefined && info.config.rating !== "none";
    const limits = info === undefined ? undefined : limitsText(info.config.bounds);
    this.element.replaceChildren(
      ...field("score", "Your score", standing === undefined ? "no score yet" : formatNumber(standing.score)),
      ...field(
        "rank",
        "Your rank",
        standing === undefined ? "–" : `#${formatNumber(standing.rank)} of ${formatNumber(standing.total)}`,
      ),
      ...field("bounds", "Scores accepted", rated ? "none: this game ranks by match results" : boundsText(this.bounds)),
      ...(limits === undefined ? [] : field("limits", "Limits", limits)),
      ...attemptsField(info?.config.maxAttempts ?? null, standing),
    );
  }
}

/** Attempts left this season, on a game with maxAttempts (all of them before a first score). */
function attemptsField(maxAttempts: number | null, standing: PlayerStanding | undefined): HTMLElement[] {
  if (maxAttempts === null) return [];
  const left = standing?.attemptsLeft ?? maxAttempts;
  return field("attempts", "Attempts left", `${formatNumber(left)} of ${formatNumber(maxAttempts)}`);
}

function field(name: string, term: string, value: string): HTMLElement[] {
  return [h("dt", {}, term), h("dd", { "data-field": name }, value)];
}
