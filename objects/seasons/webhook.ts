import { backoffMs } from "../alarm/backoff";

/** A season's webhook delivery, kept with the season in SQLite. */
export interface Delivery {
  url: string;
  delivered: boolean;
  attempts: number;
  /** When the next attempt is due (ms). */
  nextAt: number;
  /** Attempts stop after this (the close plus 24 h). */
  until: number;
  /** The last attempt's HTTP status or error. */
  last?: string;
}

export const WEBHOOK_RETRY_FOR_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60 * 60 * 1000;
const TIMEOUT_MS = 10_000;

export const SIGNATURE_HEADER = "Podium-Signature";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the secret. */
export async function signature(secret: string, seconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${seconds}.${body}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `t=${seconds},v1=${hex}`;
}

/**
 * One attempt: POSTs the body, signed, and answers the delivery after it.
 * A 2xx delivers; anything else (a status, a network error, a timeout) is
 * retried with exponential backoff and jitter until `until`.
 */
export async function attempt(delivery: Delivery, body: string, secret: string): Promise<Delivery> {
  const now = Date.now();
  let last: string;
  try {
    const res = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signature(secret, Math.floor(now / 1000), body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return { ...delivery, delivered: true, attempts: delivery.attempts + 1, last: String(res.status) };
    last = String(res.status);
  } catch (error) {
    last = (error as Error).message.slice(0, 200);
  }
  const attempts = delivery.attempts + 1;
  return { ...delivery, attempts, nextAt: Date.now() + backoffMs(attempts, FIRST_RETRY_MS, MAX_RETRY_MS), last };
}
