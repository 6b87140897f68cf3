import { verify } from "hono/jwt";
import {
  type ApiError,
  adminOnly,
  gameForbidden,
  invalidKey,
  invalidToken,
  missingKey,
  tokenForbidden,
} from "../protocol/errors";

/**
 * Keys come from two secrets, each a comma-separated list:
 *   ADMIN_KEYS   keys that may do everything
 *   INGEST_KEYS  keys that may report scores; `key:game1|game2` limits a key
 *                to those games, and a trailing `*` matches a prefix
 *                (`key:league-*`).
 * Presented keys are compared by SHA-256 digest in constant time, against
 * every configured key, so neither timing nor early exit reveals a match.
 */

export type Grant =
  | { role: "admin" }
  | { role: "ingest"; games: GameScope }
  /** A player token: one game, one player's own scores and profile. */
  | { role: "player"; game: string; player: string };

/** Which games an ingest key may write; undefined = all. */
type GameScope = string[] | undefined;

interface ConfiguredKey {
  digest: ArrayBuffer;
  grant: Grant;
}

const encoder = new TextEncoder();
let cache: { source: string; keys: Promise<ConfiguredKey[]> } | undefined;

function configuredKeys(ingestKeys: string, adminKeys: string): Promise<ConfiguredKey[]> {
  const source = `${ingestKeys}\n${adminKeys}`;
  if (cache?.source !== source) cache = { source, keys: parseKeys(ingestKeys, adminKeys) };
  return cache.keys;
}

async function parseKeys(ingestKeys: string, adminKeys: string): Promise<ConfiguredKey[]> {
  const entries: { key: string; grant: Grant }[] = [];
  for (const key of splitList(adminKeys)) entries.push({ key, grant: { role: "admin" } });
  for (const item of splitList(ingestKeys)) {
    const colon = item.indexOf(":");
    if (colon === -1) entries.push({ key: item, grant: { role: "ingest", games: undefined } });
    else {
      const games = item
        .slice(colon + 1)
        .split("|")
        .map((g) => g.trim())
        .filter(Boolean);
      entries.push({ key: item.slice(0, colon), grant: { role: "ingest", games } });
    }
  }
  return Promise.all(entries.map(async ({ key, grant }) => ({ digest: await digest(key), grant })));
}

function splitList(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * workerd's constant-time comparison. Declared here because Node projects
 * type-check this file too (through the typed client) and know only the DOM's
 * SubtleCrypto.
 */
const timingSafeEqual = (a: ArrayBuffer, b: ArrayBuffer): boolean =>
  (crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBuffer, b: ArrayBuffer): boolean }).timingSafeEqual(a, b);

function digest(key: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(key));
}

/** The key or token of a `Bearer` authorization header, if it has one. */
export const bearerOf = (authorization: string | undefined): string | undefined =>
  authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];

/** The grant of the bearer key or player token in `authorization`, or a 401 error. */
export function authenticate(
  authorization: string | undefined,
  env: { INGEST_KEYS?: string; ADMIN_KEYS?: string; PLAYER_TOKEN_SECRET?: string },
): Promise<Grant | ApiError> {
  const bearer = bearerOf(authorization);
  if (bearer !== undefined && JWT_SHAPE.test(bearer)) return playerGrant(bearer, env.PLAYER_TOKEN_SECRET);
  return grantOf(bearer, env);
}

/** Three base64url segments: a JWT, never one of our keys (which have no dots). */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** A player token's grant: HS256 with the secret, unexpired, naming a player and a game; else a 401. */
async function playerGrant(token: string, secret: string | undefined): Promise<Grant | ApiError> {
  if (!secret) return invalidToken("player tokens are not enabled (no PLAYER_TOKEN_SECRET)");
  try {
    const { sub, game, exp } = await verify(token, secret, "HS256");
    if (typeof sub !== "string" || typeof game !== "string") return invalidToken("the token names no player or game");
    // verify() checks exp only when present; a token that never expires is not one Podium mints.
    if (typeof exp !== "number") return invalidToken("the token has no expiry");
    return { role: "player", game, player: sub };
  } catch (error) {
    return invalidToken(
      (error as Error).name === "JwtTokenExpired" ? "the token has expired" : "the token is not valid",
    );
  }
}

/** A 403 error unless `grant` is a key, or a token for `game` and `player` (when one is named). */
export function mayActAs(grant: Grant, game: string, players: Iterable<string>): ApiError | undefined {
  if (grant.role !== "player") return mayIngest(grant, [game]);
  if (grant.game !== game) return tokenForbidden(`this token is for game ${JSON.stringify(grant.game)}`);
  for (const player of players) {
    if (player !== grant.player)
      return tokenForbidden(`this token may only act for player ${JSON.stringify(grant.player)}`);
  }
  return undefined;
}

/**
 * The key in any of the forms Influx clients send it: `Authorization: Token
 * <key>` or `Bearer <key>`, Basic with the key as the password, or the 1.x
 * query parameter `p`.
 */
export function influxKey(authorization: string | undefined, password: string | undefined): string | undefined {
  const scheme = authorization?.match(/^(Token|Bearer|Basic)\s+(\S+)\s*$/i);
  if (scheme?.[1].toLowerCase() === "basic") {
    try {
      const decoded = atob(scheme[2]);
      return decoded.slice(decoded.indexOf(":") + 1) || undefined;
    } catch {
      return undefined;
    }
  }
  return scheme?.[2] ?? (password || undefined);
}

/** The grant of `key`, or a 401 error. */
export async function grantOf(
  key: string | undefined,
  env: { INGEST_KEYS?: string; ADMIN_KEYS?: string },
): Promise<Grant | ApiError> {
  if (key === undefined) return missingKey();
  const presented = await digest(key);
  let found: Grant | undefined;
  for (const configured of await configuredKeys(env.INGEST_KEYS ?? "", env.ADMIN_KEYS ?? "")) {
    if (timingSafeEqual(presented, configured.digest) && found === undefined) found = configured.grant;
  }
  return found ?? invalidKey();
}

/** A 403 error unless `grant` may write scores to every game in `games`. */
export function mayIngest(grant: Grant, games: Iterable<string>): ApiError | undefined {
  if (grant.role === "player")
    return tokenForbidden("a player token may only post its own scores, set its profile and join");
  if (grant.role === "admin" || grant.games === undefined) return undefined;
  const scope = grant.games;
  for (const game of games) {
    if (!scope.some((pattern) => matches(pattern, game))) {
      return gameForbidden(game);
    }
  }
  return undefined;
}

/** A 403 error unless `grant` is an admin key. */
export function mayAdminister(grant: Grant): ApiError | undefined {
  return grant.role === "admin" ? undefined : adminOnly();
}

function matches(pattern: string, game: string): boolean {
  return pattern.endsWith("*") ? game.startsWith(pattern.slice(0, -1)) : pattern === game;
}
