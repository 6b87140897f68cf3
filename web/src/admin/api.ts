import type { ErrorBody } from "../../../protocol/errors";

/** An API answer: its value, or the error envelope (status 0: Podium could not be reached). */
export type Answer<T> =
  | { ok: true; status: number; value: T }
  | { ok: false; status: number; error: ErrorBody["error"] };

export type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<Answer<T>>;

const UNREACHABLE: ErrorBody["error"] = {
  code: "unreachable",
  message: "Could not reach Podium: check the connection and try again.",
};

/**
 * Calls the API with the admin key as a bearer header, the only place the key
 * goes: never a URL, a cookie or a query. `onUnauthorized` runs on a 401 (the
 * key was revoked while the console was open).
 */
export function adminCall(key: string, onUnauthorized: () => void): AdminCall {
  return async <T>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      return { ok: false, status: 0, error: UNREACHABLE };
    }
    if (res.ok) {
      const value = (res.status === 204 ? undefined : await res.json()) as T;
      return { ok: true, status: res.status, value };
    }
    const envelope = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
    if (res.status === 401) onUnauthorized();
    // A proxy's or the platform's own page in front of a Worker that is down carries no envelope.
    if (envelope?.error === undefined)
      return { ok: false, status: res.status >= 500 ? 0 : res.status, error: UNREACHABLE };
    return { ok: false, status: res.status, error: envelope.error };
  };
}

/** A game's path under /v1/games. */
export const gamePath = (game: string, rest = "") => `/v1/games/${encodeURIComponent(game)}${rest}`;
