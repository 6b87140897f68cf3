import type { Browser, Page, Request } from "playwright-core";
import { ADMIN_KEY, type DevServer } from "./dev-server";

/** What the console's browser tests do again and again, against one dev server and one browser. */
export function consoleDriver(server: DevServer, browser: () => Browser) {
  /** A page with every request it sends recorded. */
  async function consolePage(path = "/admin"): Promise<{ page: Page; requests: Request[] }> {
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    const requests: Request[] = [];
    page.on("request", (request) => requests.push(request));
    await page.goto(`${server.url}${path}`);
    return { page, requests };
  }

  async function signIn(page: Page, key = ADMIN_KEY): Promise<void> {
    await page.locator("#admin-key").fill(key);
    await page.locator("#sign-in button[type=submit]").click();
  }

  /** A signed-in console at `path`. */
  async function signedIn(path = "/admin"): Promise<{ page: Page; requests: Request[] }> {
    const opened = await consolePage(path);
    await signIn(opened.page);
    await opened.page.locator("#sign-out").waitFor();
    return opened;
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers } });

  async function audit(game: string): Promise<{ action: string; details: unknown }[]> {
    const res = await api(`/v1/audit?game=${game}`);
    return ((await res.json()) as { entries: { action: string; details: unknown }[] }).entries;
  }

  /** Confirms the open dialog (typing `typed` first when asked). */
  async function confirmDialog(page: Page, typed?: string): Promise<void> {
    const dialog = page.locator("dialog[open]");
    await dialog.waitFor();
    if (typed !== undefined) await dialog.locator("#confirm-typed").fill(typed);
    await dialog.locator("#confirm-go").click();
    await dialog.waitFor({ state: "detached" });
  }

  return { consolePage, signIn, signedIn, api, audit, confirmDialog };
}
