import { describe, expect, it } from "vitest";
import pageHeaders from "../../protocol/security-headers.json";
import { browserSuite, expectAccessible, readmeShot } from "../support/browser";
import { consoleDriver } from "../support/console";
import { ADMIN_KEY, INGEST_KEY } from "../support/dev-server";

// The console (/admin) in Chromium against `wrangler dev`: sign-in and
// where the admin key goes (and never goes), the games, and the config form
// generated from the zod schema. admin-actions.browser.test.ts: players,
// seasons and the audit log.
const { server, browser, report, configure } = browserSuite();
const { consolePage, signIn, signedIn, api, audit, confirmDialog } = consoleDriver(server, browser);

describe("sign-in", () => {
  it("is a page of its own under the pages' security headers, with no inline script", async () => {
    const res = await fetch(`${server.url}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(pageHeaders["Content-Security-Policy"]);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    expect([...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1])).toEqual([' type="module" src="/admin.js"']);
    // The form's schema is a file beside it, generated from the zod schema at build time.
    const schema = await fetch(`${server.url}/admin-config.json`);
    expect(schema.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(((await schema.json()) as { defaults: object }).defaults)).toContain("snapshotTop");

    const { page } = await consolePage();
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await signIn(page);
    await page.locator("table.admin-games").waitFor();
    expect(refused).toEqual([]);
    await page.close();
  });

  it("tells a wrong key, an ingest key and a server it cannot reach apart", async () => {
    const { page } = await consolePage();
    await signIn(page, "not-a-key");
    const error = page.locator("#sign-in-error");
    await expect.poll(() => error.getAttribute("data-reason")).toBe("invalid");
    expect(await error.textContent()).toMatch(/not valid/);

    await signIn(page, INGEST_KEY);
    await expect.poll(() => error.getAttribute("data-reason")).toBe("not_admin");
    expect(await error.textContent()).toMatch(/admin key/);

    // The network drops every API call: the key was not checked, and nothing says it was wrong.
    await page.route("**/v1/**", (route) => route.abort("connectionrefused"));
    await signIn(page, ADMIN_KEY);
    await expect.poll(() => error.getAttribute("data-reason")).toBe("unreachable");
    expect(await error.textContent()).toMatch(/Could not reach Podium/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.unroute("**/v1/**");

    // A Worker answering 502 without the error envelope (a proxy's page) is unreachable too.
    await page.route("**/v1/audit**", (route) => route.fulfill({ status: 502, body: "Bad gateway" }));
    await signIn(page, ADMIN_KEY);
    await expect.poll(() => error.textContent()).toMatch(/Could not reach Podium/);
    await page.unroute("**/v1/audit**");

    await signIn(page, "not-a-key");
    await expect.poll(() => error.getAttribute("data-reason")).toBe("invalid");
    await expectAccessible(page, "admin-sign-in");
    await readmeShot(page, "admin-sign-in");
    await page.close();
  });

  it("keeps the key in session storage only, sends it only as a bearer header, and never in a URL", async () => {
    const { page, requests } = await consolePage();
    await signIn(page);
    await page.locator("#sign-out").waitFor();
    await page.locator("table.admin-games tbody tr").first().waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([ADMIN_KEY]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);

    // Move around: the audit log and a game, so several routes are called.
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("#audit-status").filter({ hasText: /entr/ }).waitFor();
    await page.reload();
    await page.locator("#audit-status").filter({ hasText: /entr/ }).waitFor();
    expect(page.url()).not.toContain(ADMIN_KEY);

    const api = requests.filter((r) => new URL(r.url()).pathname.startsWith("/v1/"));
    expect(api.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) {
      expect(request.url()).not.toContain(ADMIN_KEY);
      expect(request.url()).not.toContain(encodeURIComponent(ADMIN_KEY));
      expect(request.postData() ?? "").not.toContain(ADMIN_KEY);
    }
    for (const request of api) expect(await request.headerValue("authorization")).toBe(`Bearer ${ADMIN_KEY}`);
    // Pages and files carry no key: only the API hears it.
    for (const request of requests.filter((r) => !api.includes(r)))
      expect(await request.headerValue("authorization")).toBeNull();

    // Signing out forgets it; a new tab (a new session) starts signed out.
    await page.locator("#sign-out").click();
    await page.locator("#admin-key").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });
});

describe("games", () => {
  it("creates a game from the form: its first config, reviewed as a diff before anything is sent", async () => {
    const game = "console-created";
    const { page, requests } = await signedIn();
    await page.locator("#create-name").fill(game);
    await page.locator("#create-form button[type=submit]").click();
    await page.locator("#config-form").waitFor();
    // Every setting of the schema is a field, with its bounds and default.
    expect(await page.locator("#cfg-snapshotTop-hint").textContent()).toMatch(/from 1 to 100.*Default: 15/);
    expect(await page.locator("#cfg-aggregate").inputValue()).toBe("last");
    await page.locator("#cfg-aggregate").selectOption("max");
    await page.locator("#cfg-window").fill("11");
    await page.locator("#config-review").click();
    const diff = page.locator("#config-diff");
    await diff.waitFor();
    const rows = await diff
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent)));
    expect(rows).toEqual([
      ["aggregate", '"last"', '"max"'],
      ["window", "0", "11"],
    ]);
    // Reviewing sent nothing.
    expect(requests.filter((r) => r.method() === "PUT")).toEqual([]);
    expect((await api(`/v1/games/${game}`)).status).toBe(404);
    await expectAccessible(page, "admin-create-diff");

    await page.locator("#config-save").click();
    await page.waitForURL(/\?game=console-created$/);
    const puts = requests.filter((r) => r.method() === "PUT");
    expect(puts.map((r) => r.postDataJSON())).toEqual([{ aggregate: "max", window: 11 }]);
    const info = (await (await api(`/v1/games/${game}`)).json()) as { config: Record<string, unknown> };
    expect(info.config).toMatchObject({ aggregate: "max", window: 11, order: "desc" });
    await page.close();
  });

  it("lists and searches the games", async () => {
    await report("console-list-alpha", [{ player: "a", score: 1 }]);
    await report("console-list-beta", [
      { player: "a", score: 1 },
      { player: "b", score: 2 },
    ]);
    const { page } = await signedIn();
    const row = page.locator('table.admin-games tr[data-game="console-list-beta"]');
    await row.waitFor();
    expect(await row.locator("td.num").textContent()).toBe("2");
    await page.locator("#games-search").fill("alpha");
    await expect
      .poll(() =>
        page
          .locator("table.admin-games tbody tr[data-game]")
          .evaluateAll((trs) => trs.map((t) => t.getAttribute("data-game"))),
      )
      .toEqual(["console-list-alpha"]);
    await page.locator("#games-search").fill("console-list");
    await expectAccessible(page, "admin-games");
    await readmeShot(page, "admin-games");
    // At 360 px the page does not scroll sideways (the table scrolls in its region), nor does a game's config form.
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.locator('tr[data-game="console-list-beta"] a').click();
    await page.locator("#config-form").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("deletes a game only once its name is typed, and sends the history choice", async () => {
    for (const game of ["console-del-keep", "console-del-all"]) await report(game, [{ player: "a", score: 1 }]);
    const { page, requests } = await signedIn();
    for (const [game, history] of [
      ["console-del-keep", false],
      ["console-del-all", true],
    ] as const) {
      await page.locator(`button[data-delete="${game}"]`).click();
      const dialog = page.locator("dialog[open]");
      await dialog.waitFor();
      expect(await dialog.locator("#confirm-go").isDisabled()).toBe(true);
      await dialog.locator("#confirm-typed").fill(`${game}x`);
      expect(await dialog.locator("#confirm-go").isDisabled()).toBe(true);
      if (history) await dialog.locator("#delete-history").check();
      await confirmDialog(page, game);
      await page
        .locator("#games-status")
        .filter({ hasText: `Deleted ${game}` })
        .waitFor();
      const sent = requests.filter((r) => r.method() === "DELETE").at(-1);
      expect(new URL(sent?.url() ?? "").search).toBe(`?history=${history}`);
      expect((await api(`/v1/games/${game}`)).status).toBe(404);
      expect((await audit(game))[0]).toMatchObject({ action: "game.deleted", details: { history } });
    }
    // Cancel leaves the game be.
    await report("console-del-cancel", [{ player: "a", score: 1 }]);
    await page.reload();
    await page.locator('button[data-delete="console-del-cancel"]').click();
    await page.locator("dialog[open] #confirm-cancel").click();
    await page.locator("dialog").waitFor({ state: "detached" });
    expect((await api("/v1/games/console-del-cancel")).status).toBe(200);
    await page.close();
  });
});

describe("config", () => {
  it("shows the server's 400 details next to the fields that caused them", async () => {
    const game = "console-config-400";
    await configure(game, { order: "asc" });
    const { page, requests } = await signedIn(`/admin?game=${game}`);
    await page.locator("#config-form").waitFor();
    expect(await page.locator("#cfg-order").inputValue()).toBe("asc");
    await page.locator("#cfg-snapshotTop").fill("500");
    await page.locator("#cfg-trend-short").fill("5000");
    await page.locator("#config-review").click();
    await page.locator("#config-diff tbody tr").first().waitFor();
    expect(
      await page.locator("#config-diff tbody tr").evaluateAll((trs) => trs.map((t) => t.getAttribute("data-key"))),
    ).toEqual(["snapshotTop", "trend"]);
    await page.locator("#config-save").click();
    const error = page.locator("#cfg-snapshotTop-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/100/);
    expect(await page.locator("#cfg-snapshotTop").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#cfg-trend-short-error").textContent()).toMatch(/3599/);
    expect(await page.locator("#cfg-window-error").isHidden()).toBe(true);
    expect(await page.locator("#config-status").textContent()).toMatch(/Not saved \(invalid_request\)/);
    // The server answered 400 and nothing changed.
    const put = requests.filter((r) => r.method() === "PUT").at(-1);
    expect((await put?.response())?.status()).toBe(400);
    const info = (await (await api(`/v1/games/${game}`)).json()) as { config: { snapshotTop: number } };
    expect(info.config.snapshotTop).toBe(15);
    await expectAccessible(page, "admin-config-error");
    await page.locator("#cfg-snapshotTop").scrollIntoViewIfNeeded();
    await readmeShot(page, "admin-config-error");

    // Fixed, it saves; a JSON field that does not parse never leaves the page.
    await page.locator("#cfg-snapshotTop").fill("20");
    await page.locator("#cfg-trend-short").fill("10");
    await page.locator("#cfg-tiers").fill("[{");
    await page.locator("#config-review").click();
    expect(await page.locator("#cfg-tiers-error").textContent()).toMatch(/not valid JSON/);
    await page.locator("#cfg-tiers").fill('[{"name": "gold", "top": 0.1}, {"name": "rest"}]');
    await page.locator("#config-review").click();
    expect(
      await page.locator("#config-diff tbody tr").evaluateAll((trs) => trs.map((t) => t.getAttribute("data-key"))),
    ).toEqual(["snapshotTop", "tiers"]);
    await page.locator("#config-diff").scrollIntoViewIfNeeded();
    await readmeShot(page, "admin-diff");
    await page.locator("#config-save").click();
    await page.locator("#config-status").filter({ hasText: "Saved 2 changes." }).waitFor();
    const saved = (await (await api(`/v1/games/${game}`)).json()) as { config: Record<string, unknown> };
    expect(saved.config).toMatchObject({ snapshotTop: 20, tiers: [{ name: "gold", top: 0.1 }, { name: "rest" }] });
    // A nullable group switched off sends null.
    await page.locator("#cfg-trend-on").uncheck();
    await page.locator("#config-review").click();
    await page.locator("#config-save").click();
    await page.locator("#config-status").filter({ hasText: "Saved 1 change." }).waitFor();
    const off = (await (await api(`/v1/games/${game}`)).json()) as { config: Record<string, unknown> };
    expect(off.config.trend).toBeNull();
    await page.close();
  });
});
