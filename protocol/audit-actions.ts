/** What the audit log records, as plain strings the browser bundle can import without zod. */
export const AUDIT_ACTIONS = [
  "config.changed",
  "player.removed",
  "game.deleted",
  "season.closed",
  "tokens.minted",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
