import { isBoardName, type LiveBoardName } from "../../protocol/live";
import { NAME_PATTERN } from "../../protocol/patterns";

export const EMBED_THEMES = ["light", "dark", "transparent"] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

export interface EmbedParams {
  board: LiveBoardName;
  limit: number;
  theme: EmbedTheme;
  /** The highlighted player (players board only: the live view follows no one elsewhere). */
  player?: string;
}

export const EMBED_LIMIT = { min: 1, max: 100, default: 10 } as const;

/**
 * The embed's query (`board`, `limit`, `theme`, `player`), each invalid value
 * replaced by its default: an overlay in a stream shows a board rather than
 * an error. Pure, so it is tested in Node.
 */
export function embedParams(search: string): EmbedParams {
  const query = new URLSearchParams(search);
  const asked = query.get("board") ?? "";
  const board = isBoardName(asked) ? asked : "players";
  const limit = Number(query.get("limit") ?? Number.NaN);
  const theme = query.get("theme") ?? "";
  const player = (query.get("player") ?? "").normalize("NFC");
  return {
    board,
    limit:
      Number.isInteger(limit) && limit >= EMBED_LIMIT.min && limit <= EMBED_LIMIT.max ? limit : EMBED_LIMIT.default,
    theme: (EMBED_THEMES as readonly string[]).includes(theme) ? (theme as EmbedTheme) : "light",
    ...(board === "players" && NAME_PATTERN.test(player) ? { player } : {}),
  };
}
