import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserSuite, expectAccessible } from "../support/browser";

// What entries carry beyond a score, on the game page: a report's meta as
// columns, tiers as badges, the standing's top share, the tiebreak's
// subscore, and a friends board of named players.
const { server, openPage, report, configure } = browserSuite();

const RACE = "gx-race";
const PLAIN = "gx-plain";
const CUP = "gx-cup";
const SOON = "gx-soon";
const CARS = ["kart", "rally", "f1"];
/** 20 racers: the best two in gold (top 10%), the next eight silver (ranks to 10), the rest bronze. */
const racers = Array.from({ length: 20 }, (_, i) => ({
  player: `r${String(i).padStart(2, "0")}`,
  score: 2000 - i * 10,
  subscore: 0.25 * i,
  meta: { car: CARS[i % CARS.length] as string, track: "monza" },
}));

beforeAll(async () => {
  await configure(RACE, {
    tiebreak: { order: "desc" },
    tiers: [{ name: "gold", top: 0.1 }, { name: "silver", rank: 10 }, { name: "bronze" }],
  });
  await report(RACE, racers);
  // One racer with more keys than the board shows, nested values among them.
  await report(RACE, [
    {
      player: "r19",
      score: 1810,
      meta: { car: "kart", track: "spa", laps: [31.2, 30.9], setup: { wing: 3 }, tyres: "soft", fuel: 40 },
    },
  ]);
  await report(PLAIN, [
    { player: "ana", score: 10 },
    { player: "ben", score: 7 },
  ]);
  await configure(CUP, { maxAttempts: 3, open: { to: Date.now() + 2 * 3_600_000 } });
  await report(CUP, [{ player: "ana", score: 10 }]);
  await configure(SOON, { open: { from: Date.now() + 10 * 60_000 } });
}, 120_000);

const open = (path: string): Promise<Page> => openPage(path, { viewport: { width: 1280, height: 1000 } });

const headings = (page: Page) => page.locator("#board thead th").allTextContents();
const cellOf = (page: Page, player: string, heading: string) =>
  page.evaluate(
    ([player, heading]) => {
      const heads = Array.from(document.querySelectorAll("#board thead th"), (th) => th.textContent);
      const row = document.querySelector(`#board tr[data-player="${player}"]`);
      return row?.children[heads.indexOf(heading)]?.textContent;
    },
    [player, heading] as const,
  );

const boardPlayers = (page: Page) =>
  page.locator("#board tbody tr[data-player]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-player")));

describe("the game page's extras", () => {
  it("shows meta keys as columns, at most four, the rest summarized; tiers as badges; the subscore", async () => {
    const page = await open(`/games/${RACE}?limit=20`);
    await page.locator("#board tbody tr[data-player]").nth(19).waitFor();
    await expect.poll(() => headings(page)).toEqual(expect.arrayContaining(["car", "track", "Subscore"]));
    const heads = await headings(page);
    expect(heads).toEqual(expect.arrayContaining(["laps", "setup", "More"]));
    expect(heads).not.toContain("tyres");
    expect(await cellOf(page, "r01", "car")).toBe("rally");
    expect(await cellOf(page, "r01", "track")).toBe("monza");
    expect(await cellOf(page, "r19", "laps")).toBe("[31.2,30.9]");
    expect(await cellOf(page, "r19", "setup")).toBe('{"wing":3}');
    expect(await cellOf(page, "r19", "More")).toBe("tyres: soft, fuel: 40");
    expect(await cellOf(page, "r01", "More")).toBe("");
    // Formatted like values: the same fraction digits down the column.
    expect(await cellOf(page, "r02", "Subscore")).toBe("0.50");
    // The tier is text beside the name, not a colour alone.
    const badge = page.locator('#board tr[data-player="r00"] .tier-badge');
    expect(await badge.textContent()).toBe("tier gold");
    expect(await page.locator('#board tr[data-player="r05"] .tier-badge').textContent()).toBe("tier silver");
    await expectAccessible(page, "game-extras-board");
    await page.close();
  });

  it("hides meta, subscore and tier badges on a game without them", async () => {
    const page = await open(`/games/${PLAIN}`);
    await page.locator("#board tbody tr[data-player]").nth(1).waitFor();
    await expect.poll(() => page.locator(".status").textContent()).toBe("live");
    expect(await headings(page)).toEqual(["Rank", "Change", "Player", "Score"]);
    expect(await page.locator(".tier-badge").count()).toBe(0);
    await page.locator('#board tr[data-player="ana"]').click();
    await page.locator(".player-panel .player-stats").waitFor();
    expect(await page.locator(".player-panel .tier-badge").count()).toBe(0);
    expect(await page.locator(".player-panel .player-meta").count()).toBe(0);
    await page.close();
  });

  it("shows the opening hours with a countdown, and the attempts left in the player panel", async () => {
    const page = await open(`/games/${CUP}?player=ana`);
    const hours = page.locator("#opening-hours");
    await expect.poll(() => hours.textContent()).toMatch(/^Open · closes in (1h 59m|2h 0m) \(.+ UTC\)$/);
    await page.locator(".player-panel .player-stats").waitFor();
    expect(await page.locator('.player-panel [data-field="attempts"]').textContent()).toBe("2 (1 used)");
    expect(await page.locator("#opening-hours").isVisible()).toBe(true);
    await page.close();
    // A game that opens later counts down to its opening (it has no board yet: the waiting line shows).
    const soon = await open(`/games/${PLAIN}`);
    await soon.locator("#board tbody tr[data-player]").first().waitFor();
    expect(await soon.locator("#opening-hours").isHidden()).toBe(true);
    await soon.goto(`${server.url}/games/${SOON}`);
    await expect.poll(() => soon.locator("#opening-hours").textContent()).toMatch(/^Opens in \d+m \d\ds \(.+ UTC\)$/);
    const first = await soon.locator("#opening-hours").textContent();
    await expect.poll(() => soon.locator("#opening-hours").textContent(), { timeout: 5000 }).not.toBe(first);
    await soon.close();
  });

  it("shows the player's tier, top share and meta in the panel", async () => {
    const page = await open(`/games/${RACE}?player=r01`);
    await page.locator(".player-panel .player-stats").waitFor();
    const panel = page.locator(".player-panel");
    expect(await panel.locator(".tier-badge").textContent()).toBe("tier gold");
    expect(await panel.locator('[data-field="top"]').textContent()).toBe("top 10%");
    const meta = await panel
      .locator(".player-meta div")
      .evaluateAll((items) =>
        items.map((d) => [d.querySelector("dt")?.textContent, d.querySelector("dd")?.textContent]),
      );
    expect(meta).toEqual([
      ["car", "rally"],
      ["track", "monza"],
    ]);
    await expectAccessible(page, "game-extras-panel");
    await page.close();
  });

  it("shows a live board of named friends with their ranks, who is missing, in the URL, and clears", async () => {
    const page = await open(`/games/${RACE}`);
    await page.locator("#board tbody tr[data-player]").nth(14).waitFor();
    // By keyboard: the labelled box, then Enter.
    await page.getByLabel("Friends").focus();
    await page.keyboard.type("r12, r03 zed");
    await page.keyboard.press("Enter");
    await expect.poll(() => boardPlayers(page)).toEqual(["r03", "r12"]);
    expect(await cellOf(page, "r12", "Rank")).toBe("13");
    expect(new URL(page.url()).searchParams.get("friends")).toBe("r12,r03,zed");
    const status = page.locator("#friends-status");
    expect(await status.getAttribute("aria-live")).toBe("polite");
    await expect.poll(() => status.textContent()).toContain("Not on the board: zed");
    await expectAccessible(page, "game-extras-friends");

    // Live: a friend's new score moves them on the friends board.
    await report(RACE, [{ player: "r12", score: 2500 }]);
    await expect.poll(() => boardPlayers(page)).toEqual(["r12", "r03"]);
    expect(await cellOf(page, "r12", "Rank")).toBe("1");

    await page.getByRole("button", { name: "Clear friends" }).click();
    await expect.poll(() => page.locator("#board tbody tr[data-player]").count()).toBe(15);
    expect(new URL(page.url()).searchParams.has("friends")).toBe(false);
    expect(await page.getByLabel("Friends").inputValue()).toBe("");
    await page.close();

    // A deep link opens the friends board at once.
    const linked = await open(`/games/${RACE}?friends=r05,r07`);
    await expect.poll(() => boardPlayers(linked)).toEqual(["r05", "r07"]);
    expect(await linked.getByLabel("Friends").inputValue()).toBe("r05, r07");
    await linked.close();
  });
});
