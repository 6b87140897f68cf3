import { z } from "@hono/zod-openapi";
import { Cron } from "croner";

/** The fixed schedules, as the cron patterns they mean: on the hour, at midnight, Monday midnight, the 1st. */
const EVERY = { hour: "0 * * * *", day: "0 0 * * *", week: "0 0 * * 1", month: "0 0 1 * *" } as const;
export const SEASON_EVERY = Object.keys(EVERY) as (keyof typeof EVERY)[];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, "an IANA time zone, such as Europe/Istanbul")
  .openapi({ description: "IANA time zone the schedule is read in (UTC when absent)", example: "Europe/Istanbul" });

/** A 5-field pattern croner accepts and that fires at least once; undefined when it does. */
function cronProblem(pattern: string, timezone?: string): string | undefined {
  try {
    const next = new Cron(pattern, { mode: "5-part", timezone, paused: true }).nextRun();
    return next === null ? "the pattern never fires" : undefined;
  } catch (error) {
    return `not a 5-field cron pattern: ${(error as Error).message}`;
  }
}

export const SeasonSchedule = z
  .union([
    z.strictObject({
      every: z.enum(SEASON_EVERY).openapi({ description: "A season per hour, day, week (from Monday) or month" }),
      timezone: TimeZone.optional(),
    }),
    z.strictObject({
      cron: z
        .string()
        .min(9)
        .max(128)
        .openapi({ description: "5-field cron pattern of the boundaries", example: "0 0 * * MON" }),
      timezone: TimeZone.optional(),
    }),
  ])
  .superRefine((schedule, ctx) => {
    if (!("cron" in schedule)) return;
    const problem = cronProblem(schedule.cron, schedule.timezone);
    if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["cron"], message: problem });
  })
  .openapi("SeasonSchedule");

export type SeasonSchedule = z.infer<typeof SeasonSchedule>;

/**
 * The first boundary strictly after `after` (ms), or null for a schedule that
 * never fires again. Read in the schedule's zone by croner, which follows
 * Vixie cron on daylight-saving days: a fixed time that does not exist runs at
 * the first valid time after the gap, one that occurs twice runs once.
 */
export function nextBoundary(schedule: SeasonSchedule, after: number): number | null {
  const pattern = "cron" in schedule ? schedule.cron : EVERY[schedule.every];
  const cron = new Cron(pattern, { mode: "5-part", timezone: schedule.timezone ?? "UTC", paused: true });
  return cron.nextRun(new Date(after))?.getTime() ?? null;
}

export const SeasonNumber = z.coerce
  .number()
  .int("a season is a whole number")
  .min(1, "seasons start at 1")
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ param: { name: "season", in: "path" }, example: 1 });

export const CurrentSeason = z
  .object({
    number: z.number().int(),
    startedAt: z.number().int(),
    endsAt: z.number().int().nullable().openapi({ description: "The next boundary; null without a schedule" }),
  })
  .openapi("CurrentSeason");

export const SeasonSummary = z
  .object({
    season: z.number().int(),
    startedAt: z.number().int(),
    endedAt: z.number().int().nullable().openapi({ description: "null for the open season" }),
    players: z.number().int(),
    leader: z.string().nullable(),
    pool: z.number(),
    complete: z.boolean().openapi({ description: "Whether the archive has reached D1 (true for the open season)" }),
  })
  .openapi("SeasonSummary");

export const SeasonList = z.object({ seasons: z.array(SeasonSummary) }).openapi("SeasonList");

export type CurrentSeason = z.infer<typeof CurrentSeason>;
export type SeasonSummary = z.infer<typeof SeasonSummary>;
