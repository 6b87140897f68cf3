import type { AuditAction } from "../protocol/audit-actions";
import { bearerOf } from "./auth";
import { addMint, insertAction } from "./d1/audit";

/** What the log needs of a request's context: the database, and the key it came with. */
interface Caller {
  env: { DB: D1Database };
  req: { header(name: string): string | undefined };
}

const HOUR_MS = 3_600_000;

/** The first 12 hex digits of the key's SHA-256: names a key without revealing it. */
export async function keyFingerprint(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The fingerprint of the request's bearer key. */
const fingerprint = (c: Caller): Promise<string> => keyFingerprint(bearerOf(c.req.header("authorization")) ?? "");

/**
 * Keeps an admin action in D1's audit log, once it has succeeded. A failed
 * write is logged, not answered: the action itself has already happened.
 */
export async function recordAction(c: Caller, game: string, action: AuditAction, details: unknown): Promise<void> {
  try {
    const row = { ts: Date.now(), game, action, key: await fingerprint(c), details: JSON.stringify(details ?? {}) };
    await insertAction(c.env.DB, row);
  } catch (error) {
    console.error(`audit: recording ${action} on ${game} failed`, error);
  }
}

/** Counts a player token minted: one row per game, key and hour. */
export async function countMint(c: Caller, game: string): Promise<void> {
  const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  try {
    await addMint(c.env.DB, { hour, game, key: await fingerprint(c) });
  } catch (error) {
    console.error(`audit: counting a token for ${game} failed`, error);
  }
}
