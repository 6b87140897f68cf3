import type { GameConfig } from "../../protocol/config";
import type { BoundsDetail, ErrorBody } from "../../protocol/errors";

/** What the API answered a score with. */
export type Answer = { ok: true } | { ok: false; status: number; error: ErrorBody["error"]; retryAfter: number };
export type Refusal = Extract<Answer, { ok: false }>;

const numbers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

/** A number as people read it: 1,000,000, not 1000000. */
export function formatNumber(value: number): string {
  return numbers.format(value);
}

/** The numbers in a sentence the API wrote, formatted. */
const formatNumbersIn = (text: string) =>
  text.replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, (n) => formatNumber(Number(n)));

/**
 * Why a score was refused, in words, from the error's code and fields (and
 * the game's bounds, when the page knows them), not the API's raw message.
 */
export function refusalText(
  { status, error, retryAfter }: Refusal,
  score: number,
  bounds: GameConfig["bounds"] | undefined,
): string {
  if (status === 401) return "Your token is not valid any more: ask the game for a new one.";
  if (status === 429) return `Too many submissions: try again in ${formatNumber(retryAfter)} s.`;
  switch (error.code) {
    case "score_out_of_bounds": {
      if (bounds?.max !== undefined && score > bounds.max)
        return `${formatNumber(score)} is above this game's highest score, ${formatNumber(bounds.max)}.`;
      if (bounds?.min !== undefined && score < bounds.min)
        return `${formatNumber(score)} is below this game's lowest score, ${formatNumber(bounds.min)}.`;
      const reason = (error.details as BoundsDetail[] | undefined)?.[0]?.reason;
      return reason === undefined
        ? "The game refused this score."
        : `The game refused this score: ${formatNumbersIn(reason)}.`;
    }
    case "score_out_of_range":
      return `${formatNumber(score)} is not a score Podium can hold.`;
    case "forbidden":
      return "This token may not post scores to this game.";
    case "rated_game":
      return "This game ranks players by match results: it takes no score reports.";
    case "board_full":
      return "The game is full: it takes no new players.";
    case "game_closed":
      return "The game is not open now: see its opening hours.";
    case "not_joined":
      return "Join the game first: your scores count once you have joined this season.";
    case "attempts_exhausted":
      return "You have used all your attempts this season.";
    default:
      return formatNumbersIn(error.message);
  }
}
