import { z } from "@hono/zod-openapi";
import { PlayerName, ReportId, Timestamp } from "./names";

/** Results and events per request, as reports. */
export const MAX_RESULTS = 1000;
/** Players in one free-for-all result. */
export const MAX_PLACEMENTS = 64;
/** Distinct counters one player may have. */
export const MAX_COUNTERS = 100;

const common = {
  id: ReportId.optional(),
  ts: Timestamp.optional().openapi({ description: "When the match ended; defaults to the server's time" }),
};

const OneOnOne = z.strictObject({ ...common, winner: PlayerName, loser: PlayerName });
const Draw = z.strictObject({
  ...common,
  draw: z.array(PlayerName).min(2).max(MAX_PLACEMENTS).openapi({ description: "Players who drew" }),
});
const Placements = z.strictObject({
  ...common,
  placements: z
    .array(z.array(PlayerName).min(1).max(MAX_PLACEMENTS))
    .min(1)
    .max(MAX_PLACEMENTS)
    .openapi({
      description: "Finishing order of 2-64 players; an inner list finished tied",
      example: [["a"], ["b", "c"], ["d"]],
    }),
});

/** The groups of a result in finishing order: the first group won, the others lost; one group is a draw. */
export function groupsOf(result: MatchResult): string[][] {
  if ("winner" in result) return [[result.winner], [result.loser]];
  if ("draw" in result) return [result.draw];
  return result.placements;
}

export const MatchResult = z
  .union([OneOnOne, Draw, Placements])
  .superRefine((result, ctx) => {
    const players = groupsOf(result).flat();
    if (players.length < 2) ctx.addIssue({ code: "custom", message: "a result has at least 2 players" });
    if (players.length > MAX_PLACEMENTS) {
      ctx.addIssue({ code: "custom", message: `a result has at most ${MAX_PLACEMENTS} players` });
    }
    const seen = new Set<string>();
    for (const player of players) {
      if (seen.has(player)) ctx.addIssue({ code: "custom", message: `player ${JSON.stringify(player)} appears twice` });
      seen.add(player);
    }
  })
  .openapi("MatchResult", {
    description: "`{winner, loser}`, `{draw: [...]}` or `{placements: [[...], ...]}`; a player at most once",
  });

export const ResultBatch = z
  .strictObject({ results: z.array(MatchResult).min(1).max(MAX_RESULTS) })
  .openapi("ResultBatch");

export const ResultsBody = z.union([ResultBatch, MatchResult]);

export const CounterName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "a counter is 1-64 characters of A-Z a-z 0-9 _ . -")
  .openapi({ example: "rock_selections" });

export const PlayerEvent = z
  .strictObject({
    id: ReportId.optional(),
    player: PlayerName,
    counters: z
      .record(
        CounterName,
        z.number().int("an increment is a whole number").min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
      )
      .refine((c) => Object.keys(c).length >= 1, "send at least one counter")
      .refine((c) => Object.keys(c).length <= MAX_COUNTERS, `at most ${MAX_COUNTERS} counters`)
      .openapi({ example: { rock_selections: 1 } }),
  })
  .openapi("PlayerEvent");

export const EventBatch = z
  .strictObject({ events: z.array(PlayerEvent).min(1).max(MAX_RESULTS) })
  .openapi("EventBatch");

export const EventsBody = z.union([EventBatch, PlayerEvent]);

export const PlayerStats = z
  .object({
    player: PlayerName,
    played: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    draws: z.number().int(),
    streak: z.number().int().openapi({ description: "> 0: wins in a row; < 0: losses in a row; 0 after a draw" }),
    bestStreak: z.number().int().openapi({ description: "The longest run of wins" }),
    reports: z.number().int().openapi({ description: "Score reports accepted" }),
    best: z.number().nullable().openapi({ description: "The best score the player has held, in the board's order" }),
    firstSeen: z.number().int(),
    lastSeen: z.number().int(),
    counters: z.record(z.string(), z.number()),
    rating: z.object({ mu: z.number(), sigma: z.number() }).optional().openapi({ description: "OpenSkill games" }),
  })
  .openapi("PlayerStats");

export type MatchResult = z.infer<typeof MatchResult>;
export type PlayerEvent = z.infer<typeof PlayerEvent>;
export type PlayerStats = z.infer<typeof PlayerStats>;
