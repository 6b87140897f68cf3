import { z } from "@hono/zod-openapi";
import { AGGREGATES, DEFAULT_RULES, ORDERS, TIE_MODES } from "../engine/rules";
import { DEFAULT_TREND } from "../engine/trending";
import { MaxAttempts, OpeningHours } from "./competition";
import { Webhook } from "./hooks";
import { DisplayName, Score } from "./names";
import { Prizes, SeasonSchedule } from "./seasons";
import { MAX_SHARDS } from "./shards";

/** The most tiers (leagues) a game may list. */
export const MAX_TIERS = 20;

const Tier = z
  .strictObject({
    name: DisplayName.openapi({ example: "gold", description: "1-64 printable characters, shown on entries" }),
    top: z.number().gt(0).max(1).optional().openapi({ description: "The best share of the board: 0.01 is the top 1%" }),
    rank: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: "The first ranks" }),
    score: Score.optional().openapi({ description: "A score at least as good as this, in the board's order" }),
  })
  .openapi("Tier");

/** Best first, names unique; exactly one bound each, but the last may have none (everyone else). */
const Tiers = z
  .array(Tier)
  .min(1)
  .max(MAX_TIERS)
  .superRefine((tiers, ctx) => {
    const names = new Set<string>();
    for (const [i, tier] of tiers.entries()) {
      const bounds = [tier.top, tier.rank, tier.score].filter((b) => b !== undefined).length;
      if (bounds > 1 || (bounds === 0 && i < tiers.length - 1)) {
        const message = "a tier has exactly one of top, rank or score (only the last may have none)";
        ctx.addIssue({ code: "custom", message, path: [i] });
      }
      if (names.has(tier.name)) ctx.addIssue({ code: "custom", message: "tier names are unique", path: [i, "name"] });
      names.add(tier.name);
    }
  });

/** The fewest and most players a cohort holds. */
export const COHORT_SIZE = { min: 2, max: 1000 } as const;

export const MAX_WINDOW_SECONDS = 365 * 24 * 60 * 60;
export const RATINGS = ["none", "wins", "elo", "openskill"] as const;
/**
 * The most players one game's object may hold, against a Durable Object's
 * 128 MB (bench, storage suite): a rebuilt board settles at ~59 B/player, and
 * ranking it needs ~24 B/player more while it sorts. 1.5e6 players would
 * need ~123 MB before the Worker's own code; 2e6 settle at 111 MB.
 */
export const MAX_PLAYERS_LIMIT = 1_000_000;

const settings = {
  aggregate: z.enum(AGGREGATES).openapi({ description: "How reports combine: newest value, max, min or sum" }),
  order: z.enum(ORDERS).openapi({ description: "desc: higher is better" }),
  ties: z.enum(TIE_MODES).openapi({
    description:
      "first: 1,2,3,4; shared: equal scores share a rank (1,2,2,4); dense: equal scores share a rank, the next follows on (1,2,2,3)",
  }),
  tiebreak: z
    .strictObject({
      order: z.enum(ORDERS).openapi({ description: "desc: the higher subscore goes first among equal scores" }),
    })
    .nullable()
    .openapi({
      description:
        "Orders equal scores by the reports' subscore before ts; null: by ts alone, and reports may not carry a " +
        "subscore. Changes only while the board is empty",
    }),
  window: z
    .number()
    .int()
    .min(0)
    .max(MAX_WINDOW_SECONDS)
    .openapi({ description: "Seconds; players whose ts is older leave the board. 0 = forever" }),
  liveEvery: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .openapi({ description: "Least time between two live updates of the game, in ms" }),
  maxSpectators: z.number().int().min(1).max(1_000_000).openapi({
    description:
      'Most live websocket spectators of the game at once, on its own object and its relays (README, "Audiences beyond one object")',
  }),
  maxViews: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .openapi({
      description:
        "Most distinct live views at once (each followed player is one); spectators sharing a view are free, " +
        "and a board's plain top (board and limit only) is never refused",
    }),
  snapshotEvery: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .openapi({ description: "Seconds between two history snapshots while the board changes" }),
  snapshotTop: z.number().int().min(1).max(100).openapi({ description: "Entries sampled into each snapshot" }),
  historyDays: z.number().int().min(1).max(3650).openapi({ description: "Days of history kept in D1" }),
  archive: z.boolean().openapi({ description: "Also archive every accepted report in D1" }),
  maxPlayers: z
    .number()
    .int()
    .min(1)
    .max(MAX_PLAYERS_LIMIT * MAX_SHARDS)
    .openapi({
      description:
        "Most players the game may hold; a report that would add one more is refused (409). At most " +
        `${MAX_PLAYERS_LIMIT.toLocaleString("en-US")} per shard; each shard holds up to maxPlayers / shards`,
    }),
  shards: z
    .number()
    .int()
    .min(1)
    .max(MAX_SHARDS)
    .openapi({
      description:
        "Objects the game's players spread over (1: one object). Every read stays exact. Changes only while " +
        "the board is empty and no closed season's board is still held for its archive (409 not_empty)",
    }),
  maxTeams: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .openapi({ description: "Most distinct teams the game may name; a report naming one more is refused (409)" }),
  trend: z
    .strictObject({
      short: z.number().int().min(1).max(3599).openapi({ description: "Seconds of the short window" }),
      long: z.number().int().min(2).max(3600).openapi({ description: "Seconds of the long window" }),
      minReports: z.number().int().min(1).max(1000).openapi({ description: "Reports needed in the short window" }),
    })
    .refine((t) => t.short < t.long, { message: "short must be less than long", path: ["short"] })
    .nullable()
    .openapi({ description: "Trending windows (hot streakers); null turns trending off" }),
  rating: z.enum(RATINGS).openapi({
    description:
      "none: the board takes score reports (results only update stats); wins, elo or openskill: results set " +
      "the score and reports are refused. Changes only while the board is empty",
  }),
  elo: z
    .strictObject({
      k: z.number().min(1).max(400).openapi({ description: "The K-factor" }),
      initial: z.number().min(-1_000_000).max(1_000_000).openapi({ description: "A new player's rating" }),
    })
    .openapi({ description: "ELO settings (rating: elo)" }),
  season: SeasonSchedule.nullable().openapi({
    description:
      "When seasons end: {every: hour|day|week|month} or {cron} (5 fields), each with an optional IANA timezone; " +
      "null: one endless season. At each boundary the standings are archived and the board starts empty",
  }),
  prizes: Prizes.nullable().openapi({
    description: "A prize pool fed by a share of every gain and paid by rank ranges at each close; null: none",
  }),
  bounds: z
    .strictObject({
      min: z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
      max: z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
      maxGainPerSecond: z
        .number()
        .gt(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional()
        .openapi({
          description:
            "Most gain per second since the player's previous report (by report ts, one second at least), and " +
            "per second of the server's clock: each player's allowance refills at this rate and holds an hour's " +
            "worth. Needs max on a board where lower is better",
        }),
      maxReportsPerSecond: z.number().int().min(1).max(1000).optional().openapi({
        description: "Most reports per player applied in one second of the server's clock",
      }),
      maxFutureSeconds: z.number().int().min(0).max(86_400).default(300).openapi({
        description: "How far past the server's clock a report's ts may be (default 300)",
      }),
    })
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
      message: "min must not exceed max",
      path: ["min"],
    })
    .openapi({
      description:
        "What one report may claim, whatever key or token sent it; a report outside them is refused (422 " +
        "score_out_of_bounds) and nothing is applied. A change replaces the whole object; `{}` clears all but " +
        "maxFutureSeconds (300)",
    }),
  tiers: Tiers.nullable().openapi({
    description:
      `Leagues, best first (at most ${MAX_TIERS}): each {name} with one of top (a share in (0, 1]), rank or ` +
      "score; the last may have no bound (everyone else). An entry's `tier` is the first that holds it; null: none",
  }),
  cohorts: z
    .strictObject({
      size: z
        .number()
        .int()
        .min(COHORT_SIZE.min)
        .max(COHORT_SIZE.max)
        .openapi({ description: `Players per cohort, ${COHORT_SIZE.min}-${COHORT_SIZE.max}` }),
    })
    .nullable()
    .openapi({
      description:
        "Cohorts (buckets): each player's first report of a season places it in the newest cohort with room " +
        "(1, 2, ...), each cohort a board of its own with the game's rules; null: none. Turning them on needs an " +
        "empty board (409 not_empty); a new size applies to later placements. Refused on a sharded game " +
        "(409 needs_one_shard)",
    }),
  open: OpeningHours.nullable().openapi({
    description:
      "Opening hours {from?, to?} (ms since the epoch): reports and results outside them are refused (409 " +
      "game_closed), nothing applied; null: always open",
  }),
  join: z.boolean().openapi({
    description:
      "Players must join (POST .../players/{player}/join) before their reports and results count (403 " +
      "not_joined); joins count against maxPlayers and last a season",
  }),
  maxAttempts: MaxAttempts.nullable().openapi({
    description:
      "Accepted reports per player per season; reports beyond are refused (409 attempts_exhausted, each named), " +
      "nothing applied; null: no limit",
  }),
  webhook: Webhook.nullable().openapi({
    description:
      "Where events are POSTed, signed (Podium-Signature): a URL gets each season's close once its archive is " +
      "in D1; {url, events, top, every} names the events (season.closed, leader.changed, top.changed); null: none",
  }),
};

export const GameConfig = z.strictObject(settings).openapi("GameConfig");
export const GameConfigPatch = z.strictObject(settings).partial().openapi("GameConfigPatch");

export type GameConfig = z.infer<typeof GameConfig>;
export type GameConfigPatch = z.infer<typeof GameConfigPatch>;

export const DEFAULT_CONFIG: GameConfig = {
  ...DEFAULT_RULES,
  liveEvery: 100,
  maxSpectators: 10_000,
  maxViews: 1000,
  snapshotEvery: 10,
  snapshotTop: 15,
  historyDays: 30,
  archive: false,
  maxPlayers: 1_000_000,
  shards: 1,
  maxTeams: 10_000,
  trend: DEFAULT_TREND,
  tiebreak: null,
  rating: "none",
  elo: { k: 32, initial: 1500 },
  season: null,
  prizes: null,
  webhook: null,
  open: null,
  join: false,
  maxAttempts: null,
  tiers: null,
  cohorts: null,
  bounds: { maxFutureSeconds: 300 },
};
