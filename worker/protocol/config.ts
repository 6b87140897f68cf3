import { z } from "@hono/zod-openapi";
import { AGGREGATES, DEFAULT_RULES, ORDERS, TIE_MODES } from "../../objects/ranking/rules";

export const MAX_WINDOW_SECONDS = 365 * 24 * 60 * 60;

const settings = {
  aggregate: z.enum(AGGREGATES).openapi({ description: "How reports combine: newest value, max, min or sum" }),
  order: z.enum(ORDERS).openapi({ description: "desc: higher is better" }),
  ties: z.enum(TIE_MODES).openapi({ description: "first: 1,2,3,4; shared: equal scores share a rank (1,2,2,4)" }),
  window: z
    .number()
    .int()
    .min(0)
    .max(MAX_WINDOW_SECONDS)
    .openapi({ description: "Seconds; players whose ts is older leave the board. 0 = forever" }),
  liveEvery: z
    .number()
    .int()
    .min(50)
    .max(60_000)
    .openapi({ description: "Least time between two live updates of the game, in ms" }),
  maxSpectators: z
    .number()
    .int()
    .min(1)
    .max(32_768)
    .openapi({ description: "Most live websocket spectators of the game at once" }),
  snapshotEvery: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .openapi({ description: "Seconds between two history snapshots while the board changes" }),
  snapshotTop: z.number().int().min(1).max(100).openapi({ description: "Entries sampled into each snapshot" }),
  historyDays: z.number().int().min(1).max(3650).openapi({ description: "Days of history kept in D1" }),
  archive: z.boolean().openapi({ description: "Also archive every accepted report in D1" }),
};

export const GameConfig = z.strictObject(settings).openapi("GameConfig");
export const GameConfigPatch = z.strictObject(settings).partial().openapi("GameConfigPatch");

export type GameConfig = z.infer<typeof GameConfig>;
export type GameConfigPatch = z.infer<typeof GameConfigPatch>;

export const DEFAULT_CONFIG: GameConfig = {
  ...DEFAULT_RULES,
  liveEvery: 100,
  maxSpectators: 10_000,
  snapshotEvery: 10,
  snapshotTop: 15,
  historyDays: 30,
  archive: false,
};
