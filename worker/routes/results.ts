import { createRoute } from "@hono/zod-openapi";
import { GamePath, PlayerPath } from "../../protocol/names";
import { Accepted } from "../../protocol/reports";
import { EventsBody, PlayerStats, ResultsBody } from "../../protocol/results";
import { createRouter, errorResponses as errors, limitBody, reply } from "../http";
import { applyBatch, EVENTS, RESULTS } from "../shards";
import { requireIngestForPathGame, requireKey } from "./guards";

const MAX_JSON_BYTES = 1024 * 1024;

const postResults = createRoute({
  method: "post",
  path: "/v1/games/{game}/results",
  tags: ["Reporting"],
  summary: "Report match results",
  description:
    "One result or `{results: [...]}` (up to 1000), applied in order: `{winner, loser}`, `{draw: [...]}` or " +
    "`{placements: [[...], ...]}` (2-64 players, an inner list finished tied). For stats the first group wins, " +
    "the others lose, one group is a draw. On a rated game (`rating`: wins, elo, openskill) results set the " +
    "players' scores. Validated whole; answered once durable; `id` makes a result idempotent.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireIngestForPathGame, limitBody(MAX_JSON_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: ResultsBody } } },
  },
  responses: {
    200: { description: "Accepted", content: { "application/json": { schema: Accepted } } },
    ...errors(400, 401, 403, 409, 413, 415, 429),
  },
});

const postEvents = createRoute({
  method: "post",
  path: "/v1/games/{game}/events",
  tags: ["Reporting"],
  summary: "Count things players do",
  description:
    "`{player, counters: {name: increment}}` or `{events: [...]}` (up to 1000): each counter grows by its " +
    "whole-number increment. At most 100 counters per player and safe-integer values (400 beyond, nothing " +
    "applied). `id` makes an event idempotent.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireIngestForPathGame, limitBody(MAX_JSON_BYTES)] as const,
  request: {
    params: GamePath,
    body: { required: true, content: { "application/json": { schema: EventsBody } } },
  },
  responses: {
    200: { description: "Accepted", content: { "application/json": { schema: Accepted } } },
    ...errors(400, 401, 403, 413, 415, 429),
  },
});

const getStats = createRoute({
  method: "get",
  path: "/v1/games/{game}/players/{player}/stats",
  tags: ["Players"],
  summary: "A player's stats",
  description:
    "Results (played, wins, losses, draws, streaks), score reports (count, best score, first and last seen), " +
    "counters, and on OpenSkill games the rating's mu and sigma. Stats outlive the window; 404 for a player " +
    "never seen.",
  request: { params: PlayerPath },
  responses: {
    200: { description: "The stats", content: { "application/json": { schema: PlayerStats } } },
    ...errors(400, 404),
  },
});

export const resultRoutes = createRouter()
  .openapi(postResults, async (c) => {
    const { game } = c.req.valid("param");
    const body = c.req.valid("json");
    const results = "results" in body ? body.results : [body];
    return reply(c, await applyBatch(c.env, game, results, RESULTS));
  })
  .openapi(postEvents, async (c) => {
    const { game } = c.req.valid("param");
    const body = c.req.valid("json");
    const events = "events" in body ? body.events : [body];
    return reply(c, await applyBatch(c.env, game, events, EVENTS));
  })
  .openapi(getStats, async (c) => {
    const { game, player } = c.req.valid("param");
    return reply(c, await c.env.BOARD.getByName(game).playerStats(player));
  });
