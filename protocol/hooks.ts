import { z } from "@hono/zod-openapi";
import type { LeaderboardEntry } from "./boards";
import { WebhookUrl } from "./seasons";

/** What a game's webhook may be sent. */
const HOOK_EVENTS = ["season.closed", "leader.changed", "top.changed"] as const;

const DEFAULT_HOOK_TOP = 3;
const DEFAULT_HOOK_EVERY = 10;
const MAX_HOOK_TOP = 100;
const MAX_HOOK_EVERY = 86_400;

const EventHooks = z
  .strictObject({
    url: WebhookUrl,
    events: z
      .array(z.enum(HOOK_EVENTS))
      .min(1)
      .max(HOOK_EVENTS.length)
      .refine((events) => new Set(events).size === events.length, "each event at most once")
      .openapi({ description: "The events posted to `url`" }),
    top: z
      .number()
      .int()
      .min(1)
      .max(MAX_HOOK_TOP)
      .default(DEFAULT_HOOK_TOP)
      .openapi({ description: `The entries top.changed watches and carries (default ${DEFAULT_HOOK_TOP})` }),
    every: z
      .number()
      .int()
      .min(1)
      .max(MAX_HOOK_EVERY)
      .default(DEFAULT_HOOK_EVERY)
      .openapi({
        description:
          `Seconds: leader.changed and top.changed are each posted at most this often, with the newest state ` +
          `(default ${DEFAULT_HOOK_EVERY})`,
      }),
  })
  .openapi("EventHooks");

/** A game's webhook: a URL (season closes only), or a URL with the events it is sent. */
export const Webhook = z.union([WebhookUrl, EventHooks]).openapi("Webhook", {
  description:
    "An https URL (plain http only to localhost, 127.0.0.0/8 or [::1]) sent each season's close, or " +
    "{url, events, top, every} naming the events it is sent",
});

export type Webhook = z.infer<typeof Webhook>;
type HookSettings = z.infer<typeof EventHooks>;

/**
 * A webhook as a reader without an admin key sees it: its URL cut to the
 * origin (`https://host/…`), since a URL may carry a secret in its path or
 * query (a chat service's hook, a token).
 */
export function maskedWebhook(webhook: Webhook | null): Webhook | null {
  if (webhook === null) return null;
  const masked = (url: string) => `${new URL(url).origin}/…`;
  return typeof webhook === "string" ? masked(webhook) : { ...webhook, url: masked(webhook.url) };
}

/** Where a season's close is posted: the plain URL, or the object's when it names season.closed. */
export function seasonClosedUrl(webhook: Webhook | null): string | null {
  if (webhook === null || typeof webhook === "string") return webhook;
  return webhook.events.includes("season.closed") ? webhook.url : null;
}

/** The webhook of a game whose board changes are posted (leader.changed or top.changed), or null. */
export function boardHooks(webhook: Webhook | null): HookSettings | null {
  if (webhook === null || typeof webhook === "string") return null;
  return webhook.events.some((e) => e !== "season.closed") ? webhook : null;
}

/** The body of a leader.changed post. */
export interface LeaderChanged {
  type: "leader.changed";
  game: string;
  season: number;
  leader: LeaderboardEntry;
  /** The leader in the last leader.changed the receiver was sent this season; null for its first. */
  previous: LeaderboardEntry | null;
}

/** The body of a top.changed post. */
export interface TopChanged {
  type: "top.changed";
  game: string;
  season: number;
  entries: LeaderboardEntry[];
}
