import { z } from "@hono/zod-openapi";
import { COUNTRY_PATTERN, isCountry } from "./countries";
import { DISPLAY_NAME_PATTERN, GAME_PATTERN, GAME_RULE, NAME_PATTERN, nameRule, normalizeName } from "./patterns";

/** The largest magnitude a score (or a sum of scores) may have. */
export const MAX_SCORE = Number.MAX_SAFE_INTEGER;

/** Reports may be stamped at most this far in the future (clock skew allowance). */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export { GAME_PATTERN, NAME_PATTERN } from "./patterns";

export const GameName = z
  .string()
  .regex(GAME_PATTERN, `a ${GAME_RULE}`)
  .openapi({ example: "g1", description: "1-64 characters of `[A-Za-z0-9_.-]`, not only dots" });

/** Path parameters of every route under /v1/games/{game}. */
export const GamePath = z.object({ game: GameName });

/**
 * The pattern as the OpenAPI document gives it: the generator writes a regex
 * with flags as `/…/u` text, which no client can compile. The source alone
 * is the pattern (JSON Schema patterns are Unicode-aware).
 */
const documented = (pattern: RegExp) => ({ pattern: pattern.source });

const printableName = (what: string) =>
  z.string().overwrite(normalizeName).regex(NAME_PATTERN, nameRule(what)).openapi(documented(NAME_PATTERN));

export const PlayerName = printableName("a player").openapi({
  example: "p1",
  description:
    "1-128 characters of printable Unicode with at least one visible, no control or bidi override characters; compared after NFC normalization",
});

export const TeamName = printableName("a team").openapi({ example: "red" });

export const DisplayName = z
  .string()
  .overwrite(normalizeName)
  .regex(
    DISPLAY_NAME_PATTERN,
    "a name is 1-64 printable characters with at least one visible, no control or bidi override characters",
  )
  .openapi({
    ...documented(DISPLAY_NAME_PATTERN),
    example: "Ada L.",
    description: "1-64 characters of printable Unicode, shown beside the player",
  });

export const Country = z
  .string()
  .regex(COUNTRY_PATTERN, "a country is an ISO 3166-1 alpha-2 code in capitals, e.g. TR")
  .refine(isCountry, "not an ISO 3166-1 alpha-2 country code")
  .openapi({ example: "TR", description: "ISO 3166-1 alpha-2, upper case" });

export const ReportId = printableName("an id").openapi({
  example: "evt-1",
  description: "Makes the report idempotent: a repeated id for the same game is not applied twice (kept 24 h).",
});

export const Score = z
  .number()
  .min(-MAX_SCORE, "a score's magnitude is at most 2^53-1")
  .max(MAX_SCORE, "a score's magnitude is at most 2^53-1")
  .openapi({ example: 120, description: "A finite number, |score| <= 2^53-1" });

export const Subscore = z.number().openapi({
  example: 42.5,
  description:
    "Only on a game with a tiebreak: orders equal scores (in tiebreak.order). A finite number; a report " +
    "without one counts 0. Under max/min an equal score with a better subscore improves the entry; under sum " +
    "subscores add; under last the newest wins",
});

export const Timestamp = z
  .number()
  .int("a timestamp is whole milliseconds since the Unix epoch")
  .min(0, "a timestamp is milliseconds since the Unix epoch, not negative")
  .refine((ts) => ts <= Date.now() + MAX_FUTURE_MS, "a timestamp may be at most 24 hours in the future")
  .openapi({ example: 1700000000000, description: "Milliseconds since the Unix epoch (UTC)" });

/** Path parameters of routes that name a game and a player. */
export const PlayerPath = GamePath.extend({ player: PlayerName });

/** Path parameters of routes that name a game and a team. */
export const TeamPath = GamePath.extend({ team: TeamName });
