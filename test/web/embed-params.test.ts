import { describe, expect, it } from "vitest";
import { embedParams } from "../../web/src/embed-params";

describe("the embed's query", () => {
  it("reads board, limit, theme and player", () => {
    expect(embedParams("?board=players&limit=25&theme=transparent&player=p%201")).toEqual({
      board: "players",
      limit: 25,
      theme: "transparent",
      player: "p 1",
    });
    expect(embedParams("?board=countries&limit=100&theme=dark")).toEqual({
      board: "countries",
      limit: 100,
      theme: "dark",
    });
  });

  it("falls back to defaults for what is invalid, so an overlay shows a board rather than an error", () => {
    const defaults = { board: "players", limit: 10, theme: "light" };
    expect(embedParams("")).toEqual(defaults);
    for (const limit of ["0", "101", "2.5", "-3", "ten", ""]) expect(embedParams(`?limit=${limit}`)).toEqual(defaults);
    expect(embedParams("?board=leaders&theme=neon&player=%E2%80%AE")).toEqual(defaults);
  });

  it("highlights a player on the players board only, its name as the server keys it (NFC)", () => {
    expect(embedParams("?board=teams&player=p1")).toEqual({ board: "teams", limit: 10, theme: "light" });
    expect(embedParams(`?player=${encodeURIComponent("cafe\u0301")}`).player).toBe("caf\u00e9");
  });
});
