import { createRoute, z } from "@hono/zod-openapi";
import { Leaderboard } from "../../protocol/boards";
import { CohortNumber } from "../../protocol/cohorts";
import { GamePath } from "../../protocol/names";
import { queryInt } from "../../protocol/query";
import { createRouter, errorResponses as errors, reply } from "../http";

const getCohort = createRoute({
  method: "get",
  path: "/v1/games/{game}/cohorts/{cohort}",
  tags: ["Boards"],
  summary: "A page of one cohort's board",
  description:
    "On a game with `cohorts`: the cohort's players on the board, ranked within it under the game's rules " +
    "(`rank`), each with `globalRank` on the whole board; `total` counts the cohort's players on the board. " +
    "Cohorts open in arrival order (1, 2, ...) and start afresh each season. 404 `cohort_not_found` for a " +
    "cohort not opened this season, or on a game without cohorts.",
  request: {
    params: GamePath.extend({ cohort: CohortNumber }),
    query: z.object({ limit: queryInt(1, 1000, 15), offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0) }),
  },
  responses: {
    200: {
      description: "The cohort's entries in rank order",
      content: { "application/json": { schema: Leaderboard } },
    },
    ...errors(400, 404),
  },
});

export const cohortRoutes = createRouter().openapi(getCohort, async (c) => {
  const { game, cohort } = c.req.valid("param");
  const { offset, limit } = c.req.valid("query");
  return reply(c, await c.env.BOARD.getByName(game).leaderboard(offset, limit, undefined, cohort));
});
