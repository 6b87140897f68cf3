import { and, desc, eq, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { AuditAction } from "../../protocol/audit-actions";
import { audit } from "../../protocol/d1-schema";
import type { SpanPage } from "./history";

/** One admin action: `key` is a fingerprint, `details` already JSON. */
type ActionRow = Omit<typeof audit.$inferInsert, "id">;

/** A page of the audit log within the span, optionally one game's or one action's, newest first; `details` parsed. */
export async function auditEntries(
  d1: D1Database,
  { game, action, from, to, limit }: SpanPage & { game?: string; action?: AuditAction },
) {
  const rows = await drizzle(d1)
    .select({ ts: audit.ts, game: audit.game, action: audit.action, key: audit.key, details: audit.details })
    .from(audit)
    .where(
      and(
        gte(audit.ts, from),
        lte(audit.ts, to),
        game === undefined ? undefined : eq(audit.game, game),
        action === undefined ? undefined : eq(audit.action, action),
      ),
    )
    .orderBy(desc(audit.ts), desc(audit.id))
    .limit(limit);
  // Only recordAction and addMint write rows, with an AuditAction each.
  return rows.map((r) => ({ ...r, action: r.action as AuditAction, details: JSON.parse(r.details) as unknown }));
}

/** Keeps one admin action. */
export async function insertAction(d1: D1Database, { ts, game, action, key, details }: ActionRow): Promise<void> {
  await d1
    .prepare("INSERT INTO audit (ts, game, action, key, details) VALUES (?, ?, ?, ?, ?)")
    .bind(ts, game, action, key, details)
    .run();
}

/** Adds one to the count of tokens `key` minted for `game` in the hour starting at `hour`. */
export async function addMint(
  d1: D1Database,
  { hour, game, key }: { hour: number; game: string; key: string },
): Promise<void> {
  // The partial unique index on mints makes the row per (game, key, hour) one upsert.
  await d1
    .prepare(
      `INSERT INTO audit (ts, game, action, key, details) VALUES (?, ?, 'tokens.minted', ?, '{"count":1}')
       ON CONFLICT (game, key, ts) WHERE action = 'tokens.minted'
       DO UPDATE SET details = json_set(details, '$.count', json_extract(details, '$.count') + 1)`,
    )
    .bind(hour, game, key)
    .run();
}
