import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../protocol/config";
import { gameFeatures, totalText, valueKind } from "../../web/src/game-features";
import { leadChange } from "../../web/src/lead-change";
import type { LiveRow } from "../../web/src/live-rows";

const none = { teams: 0, countries: 0 };

describe("what a game page shows", () => {
  it("shows teams and MVPs only with teams, countries only with countries, trending only when configured", () => {
    expect(gameFeatures(DEFAULT_CONFIG, none).boards).toEqual(["players", "trending"]);
    expect(gameFeatures({ ...DEFAULT_CONFIG, trend: null }, none).boards).toEqual(["players"]);
    expect(gameFeatures(DEFAULT_CONFIG, { teams: 3, countries: 2 }).boards).toEqual([
      "players",
      "teams",
      "mvps",
      "trending",
      "countries",
    ]);
    expect(gameFeatures({ ...DEFAULT_CONFIG, trend: null }, { teams: 0, countries: 1 }).boards).toEqual([
      "players",
      "countries",
    ]);
  });

  it("shows a rated 1v1 game's players board alone, its ratings whole (ELO) or to a tenth (OpenSkill)", () => {
    const elo = gameFeatures({ ...DEFAULT_CONFIG, rating: "elo" }, none);
    expect(elo).toEqual({ boards: ["players"], kind: "rating", rated: true, digits: 0 });
    expect(gameFeatures({ ...DEFAULT_CONFIG, rating: "openskill" }, none).digits).toBe(1);
    const wins = gameFeatures({ ...DEFAULT_CONFIG, rating: "wins" }, none);
    expect(wins).toMatchObject({ boards: ["players", "trending"], kind: "wins", rated: true, digits: undefined });
    expect(gameFeatures(DEFAULT_CONFIG, none)).toMatchObject({ kind: "score", rated: false, digits: undefined });
  });

  it("names the value by the game's kind: scores, ratings, wins or summed points", () => {
    expect(valueKind({ rating: "none", aggregate: "last" })).toBe("score");
    expect(valueKind({ rating: "none", aggregate: "max" })).toBe("score");
    expect(valueKind({ rating: "none", aggregate: "sum" })).toBe("points");
    expect(valueKind({ rating: "elo", aggregate: "last" })).toBe("rating");
    expect(valueKind({ rating: "openskill", aggregate: "last" })).toBe("rating");
    expect(valueKind({ rating: "wins", aggregate: "last" })).toBe("wins");
  });

  it("counts a board's total in words that read naturally", () => {
    expect(totalText("players", 30)).toBe("30 players");
    expect(totalText("players", 1)).toBe("1 player");
    expect(totalText("mvps", 8)).toBe("8 MVPs");
    expect(totalText("teams", 1200)).toBe("1,200 teams");
    expect(totalText("countries", 3)).toBe("3 countries");
    expect(totalText("trending", 2)).toBe("2 players");
  });
});

describe("the lead change a screen reader hears", () => {
  const row = (key: string, rank: number, name?: string) =>
    ({ key, rank, player: key, score: 10 - rank, ts: 0, ...(name ? { name } : {}) }) as unknown as LiveRow;

  it("says who takes the lead, by display name, once", () => {
    const before = [row("ana", 1), row("ben", 2, "Ben B.")];
    const after = [row("ben", 1, "Ben B."), row("ana", 2)];
    expect(leadChange("players", before, after)).toBe("Ben B. takes the lead");
    expect(leadChange("players", after, after)).toBeUndefined();
    expect(leadChange("players", undefined, after)).toBeUndefined();
    expect(leadChange("teams", [row("red", 1)], [row("blue", 1)])).toBe("blue takes the lead");
    expect(leadChange("trending", before, after)).toBeUndefined();
  });
});
