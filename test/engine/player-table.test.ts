import { describe, expect, it } from "vitest";
import { Ranking } from "../../engine/ranking";

describe("PlayerTable team column", () => {
  it("keeps every player's team when team ids outgrow 16 bits", () => {
    const board = new Ranking({ aggregate: "last", order: "desc", ties: "first", window: 0 });
    const teams = 0x10000 + 2;
    const reports = Array.from({ length: teams }, (_, i) => ({ player: `p${i}`, score: i, ts: 1, team: `t${i}` }));
    for (let i = 0; i < teams; i += 10_000) board.apply(reports.slice(i, i + 10_000), 2);
    for (const i of [0, 1, 0xfffe, 0xffff, 0x10000, 0x10001]) expect(board.state(`p${i}`)?.team).toBe(`t${i}`);
    expect(board.derived.rankedTeams).toBe(teams);
    expect(board.derived.team(`t${teams - 1}`, 1)?.players).toEqual([
      { rank: 1, player: `p${teams - 1}`, score: teams - 1, share: 1 },
    ]);
  });
});
