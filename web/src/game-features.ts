import type { GameConfig } from "../../protocol/config";
import { gameKind } from "../../protocol/game-kind";
import type { LiveBoardName } from "../../protocol/live";

/** What a board's value is: reported scores, a rating from results, wins, or summed points. */
export type ValueKind = "score" | "rating" | "wins" | "points";

export const VALUE_LABEL: Record<ValueKind, string> = {
  score: "Score",
  rating: "Rating",
  wins: "Wins",
  points: "Points",
};

/** What the game's data holds beyond its config: boards derived from reports exist only once named. */
export interface GameData {
  teams: number;
  countries: number;
}

export interface GameFeatures {
  /** The boards worth a tab, players first. */
  boards: LiveBoardName[];
  kind: ValueKind;
  /** Results set the score (wins, ELO, OpenSkill); score reports are refused. */
  rated: boolean;
  /** Fraction digits every value shows, or undefined to follow the values seen. */
  digits: number | undefined;
}

/** A board's value column, from the game's kind: ELO and OpenSkill both read as a rating. */
export function valueKind(config: Pick<GameConfig, "rating" | "aggregate">): ValueKind {
  const kind = gameKind(config);
  return kind === "elo" || kind === "openskill" ? "rating" : kind;
}

/**
 * The boards and value kind a game uses, from its config and what its boards
 * hold. Trending needs its windows configured, and on ELO and OpenSkill games
 * a rating's gains per second say little (the stats' streak says it better).
 */
export function gameFeatures(config: Pick<GameConfig, "rating" | "aggregate" | "trend">, data: GameData): GameFeatures {
  const kind = valueKind(config);
  const boards: LiveBoardName[] = ["players"];
  if (data.teams > 0) boards.push("teams", "mvps");
  if (config.trend !== null && kind !== "rating") boards.push("trending");
  if (data.countries > 0) boards.push("countries");
  return { boards, kind, rated: config.rating !== "none", digits: fixedDigits(config) };
}

/** Fraction digits a game's values always show, or undefined to follow the values seen. */
export function fixedDigits(config: Pick<GameConfig, "rating">): number | undefined {
  // ELO ratings read as whole numbers; OpenSkill's mu - 3 sigma lives in tens, so one decimal.
  return config.rating === "elo" ? 0 : config.rating === "openskill" ? 1 : undefined;
}

const TOTAL_NOUN: Record<LiveBoardName, [string, string]> = {
  players: ["player", "players"],
  trending: ["player", "players"],
  teams: ["team", "teams"],
  mvps: ["MVP", "MVPs"],
  countries: ["country", "countries"],
};

/** "1 player", "8 MVPs", "3 countries". */
export function totalText(board: LiveBoardName, total: number): string {
  const [one, many] = TOTAL_NOUN[board];
  return `${total.toLocaleString("en-US")} ${total === 1 ? one : many}`;
}
