import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchChromium, readmeShot, seeding } from "../support/browser";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

// The console (/admin) in Chromium against `wrangler dev`: sign-in, games,
// the config form generated from the zod schema, players, seasons, the audit
// log, and where the admin key goes (and never goes).
const server = new DevServer();
const { report, configure } = seeding(server);
let browser: Browser;

beforeAll(async () => {
  await server.start();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server.dispose();
});

/** A page with every request it sends recorded. */
async function consolePage(path = "/admin"): Promise<{ page: Page; requests: Request[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

describe("sign-in", () => {
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

describe("players", () => {
  it("looks a player up, mints a token with a play link that plays, and removes the player", async () => {
    const game = "console-players";
    await report(game, [
      { player: "ana", score: 30 },
      { player: "ben", score: 20 },
    ]);
    const { page } = await signedIn(`/admin?game=${game}&tab=players`);
    await page.locator("#player-name").fill("ben");
    await page.locator("#player-lookup button").click();
    expect(await page.locator("#player-rank").textContent()).toBe("#2 of 2");
    await page.locator("#player-name").fill("nobody");
    await page.locator("#player-lookup button").click();
    await page.locator("#player-found .field-error").filter({ hasText: "nobody" }).waitFor();

    await page.locator("#token-player").fill("cem");
    await page.locator("#token-form button").click();
    const link = page.locator("#play-link");
    await link.waitFor();
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(new RegExp(`^${server.url}/games/${game}/play#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(await page.locator("#token-value").inputValue()).toBe(href.split("#token=")[1]);
    await expectAccessible(page, "admin-players");

    await page.locator("#player-name").fill("ana");
    await page.locator("#player-lookup button").click();
    await page.locator("#player-rank").waitFor();
    await readmeShot(page, "admin-players");
    await page.locator("#player-remove").click();
    await confirmDialog(page);
    await page.locator("#player-found").filter({ hasText: "Removed ana." }).waitFor();
    expect((await api(`/v1/games/${game}/players/ana`)).status).toBe(404);

    // The link plays: the token posts cem's own score.
    const play = await browser.newPage();
    await play.goto(href);
    await play.locator("#play-score").fill("25");
    await play.locator("#play-submit").click();
    expect(await play.locator("#play-rank").textContent()).toBe("#1");
    await play.close();
    await page.close();
  });
});

describe("seasons", () => {
  it("closes the season after a confirmation, and shows the archive, awards and webhook attempts", async () => {
    const game = "console-seasons";
    // A webhook nobody listens on: its delivery is attempted and retried.
    await configure(game, {
      aggregate: "sum",
      prizes: { poolShare: 0.5, poolSeed: 100, split: [{ from: 1, to: 1, share: 0.6 }] },
      webhook: "http://127.0.0.1:9/podium",
    });
    await report(game, [
      { player: "ana", score: 40 },
      { player: "ben", score: 20 },
    ]);
    const { page } = await signedIn(`/admin?game=${game}&tab=seasons`);
    await page.locator('tr[data-season="1"]').waitFor();
    await page.locator("#season-close").click();
    await page.locator("dialog[open] #confirm-cancel").click();
    await page.locator("dialog").waitFor({ state: "detached" });
    expect(((await (await api(`/v1/games/${game}/seasons`)).json()) as { seasons: unknown[] }).seasons).toHaveLength(1);

    await page.locator("#season-close").click();
    await confirmDialog(page);
    await page.locator("#seasons-status").filter({ hasText: "Closed season 1 (2 players)." }).waitFor();
    const closed = page.locator('tr[data-season="1"]');
    await expect
      .poll(
        async () => {
          await page.getByRole("link", { name: "Seasons and webhooks" }).click();
          await closed.waitFor();
          return closed.locator("td.webhook").textContent();
        },
        { timeout: 20_000 },
      )
      .toMatch(/^not yet \([1-9]\d* attempts?\)$/);
    expect(await page.locator('tr[data-season="2"] td').nth(1).textContent()).toBe("open");
    await closed.getByRole("button", { name: "Season 1" }).click();
    // 100 seeded + half of 60 gained = 130; the leader's 60% is 78.
    await page.locator("table.admin-awards tbody tr").first().waitFor();
    expect(
      await page.locator("table.admin-awards tbody tr").evaluateAll((trs) => trs.map((t) => t.textContent)),
    ).toEqual(["1ana78"]);
    await expectAccessible(page, "admin-seasons");
    await readmeShot(page, "admin-seasons");
    await page.close();
  });
});

describe("audit log", () => {
  it("lands every destructive action the console takes in the audit log, and filters it by game, action and time", async () => {
    const game = "console-audited";
    await report(game, [
      { player: "ana", score: 3 },
      { player: "ben", score: 2 },
    ]);
    const { page } = await signedIn(`/admin?game=${game}`);
    // A config change,
    await page.locator("#cfg-order").selectOption("asc");
    await page.locator("#config-review").click();
    await page.locator("#config-save").click();
    await page.locator("#config-status").filter({ hasText: "Saved 1 change." }).waitFor();
    // a player removed, a token minted,
    await page.getByRole("link", { name: "Players" }).click();
    await page.locator("#player-name").fill("ben");
    await page.locator("#player-lookup button").click();
    await page.locator("#player-remove").click();
    await confirmDialog(page);
    await page.locator("#player-found").filter({ hasText: "Removed ben." }).waitFor();
    await page.locator("#token-player").fill("ana");
    await page.locator("#token-form button").click();
    await page.locator("#play-link").waitFor();
    // a season closed,
    await page.getByRole("link", { name: "Seasons and webhooks" }).click();
    await page.locator("#season-close").click();
    await confirmDialog(page);
    await page.locator("#seasons-status").filter({ hasText: "Closed season 1" }).waitFor();
    // and the game deleted.
    await page.getByRole("link", { name: "All games" }).click();
    await page.locator(`button[data-delete="${game}"]`).click();
    await confirmDialog(page, game);
    await page
      .locator("#games-status")
      .filter({ hasText: `Deleted ${game}` })
      .waitFor();

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("#audit-game").fill(game);
    await page.locator("#audit-filters button").click();
    const actions = () =>
      page
        .locator("table.admin-audit tbody tr[data-action]")
        .evaluateAll((trs) => trs.map((t) => t.getAttribute("data-action")));
    await expect
      .poll(actions)
      .toEqual(["game.deleted", "season.closed", "player.removed", "config.changed", "tokens.minted"]);
    expect(await page.locator('tr[data-action="player.removed"] td.details').textContent()).toBe('{"player":"ben"}');
    expect(await page.locator('tr[data-action="config.changed"] td.details').textContent()).toBe('{"order":"asc"}');
    expect(page.url()).toContain(`game=${game}`);
    await expectAccessible(page, "admin-audit");
    await readmeShot(page, "admin-audit");

    await page.locator("#audit-action").selectOption("player.removed");
    await page.locator("#audit-filters button").click();
    await expect.poll(actions).toEqual(["player.removed"]);
    // Time: from two minutes ahead finds nothing; no config change of this game is older than two minutes.
    const local = (ms: number) =>
      page.evaluate((t) => {
        const d = new Date(t);
        const pad = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
      }, ms);
    await page.locator("#audit-action").selectOption("");
    await page.locator("#audit-from").fill(await local(Date.now() + 120_000));
    await page.locator("#audit-filters button").click();
    await page.locator("#audit-status").filter({ hasText: "0 entries." }).waitFor();
    await page.locator("#audit-from").fill("");
    await page.locator("#audit-action").selectOption("config.changed");
    await page.locator("#audit-to").fill(await local(Date.now() - 120_000));
    await page.locator("#audit-filters button").click();
    await page.locator("#audit-status").filter({ hasText: "0 entries." }).waitFor();
    await page.locator("#audit-to").fill(await local(Date.now() + 120_000));
    await page.locator("#audit-filters button").click();
    await expect.poll(actions).toEqual(["config.changed"]);
    await page.locator("#audit-action").selectOption("");
    await page.locator("#audit-filters button").click();
    await expect.poll(actions).toHaveLength(5);
    // The filters are an address: a reload shows the same view.
    await page.reload();
    await expect.poll(actions).toHaveLength(5);
    expect(await page.locator("#audit-game").inputValue()).toBe(game);
    await page.close();
  });
});
