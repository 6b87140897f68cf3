import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserSuite, expectAccessible } from "../support/browser";

// The game page's cohort picker: a game with cohorts offers "All players"
// and each cohort opened; a cohort's live board ranks its players within it,
// with their rank on the whole board beside.
const { openPage, report, configure } = browserSuite();

/** p1..p7 arrive in order: cohort 1 holds p1-p3, cohort 2 p4-p6, cohort 3 p7. */
const SCORES = [10, 50, 30, 40, 20, 60, 5];
const arrivals = SCORES.map((score, i) => ({ player: `p${i + 1}`, score, ts: 1000 + i }));

async function cohortGame(game: string): Promise<void> {
  await configure(game, { cohorts: { size: 3 } });
  await report(game, arrivals);
}

beforeAll(async () => {
  await Promise.all(["co-pick", "co-link", "co-grow"].map(cohortGame));
  await report("co-plain", arrivals);
}, 120_000);

const open = (path: string): Promise<Page> => openPage(path, { viewport: { width: 1280, height: 1000 } });

const picker = (page: Page) => page.getByLabel("Cohort", { exact: true });
const optionTexts = (page: Page) => picker(page).locator("option").allTextContents();
/** The board's rows as [player, Rank, Global] (Global empty when the column is not shown). */
const rows = (page: Page) =>
  page.evaluate(() => {
    const heads = Array.from(document.querySelectorAll("#board thead th"), (th) => th.textContent);
    return Array.from(document.querySelectorAll<HTMLElement>("#board tbody tr[data-player]"), (row) => [
      row.dataset.player,
      row.children[heads.indexOf("Rank")]?.textContent,
      heads.includes("Global") ? row.children[heads.indexOf("Global")]?.textContent : "",
    ]);
  });
const cohortParam = (page: Page) => new URL(page.url()).searchParams.get("cohort");

describe("the cohort picker", () => {
  it("offers each cohort opened, shows a cohort's live board with global ranks, and goes back", async () => {
    const page = await open("/games/co-pick");
    await expect.poll(() => optionTexts(page)).toEqual(["All players", "Cohort 1", "Cohort 2", "Cohort 3"]);
    expect(await picker(page).isVisible()).toBe(true);
    expect(await picker(page).inputValue()).toBe("");
    await expect.poll(async () => (await rows(page)).length).toBe(7);

    await picker(page).selectOption({ label: "Cohort 2" });
    await expect
      .poll(() => rows(page))
      .toEqual([
        ["p6", "1", "1"],
        ["p4", "2", "3"],
        ["p5", "3", "5"],
      ]);
    expect(cohortParam(page)).toBe("2");
    expect(await page.locator("#board caption").textContent()).toContain("Cohort 2");
    expect(await page.locator(".total").textContent()).toBe("3 players");
    await expectAccessible(page, "cohorts-board");

    // Live: a cohort-2 player's report moves it within the cohort, and its global rank with it.
    await report("co-pick", [{ player: "p5", score: 55 }]);
    await expect
      .poll(() => rows(page))
      .toEqual([
        ["p6", "1", "1"],
        ["p5", "2", "2"],
        ["p4", "3", "4"],
      ]);
    // Another cohort's player changes nothing here.
    await report("co-pick", [{ player: "p1", score: 99 }]);
    await expect
      .poll(() => rows(page))
      .toEqual([
        ["p6", "1", "2"],
        ["p5", "2", "3"],
        ["p4", "3", "5"],
      ]);

    await picker(page).selectOption({ label: "All players" });
    await expect
      .poll(async () => (await rows(page)).map(([player]) => player))
      .toEqual(["p1", "p6", "p5", "p2", "p4", "p3", "p7"]);
    expect((await rows(page)).every(([, , global]) => global === "")).toBe(true);
    expect(cohortParam(page)).toBeNull();
    await page.close();
  });

  it("opens a cohort from the URL, and shows a player's cohort and rank in it in the panel", async () => {
    const page = await open("/games/co-link?cohort=2");
    await expect
      .poll(() => rows(page))
      .toEqual([
        ["p6", "1", "1"],
        ["p4", "2", "3"],
        ["p5", "3", "5"],
      ]);
    await expect.poll(() => picker(page).inputValue()).toBe("2");
    await page.locator('#board tr[data-player="p4"] .player-open').click();
    const cohort = page.locator('.player-panel [data-field="cohort"]');
    await cohort.waitFor();
    expect(await cohort.textContent()).toBe("Cohort 2, #2 in it");
    await expectAccessible(page, "cohorts-panel");
    // Following a player leaves the cohort for the whole board.
    await page.getByLabel("Follow player").fill("p7");
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    await expect.poll(async () => (await rows(page)).length).toBe(7);
    expect(cohortParam(page)).toBeNull();
    expect(await picker(page).inputValue()).toBe("");
    await page.close();
  });

  it("offers a cohort opened after the page loaded, and leaves a cohort not opened for all players", async () => {
    const page = await open("/games/co-grow?cohort=4");
    await expect.poll(() => optionTexts(page)).toHaveLength(4);
    await expect.poll(() => cohortParam(page)).toBeNull();
    await expect.poll(async () => (await rows(page)).length).toBe(7);
    expect(await picker(page).inputValue()).toBe("");

    // p8 and p9 fill cohort 3 (beside p7); p10-p12 open cohort 4, below everyone on the whole board.
    await report("co-grow", [
      { player: "p8", score: 1 },
      { player: "p9", score: 1 },
      { player: "p10", score: 4 },
      { player: "p11", score: 3 },
      { player: "p12", score: 2 },
    ]);
    await picker(page).focus();
    await expect.poll(() => optionTexts(page)).toEqual(["All players", ...[1, 2, 3, 4].map((n) => `Cohort ${n}`)]);
    await picker(page).selectOption("4");
    await expect
      .poll(() => rows(page))
      .toEqual([
        ["p10", "1", "8"],
        ["p11", "2", "9"],
        ["p12", "3", "10"],
      ]);
    await page.close();
  });

  it("shows no picker on a game without cohorts", async () => {
    const page = await open("/games/co-plain?cohort=2");
    await expect.poll(async () => (await rows(page)).length).toBe(7);
    // The game's info has been read once the history shows.
    await page.locator("section.history:not([hidden])").waitFor();
    expect(await picker(page).isVisible()).toBe(false);
    expect(cohortParam(page)).toBeNull();
    expect((await rows(page)).every(([, , global]) => global === "")).toBe(true);
    await page.locator('#board tr[data-player="p2"] .player-open').click();
    await page.locator(".player-panel .player-standing").waitFor();
    expect(await page.locator('.player-panel [data-field="cohort"]').count()).toBe(0);
    await expectAccessible(page, "cohorts-none");
    await page.close();
  });
});
