import { describe, expect, it } from "vitest";
import { MAX_FRIENDS as SERVER_MAX } from "../../protocol/boards";
import { MAX_FRIENDS, parseFriends } from "../../web/src/friends-list";

describe("the friends box's list", () => {
  it("splits on commas and spaces, counts repeats once, and sets invalid names apart", () => {
    expect(parseFriends(" ana, ben  cem,,ana\u0007x ")).toEqual({
      players: ["ana", "ben", "cem"],
      invalid: ["ana\u0007x"],
      dropped: 0,
    });
    expect(parseFriends("")).toEqual({ players: [], invalid: [], dropped: 0 });
  });

  it("holds as many players as the server reads, the rest counted as left out", () => {
    expect(MAX_FRIENDS).toBe(SERVER_MAX);
    const names = Array.from({ length: MAX_FRIENDS + 3 }, (_, i) => `p${i}`);
    const { players, dropped } = parseFriends(names.join(" "));
    expect(players).toEqual(names.slice(0, MAX_FRIENDS));
    expect(dropped).toBe(3);
  });
});
