import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { API_TAGS, API_VERSION } from "../protocol/api-info";
import { errorForStatus, internalError, jsonRequired, methodNotAllowed, routeNotFound } from "../protocol/errors";
import { createRouter, fail } from "./http";
import { acrossRoutes } from "./routes/across";
import { auditRoutes } from "./routes/audit";
import { boardRoutes } from "./routes/boards";
import { cohortRoutes } from "./routes/cohorts";
import { docsRoutes } from "./routes/docs";
import { friendsRoutes } from "./routes/friends";
import { gameRoutes } from "./routes/games";
import { historyRoutes } from "./routes/history";
import { influxRoutes } from "./routes/influx";
import { joinRoutes } from "./routes/join";
import { liveRoutes } from "./routes/live";
import { profileRoutes } from "./routes/profiles";
import { resultRoutes } from "./routes/results";
import { scoreRoutes } from "./routes/scores";
import { seasonRoutes } from "./routes/seasons";
import { tokenRoutes } from "./routes/tokens";
import { writeRoutes } from "./routes/write";

const app = createRouter();

// Dashboards on other origins read boards from the browser; keys are bearer
// tokens, never cookies, so allowing every origin exposes nothing.
// Retry-After is exposed so a game client in a browser can read when to try again after a 429.
app.use(
  "/v1/*",
  cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type"], exposeHeaders: ["Retry-After"], maxAge: 86400 }),
);
// API answers are JSON for any origin: nosniff and no framing, but nothing that would stop cross-origin reads.
const apiHeaders = secureHeaders({
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  xFrameOptions: "DENY",
  referrerPolicy: "strict-origin-when-cross-origin",
});
for (const path of ["/v1/*", "/write", "/api/*"]) app.use(path, apiHeaders);

export const routes = app
  .route("/", scoreRoutes)
  .route("/", writeRoutes)
  .route("/", influxRoutes)
  .route("/", gameRoutes)
  .route("/", boardRoutes)
  .route("/", cohortRoutes)
  .route("/", friendsRoutes)
  .route("/", acrossRoutes)
  .route("/", profileRoutes)
  .route("/", joinRoutes)
  .route("/", resultRoutes)
  .route("/", seasonRoutes)
  .route("/", tokenRoutes)
  .route("/", auditRoutes)
  .route("/", liveRoutes)
  .route("/", historyRoutes)
  .route("/", docsRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description:
    "An ingest key (scores) or an admin key (everything), from INGEST_KEYS / ADMIN_KEYS; or a player token " +
    "(POST /v1/games/{game}/tokens), which posts its own player's scores, sets its own profile and joins it " +
    "to the open season",
});

// The reference's own two routes are plain Hono routes: listed here so the document names every endpoint.
app.openAPIRegistry.registerPath({
  method: "get",
  path: "/v1/openapi.json",
  tags: ["Reference"],
  summary: "This document",
  responses: { 200: { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: {} } } } },
});
app.openAPIRegistry.registerPath({
  method: "get",
  path: "/v1/docs",
  tags: ["Reference"],
  summary: "This document, rendered",
  responses: { 200: { description: "Swagger UI, served from local files", content: { "text/html": { schema: {} } } } },
});

app.doc31("/v1/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Podium",
    version: API_VERSION,
    description:
      "Real-time leaderboards for games: one Durable Object per game, history in D1. " +
      "[Back to the live boards](/) · [the OpenAPI document](/v1/openapi.json)",
  },
  tags: API_TAGS.map((tag) => ({ ...tag })),
});

/** Answers 405 with `Allow` for a known path and another method, else 404. */
app.notFound((c) => {
  const allowed = allowedMethods(c.req.path);
  if (allowed.length > 0) {
    c.header("Allow", allowed.join(", "));
    return fail(c, methodNotAllowed(c.req.method, allowed));
  }
  return fail(c, routeNotFound(c.req.method, c.req.path));
});

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    // Hono's JSON validator refuses other types with a bare 415; the most common curl mistake deserves the fix.
    if (status === 415) return fail(c, jsonRequired(c.req.header("content-type")));
    return fail(c, errorForStatus(status, error.message || "request failed"));
  }
  console.error(`${c.req.method} ${c.req.path} failed`, error);
  return fail(c, internalError());
});

function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const pattern = new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+")}$`);
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods];
}

export type AppType = typeof routes;
export default app;
