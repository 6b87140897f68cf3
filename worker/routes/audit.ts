import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { audit } from "../../protocol/d1-schema";
import { GameName } from "../../protocol/names";
import { inOrder, ordered, rangeFields } from "../../protocol/query";
import { createRouter, errorResponses as errors } from "../http";
import { requireAdmin, requireKey } from "./guards";

const AuditEntry = z
  .object({
    ts: z.number().int(),
    game: z.string(),
    action: z.string().openapi({ example: "config.changed" }),
    key: z.string().openapi({ description: "The first 12 hex digits of the key's SHA-256, never the key" }),
    details: z.unknown(),
  })
  .openapi("AuditEntry");

const getAudit = createRoute({
  method: "get",
  path: "/v1/audit",
  summary: "What admins did",
  description:
    "Admin key. Config changes, player and game removals, season closes, one entry each, and player tokens " +
    "minted, counted per game, key and hour; newest first.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin] as const,
  request: {
    query: z.object({ game: GameName.optional(), ...rangeFields(100) }).refine(inOrder, ordered),
  },
  responses: {
    200: {
      description: "Entries",
      content: { "application/json": { schema: z.object({ entries: z.array(AuditEntry) }) } },
    },
    ...errors(400, 401, 403),
  },
});

export const auditRoutes = createRouter().openapi(getAudit, async (c) => {
  const { game, from, to, limit } = c.req.valid("query");
  const rows = await drizzle(c.env.DB)
    .select({ ts: audit.ts, game: audit.game, action: audit.action, key: audit.key, details: audit.details })
    .from(audit)
    .where(and(gte(audit.ts, from), lte(audit.ts, to), game === undefined ? undefined : eq(audit.game, game)))
    .orderBy(desc(audit.ts), desc(audit.id))
    .limit(limit);
  return c.json({ entries: rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown })) }, 200);
});
