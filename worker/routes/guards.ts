import { createMiddleware } from "hono/factory";
import { authenticate, type Grant, mayActAs, mayAdminister, mayIngest } from "../auth";
import { type AppEnv, fail } from "../http";

type KeyedEnv = AppEnv & { Variables: { grant: Grant } };

/** 401 unless the request carries a valid key; the grant is left in `c.var.grant`. */
export const requireKey = createMiddleware<KeyedEnv>(async (c, next) => {
  const grant = await authenticate(c.req.header("authorization"), c.env);
  if ("status" in grant) return fail(c, grant);
  c.set("grant", grant);
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
