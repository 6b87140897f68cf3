import { z } from "@hono/zod-openapi";
import type { LeaderboardEntry } from "./boards";
import { WebhookUrl } from "./seasons";

/** What a game's webhook may be sent. */
export const HOOK_EVENTS = ["season.closed", "leader.changed", "top.changed"] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export const DEFAULT_HOOK_TOP = 3;
export const DEFAULT_HOOK_EVERY = 10;
export const MAX_HOOK_TOP = 100;
export const MAX_HOOK_EVERY = 86_400;

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
export type HookSettings = z.infer<typeof EventHooks>;

/** A webhook in its full form: the plain URL means season closes only. */
export function hookSettings(webhook: Webhook | null): HookSettings | null {
  if (webhook === null) return null;
  if (typeof webhook !== "string") return webhook;
  return { url: webhook, events: ["season.closed"], top: DEFAULT_HOOK_TOP, every: DEFAULT_HOOK_EVERY };
}

/** Where a season's close is posted, if its webhook takes season.closed. */
export function seasonClosedUrl(webhook: Webhook | null): string | null {
  const hooks = hookSettings(webhook);
  return hooks?.events.includes("season.closed") ? hooks.url : null;
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
