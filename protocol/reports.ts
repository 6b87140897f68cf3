import { z } from "@hono/zod-openapi";
import { Country, DisplayName, PlayerName, ReportId, Score, Subscore, TeamName, Timestamp } from "./names";

export const MAX_BATCH = 1000;
/** The most a report's meta may hold: UTF-8 bytes of its JSON. */
export const MAX_META_BYTES = 1024;

/** The size of `meta` as stored: the UTF-8 bytes of its JSON. */
export const metaBytes = (meta: unknown): number => new TextEncoder().encode(JSON.stringify(meta)).length;

/** JSON a few levels deep, as TypeScript sees meta (a recursive type is too deep for RPC's types); any depth passes. */
type JsonLeaf = string | number | boolean | null;
type Json2 = JsonLeaf | JsonLeaf[] | { [key: string]: JsonLeaf };
type Json3 = Json2 | Json2[] | { [key: string]: Json2 };
export type Meta = { [key: string]: Json3 };

export const Meta = z
  .record(z.string(), z.unknown())
  .refine((meta) => metaBytes(meta) <= MAX_META_BYTES, `meta is at most ${MAX_META_BYTES} bytes of JSON (UTF-8)`)
  .openapi("Meta", {
    description:
      `Any JSON object of at most ${MAX_META_BYTES} bytes (UTF-8, as serialized). ` +
      "An entry carries the meta of the report that set its score: under `last` and `sum` the newest, " +
      "under `max` and `min` the one that reached the best; a report that sets the score without meta clears it",
    example: { level: 7, character: "mage" },
  }) as unknown as z.ZodType<Meta>;

export const ScoreReport = z
  .strictObject({
    player: PlayerName,
    score: Score,
    subscore: Subscore.optional(),
    ts: Timestamp.optional().openapi({ description: "Defaults to the server's time" }),
    id: ReportId.optional(),
    team: TeamName.optional(),
    name: DisplayName.optional().openapi({ description: "Sets the player's display name (its profile)" }),
    country: Country.optional().openapi({ description: "Sets the player's country (its profile)" }),
    meta: Meta.optional(),
  })
  .openapi("ScoreReport");

export const ScoreBatch = z.strictObject({ scores: z.array(ScoreReport).min(1).max(MAX_BATCH) }).openapi("ScoreBatch");

export const ScoresBody = z.union([ScoreBatch, ScoreReport]);

export const Accepted = z
  .object({
    accepted: z.number().int().openapi({ description: "Reports accepted (durable before this answer)" }),
    duplicates: z.number().int().openapi({ description: "Reports whose id was already seen; not applied again" }),
  })
  .openapi("Accepted");

export type ScoreReport = z.infer<typeof ScoreReport>;
export type Accepted = z.infer<typeof Accepted>;

export const ProfileBody = z
  .strictObject({ name: DisplayName.optional(), country: Country.optional() })
  .refine((p) => p.name !== undefined || p.country !== undefined, "send a name, a country, or both")
  .openapi("ProfileChange");

export const Profile = z
  .object({ player: PlayerName, name: DisplayName.optional(), country: Country.optional() })
  .openapi("Profile");

export type ProfileBody = z.infer<typeof ProfileBody>;
export type Profile = z.infer<typeof Profile>;
