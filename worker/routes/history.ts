import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { gameNotFound } from "../../protocol/errors";
import { LeaderList, PlayerHistory, ReportList, SnapshotList } from "../../protocol/history";
import { GamePath, PlayerName, PlayerPath } from "../../protocol/names";
import { inOrder, ordered, rangeFields } from "../../protocol/query";
import { gameExists } from "../d1/games";
import { leaders, playerSnapshots, reportPage, snapshotPage } from "../d1/history";
import { createRouter, errorResponses as errors, fail } from "../http";

const rangeQuery = (defaultLimit: number) => z.object(rangeFields(defaultLimit)).refine(inOrder, ordered);

const SnapshotsQuery = z
  .object({
    ...rangeFields(100),
    entries: z
      .enum(["true", "false"])
      .default("true")
      .openapi({ description: "false: only ts, total and gap (lighter, for charts over long ranges)" }),
  })
  .refine(inOrder, ordered);

const LeadersQuery = z.object({ from: rangeFields(1).from, to: rangeFields(1).to }).refine(inOrder, ordered);

const ReportsQuery = z
  .object({
    ...rangeFields(100),
    player: PlayerName.optional(),
    cursor: z
      .string()
      .regex(/^\d+\.\d+$/, "a cursor is the `next` of a previous page")
      .optional(),
  })
  .refine(inOrder, ordered);

const listSnapshots = createRoute({
  method: "get",
  path: "/v1/games/{game}/history",
  tags: ["History"],
  summary: "Snapshots of the top, newest first",
  description: "Sampled every `snapshotEvery` s while the board changes, with the gap between first and last.",
  request: { params: GamePath, query: SnapshotsQuery },
  responses: {
    200: { description: "Snapshots", content: { "application/json": { schema: SnapshotList } } },
    ...errors(400, 404),
  },
});

const listLeaders = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/leaders",
  tags: ["History"],
  summary: "Who led, for how long",
  description:
    "A spell at rank 1 runs from the snapshot where a player first appears there to the next snapshot with " +
    "another leader (the last spell, to the last snapshot in the range). Longest total first.",
  request: { params: GamePath, query: LeadersQuery },
  responses: {
    200: { description: "Leaders", content: { "application/json": { schema: LeaderList } } },
    ...errors(400, 404),
  },
});

const playerHistory = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/players/{player}",
  tags: ["History"],
  summary: "A player's rank and score at each snapshot where it was in the sampled top",
  request: { params: PlayerPath, query: rangeQuery(1000) },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: PlayerHistory } } },
    ...errors(400, 404),
  },
});

const listReports = createRoute({
  method: "get",
  path: "/v1/games/{game}/history/reports",
  tags: ["History"],
  summary: "Archived reports (games with `archive: true`), newest first",
  request: { params: GamePath, query: ReportsQuery },
  responses: {
    200: { description: "Reports as accepted", content: { "application/json": { schema: ReportList } } },
    ...errors(400, 404),
  },
});

const notFound = (c: Context) => fail(c, gameNotFound());

export const historyRoutes = createRouter()
  .openapi(listSnapshots, async (c) => {
    const { game } = c.req.valid("param");
    const { entries, ...page } = c.req.valid("query");
    if (!(await gameExists(c.env.DB, game))) return notFound(c);
    return c.json(await snapshotPage(c.env.DB, game, { ...page, withEntries: entries === "true" }), 200);
  })
  .openapi(listLeaders, async (c) => {
    const { game } = c.req.valid("param");
    if (!(await gameExists(c.env.DB, game))) return notFound(c);
    return c.json(await leaders(c.env.DB, game, c.req.valid("query")), 200);
  })
  .openapi(playerHistory, async (c) => {
    const { game, player } = c.req.valid("param");
    if (!(await gameExists(c.env.DB, game))) return notFound(c);
    return c.json(await playerSnapshots(c.env.DB, game, player, c.req.valid("query")), 200);
  })
  .openapi(listReports, async (c) => {
    const { game } = c.req.valid("param");
    if (!(await gameExists(c.env.DB, game))) return notFound(c);
    return c.json(await reportPage(c.env.DB, game, c.req.valid("query")), 200);
  });
