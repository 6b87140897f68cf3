import { z } from "@hono/zod-openapi";
import { PlayerName, ReportId, Score, TeamName } from "./names";

const Next = z.number().int().optional().openapi({ description: "Pass as `to` to get the next (older) page" });

export const SnapshotList = z
  .object({
    snapshots: z.array(
      z.object({
        ts: z.number().int(),
        total: z.number().int().openapi({ description: "Players on the board when sampled" }),
        entries: z.array(z.object({ rank: z.number().int(), player: PlayerName, score: Score })),
        gap: z.object({ topFirst: Score, topLast: Score, gap: Score }),
      }),
    ),
    next: Next,
  })
  .openapi("History");

export const LeaderList = z
  .object({
    leaders: z.array(
      z.object({
        player: PlayerName,
        seconds: z.number().openapi({ description: "Total time at rank 1 within the range" }),
        spells: z.number().int().openapi({ description: "Separate stretches at rank 1" }),
      }),
    ),
  })
  .openapi("Leaders");

export const PlayerHistory = z
  .object({
    player: PlayerName,
    snapshots: z.array(z.object({ ts: z.number().int(), rank: z.number().int(), score: Score })),
    next: Next,
  })
  .openapi("PlayerHistory");

export const ReportList = z
  .object({
    reports: z.array(
      z.object({
        ts: z.number().int(),
        player: PlayerName,
        score: Score,
        team: TeamName.optional(),
        id: ReportId.optional(),
      }),
    ),
    next: z.string().optional().openapi({ description: "Pass as `cursor` to get the next (older) page" }),
  })
  .openapi("ArchivedReports");

export type SnapshotList = z.infer<typeof SnapshotList>;
export type LeaderList = z.infer<typeof LeaderList>;
export type PlayerHistory = z.infer<typeof PlayerHistory>;
export type ReportList = z.infer<typeof ReportList>;
