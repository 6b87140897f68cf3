/**
 * Podium's typed client: `import { createClient, LiveFeed } from "podium/client"`.
 *
 * `createClient` is Hono's RPC client over the Worker's own route types, so
 * paths, parameters, bodies and answers are checked by the compiler against
 * the server that serves them. `LiveFeed` holds a game's live board.
 */
import { hc } from "hono/client";
import type { AppType } from "../worker/app";

export { type FeedState, LiveFeed, type LiveFeedOptions } from "./live";

export interface ClientOptions {
  /** An ingest or admin key, sent as a bearer token on every request. */
  key?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export function createClient(baseUrl: string, options: ClientOptions = {}) {
  return hc<AppType>(baseUrl.replace(/\/$/, ""), {
    ...(options.key === undefined ? {} : { headers: { authorization: `Bearer ${options.key}` } }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

export type PodiumClient = ReturnType<typeof createClient>;
