import { z } from "@hono/zod-openapi";
import { PlayerName } from "./names";

/** The latest time a game's opening hours may name: JavaScript's last representable date. */
const LAST_MS = 8.64e15;
const Moment = z.number().int().min(0).max(LAST_MS);

/** When a game takes reports and results: from `from` (inclusive) until `to` (exclusive), either end open. */
export const OpeningHours = z
  .strictObject({
    from: Moment.optional().openapi({ description: "Opens at (ms since the epoch); absent: open already" }),
    to: Moment.optional().openapi({ description: "Closes at (ms since the epoch); absent: never closes" }),
  })
  .refine((o) => o.from === undefined || o.to === undefined || o.from < o.to, {
    message: "from must be before to",
    path: ["from"],
  })
  .openapi("OpeningHours");

export type OpeningHours = z.infer<typeof OpeningHours>;

/** The most attempts a game may allow a player per season. */
export const MAX_ATTEMPTS_LIMIT = 1_000_000;
export const MaxAttempts = z.number().int().min(1).max(MAX_ATTEMPTS_LIMIT);

/** A player's attempts this season, as standings and joins show them on a game with maxAttempts. */
export const Attempts = {
  attempts: z.number().int().optional().openapi({
    description: "Reports accepted this season (on a game with maxAttempts)",
  }),
  attemptsLeft: z.number().int().optional().openapi({
    description: "Reports the player may still send this season (on a game with maxAttempts)",
  }),
};

/** A join's answer: the player's standing-to-be in the open season. */
export const Joined = z
  .object({
    player: PlayerName,
    season: z.number().int().openapi({ description: "The season joined (joins last a season)" }),
    joinedAt: z.number().int().openapi({ description: "When the player joined (ms); a repeated join keeps it" }),
    rank: z.number().int().nullable().openapi({ description: "Its rank on the board; null before its first report" }),
    score: z.number().nullable().openapi({ description: "Its score; null before its first report" }),
    total: z.number().int().openapi({ description: "Players on the board" }),
    ...Attempts,
  })
  .openapi("Joined");

export type Joined = z.infer<typeof Joined>;

/** Whether `now` falls within the opening hours (null: always open). */
export function isOpen(open: OpeningHours | null, now: number): boolean {
  if (open === null) return true;
  return (open.from === undefined || now >= open.from) && (open.to === undefined || now < open.to);
}
