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

/** The most rank ranges a split may have, and the last rank one may pay. */
export const MAX_PRIZE_RANGES = 100;
export const MAX_PRIZE_RANK = 1_000_000;

const PrizeRange = z.strictObject({
  from: z.number().int().min(1).max(MAX_PRIZE_RANK),
  to: z.number().int().min(1).max(MAX_PRIZE_RANK),
  share: z
    .number()
    .gt(0)
    .max(1)
    .refine((share) => Math.abs(share * 1e6 - Math.round(share * 1e6)) < 1e-6, "a share has at most 6 decimals")
    .openapi({ description: "The range's share of the pool, split equally among the players holding its ranks" }),
});

export const Prizes = z
  .strictObject({
    poolShare: z.number().min(0).max(1).openapi({ description: "The pool grows by this share of every positive gain" }),
    poolSeed: z.number().min(0).max(1e12).openapi({ description: "What each season's pool starts with" }),
    split: z.array(PrizeRange).min(1).max(MAX_PRIZE_RANGES),
  })
  .superRefine((prizes, ctx) => {
    const ranges = [...prizes.split].sort((a, b) => a.from - b.from);
    for (const [i, r] of ranges.entries()) {
      if (r.to < r.from)
        ctx.addIssue({ code: "custom", path: ["split"], message: `range ${r.from}-${r.to} ends before it starts` });
      const next = ranges[i + 1];
      if (next !== undefined && next.from <= r.to) {
        ctx.addIssue({
          code: "custom",
          path: ["split"],
          message: `ranges ${r.from}-${r.to} and ${next.from}-${next.to} overlap`,
        });
      }
    }
    const ppm = prizes.split.reduce((sum, r) => sum + Math.round(r.share * 1e6), 0);
    if (ppm > 1e6) ctx.addIssue({ code: "custom", path: ["split"], message: "the shares add up to more than 1" });
  })
  .openapi("Prizes", {
    example: {
      poolShare: 0.02,
      poolSeed: 0,
      split: [
        { from: 1, to: 1, share: 0.25 },
        { from: 2, to: 10, share: 0.5 },
      ],
    },
  });

export type Prizes = z.infer<typeof Prizes>;

export const AwardEntry = z
  .object({ rank: z.number().int(), player: z.string(), amount: z.number().int() })
  .openapi("Award");

export const AwardList = z.object({ awards: z.array(AwardEntry) }).openapi("AwardList");

export const PrizeProjection = z
  .object({
    pool: z.number().openapi({ description: "The open season's pool now" }),
    split: Prizes.shape.split,
    projected: z.array(AwardEntry).openapi({ description: "What a close would pay now" }),
  })
  .openapi("PrizeProjection");

export type AwardEntry = z.infer<typeof AwardEntry>;
export type PrizeProjection = z.infer<typeof PrizeProjection>;

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Where season closes are posted: https, or plain http to this machine for development. */
export const WebhookUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.test(url.hostname));
    } catch {
      return false;
    }
  }, "an https URL (plain http only to localhost, 127.0.0.0/8 or [::1])")
  .openapi({ example: "https://game.example/podium/season-closed" });

export const WebhookStatus = z
  .object({
    delivered: z.boolean(),
    attempts: z.number().int(),
  })
  .openapi("WebhookStatus", { description: "The season-closed webhook: retried with backoff for 24 h until a 2xx" });

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
    webhook: WebhookStatus.optional(),
  })
  .openapi("SeasonSummary");

export const SeasonList = z.object({ seasons: z.array(SeasonSummary) }).openapi("SeasonList");

export type CurrentSeason = z.infer<typeof CurrentSeason>;
export type SeasonSummary = z.infer<typeof SeasonSummary>;
