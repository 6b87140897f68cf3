import { z } from "@hono/zod-openapi";
import { Country, DisplayName, PlayerName, ReportId, Score, Subscore, TeamName, Timestamp } from "./names";

export const MAX_BATCH = 1000;

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
