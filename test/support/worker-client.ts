import { exports } from "cloudflare:workers";

/** Keys configured for tests in vitest.config.ts. */
export const INGEST = "ingest-test-key";
export const SCOPED = "scoped-test-key"; // may write to games matching scoped-* and solo
export const ADMIN = "admin-test-key";

let counter = 0;
/** A game name no other test uses: storage is shared within a test file. */
export function uniqueGame(prefix = "g"): string {
  counter++;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function call(path: string, init: RequestInit & { key?: string; json?: unknown } = {}): Promise<Response> {
  const { key, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key) headers.set("authorization", `Bearer ${key}`);
  let body = rest.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(`http://podium.test${path}`, { ...rest, headers, body }));
}

export async function postScores(game: string, body: unknown, key = INGEST): Promise<Response> {
  return call(`/v1/games/${game}/scores`, { method: "POST", key, json: body });
}

export async function board(game: string, query = ""): Promise<{ total: number; entries: Record<string, unknown>[] }> {
  const res = await call(`/v1/games/${game}/leaderboard${query}`);
  if (res.status !== 200) throw new Error(`leaderboard ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Asserts the error envelope and returns it. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; details?: unknown[] }> {
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown[] } };
  if (typeof body?.error?.code !== "string" || typeof body.error.message !== "string") {
    throw new Error(`not an error envelope: ${JSON.stringify(body)}`);
  }
  return body.error;
}
