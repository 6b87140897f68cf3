import { adminCall } from "./api";

/**
 * The admin key lives in this tab's session storage only: never in local
 * storage (it would outlive the tab), a cookie (it would ride along on every
 * request) or a URL (history, logs and Referer would keep it).
 */
const STORAGE_KEY = "podium.admin.key";

export const storedKey = (): string | undefined => sessionStorage.getItem(STORAGE_KEY) ?? undefined;
export const keepKey = (key: string) => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetKey = () => sessionStorage.removeItem(STORAGE_KEY);

/** Why a key may not sign in, told apart: a wrong key, a key that is not an admin's, or no Podium to ask. */
export type KeyCheck = "ok" | "invalid" | "not_admin" | "unreachable";

/** Asks the server with the cheapest admin-only read there is: one audit entry. */
export async function checkKey(key: string): Promise<KeyCheck> {
  const answer = await adminCall(key, () => {})("GET", "/v1/audit?limit=1");
  if (answer.ok) return "ok";
  if (answer.status === 401) return "invalid";
  if (answer.status === 403) return "not_admin";
  return "unreachable";
}

export const CHECK_TEXT: Record<Exclude<KeyCheck, "ok">, string> = {
  invalid: "That key is not valid: check it and try again.",
  not_admin: "That key is an ingest key: the console needs an admin key (ADMIN_KEYS).",
  unreachable: "Could not reach Podium: the server or the network is down. Your key was not checked.",
};
