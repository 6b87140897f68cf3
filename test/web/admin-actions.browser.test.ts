import { describe, expect, it } from "vitest";
import { browserSuite, expectAccessible, readmeShot } from "../support/browser";
import { consoleDriver } from "../support/console";

// The console's players, seasons and audit log in Chromium against
// `wrangler dev`; every destructive action it takes lands in the audit log.
const { server, browser, report, configure } = browserSuite();
const { signedIn, api, confirmDialog } = consoleDriver(server, browser);

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
    const play = await browser().newPage();
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
    // The archive: the final standings from D1,
    await page.locator("table.admin-standings tbody tr").first().waitFor();
    expect(
      await page.locator("table.admin-standings tbody tr").evaluateAll((trs) => trs.map((t) => t.textContent)),
    ).toEqual(["1ana40", "2ben20"]);
    // and the awards: 100 seeded + half of 60 gained = 130; the leader's 60% is 78.
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
