import { createRoute, z } from "@hono/zod-openapi";
import { AUDIT_ACTIONS } from "../../protocol/audit-actions";
import { GameName } from "../../protocol/names";
import { inOrder, ordered, rangeFields } from "../../protocol/query";
import { auditEntries } from "../d1/audit";
import { createRouter, errorResponses as errors } from "../http";
import { requireAdmin, requireKey } from "./guards";

const AuditEntry = z
  .object({
    ts: z.number().int(),
    game: z.string(),
    action: z.enum(AUDIT_ACTIONS).openapi({ example: "config.changed" }),
    key: z.string().openapi({ description: "The first 12 hex digits of the key's SHA-256, never the key" }),
    details: z.unknown(),
  })
  .openapi("AuditEntry");

const getAudit = createRoute({
  method: "get",
  path: "/v1/audit",
  tags: ["Audit"],
  summary: "What admins did",
  description:
    "Admin key. Config changes, player and game removals, season closes, one entry each, and player tokens " +
    "minted, counted per game, key and hour; newest first.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireAdmin] as const,
  request: {
    query: z
      .object({
        game: GameName.optional(),
        action: z.enum(AUDIT_ACTIONS).optional().openapi({ description: "Only this kind of action" }),
        ...rangeFields(100),
      })
      .refine(inOrder, ordered),
  },
  responses: {
    200: {
      description: "Entries",
      content: { "application/json": { schema: z.object({ entries: z.array(AuditEntry) }) } },
    },
    ...errors(400, 401, 403),
  },
});

export const auditRoutes = createRouter().openapi(getAudit, async (c) =>
  c.json({ entries: await auditEntries(c.env.DB, c.req.valid("query")) }, 200),
);
