import { createMiddleware } from "hono/factory";
import { errorResponse, rateLimited } from "../../protocol/errors";
import { keyFingerprint } from "../audit";
import { authenticate, bearerOf, type Grant, mayActAs, mayAdminister, mayIngest } from "../auth";
import { addressKey } from "../client-address";
import { type AppEnv, fail } from "../http";

type KeyedEnv = AppEnv & { Variables: { grant: Grant } };

/** Bindings an operator may add to wrangler.toml; absent by default. */
interface OptionalLimits {
  /** Requests per ingest key (README, "Threat model"). */
  INGEST_LIMIT?: RateLimit;
}

/**
 * 401 unless the request carries a valid key or player token; the grant is
 * left in `c.var.grant`. A player token is also held to its rate limit, and
 * an ingest key to its own when the operator bound one.
 */
export const requireKey = createMiddleware<KeyedEnv>(async (c, next) => {
  const grant = await authenticate(c.req.header("authorization"), c.env);
  if ("status" in grant) return fail(c, grant);
  if (grant.role === "player") {
    const { success } = await c.env.TOKEN_LIMIT.limit({ key: `${grant.game}\n${grant.player}` });
    if (!success) return errorResponse(rateLimited("with this player token"), { "Retry-After": "10" });
  }
  if (grant.role === "ingest" && (await overIngestLimit(c.env, bearerOf(c.req.header("authorization")) ?? ""))) {
    return errorResponse(rateLimited("with this ingest key"), { "Retry-After": INGEST_RETRY_AFTER });
  }
  c.set("grant", grant);
  await next();
});

/** Seconds a client past the ingest limit is told to wait: the longest period the binding counts in. */
export const INGEST_RETRY_AFTER = "60";

/**
 * Whether the operator bound INGEST_LIMIT and this ingest key is past it;
 * counted by the key's fingerprint, so the key itself never leaves the Worker.
 */
export async function overIngestLimit(env: Env, key: string): Promise<boolean> {
  const limit = (env as OptionalLimits).INGEST_LIMIT;
  if (limit === undefined) return false;
  return !(await limit.limit({ key: await keyFingerprint(key) })).success;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The client's address key (see `addressKey`); undefined for loopback clients (local runs) and without the header. */
export function clientAddress(c: { req: { header(name: string): string | undefined } }): string | undefined {
  const ip = c.req.header("cf-connecting-ip");
  return ip === undefined || LOOPBACK.test(ip) ? undefined : addressKey(ip);
}

/**
 * 429 when the client address (an IPv6 /64) has opened too many live
 * sockets; loopback clients (local runs) are exempt. Cloudflare sets
 * cf-connecting-ip on every request; only a test harness calls without it.
 */
export const limitUpgrades = createMiddleware<AppEnv>(async (c, next) => {
  const address = clientAddress(c);
  if (address !== undefined) {
    const { success } = await c.env.UPGRADE_LIMIT.limit({ key: address });
    if (!success) return errorResponse(rateLimited("from this address"), { "Retry-After": "60" });
  }
  await next();
});

/** 403 for a player token, before the body is read: for routes only keys may use (their bodies run to MiB). */
export const refuseTokens = createMiddleware<KeyedEnv>(async (c, next) => {
  const refused = c.var.grant.role === "player" ? mayIngest(c.var.grant, []) : undefined;
  if (refused) return fail(c, refused);
  await next();
});

/** 403 unless the key is an admin key. */
export const requireAdmin = createMiddleware<KeyedEnv>(async (c, next) => {
  const refused = mayAdminister(c.var.grant);
  if (refused) return fail(c, refused);
  await next();
});

/**
 * 403 unless the key may write to the game in the path, or a player token
 * is for that game (its route then checks that it acts for its own player).
 */
export const requireWriterForPathGame = createMiddleware<KeyedEnv>(async (c, next) => {
  const refused = mayActAs(c.var.grant, c.req.param("game") ?? "", []);
  if (refused) return fail(c, refused);
  await next();
});

/** 403 unless the key may write to the game in the path (player tokens may not). */
export const requireIngestForPathGame = createMiddleware<KeyedEnv>(async (c, next) => {
  const refused = mayIngest(c.var.grant, [c.req.param("game") ?? ""]);
  if (refused) return fail(c, refused);
  await next();
});
