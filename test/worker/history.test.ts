import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HistoryWriter } from "../../objects/history/writer";
import { call, errorOf, uniqueGame } from "../support/worker-client";

const writer = new HistoryWriter(env.DB);

/** A game in the directory whose snapshots have the given leaders, 10 s apart from t0. */
async function scripted(leaders: string[], t0 = 1_000_000): Promise<string> {
  const game = uniqueGame("hq");
  await env.DB.prepare("INSERT INTO games (game, players, updated_at, created_at) VALUES (?, 3, ?, ?)")
    .bind(game, t0, t0)
    .run();
  for (const [i, leader] of leaders.entries()) {
    const others = ["x", "y", "w"].filter((p) => p !== leader);
    await writer.writeSnapshot({
      game,
      ts: t0 + i * 10_000,
      total: 3,
      entries: [
        { rank: 1, player: leader, score: 100 + i, ts: 0 },
        { rank: 2, player: others[0], score: 50, ts: 0 },
        { rank: 3, player: others[1], score: 10 + i, ts: 0 },
      ],
    });
  }
  return game;
}

/** The specification of leader spells, computed the plain way. */
function naiveLeaders(sequence: { ts: number; leader: string }[]) {
  const totals = new Map<string, { ms: number; spells: number }>();
  for (let i = 0; i < sequence.length; i++) {
    if (i > 0 && sequence[i - 1].leader === sequence[i].leader) continue;
    let j = i + 1;
    while (j < sequence.length && sequence[j].leader === sequence[i].leader) j++;
    const end = j < sequence.length ? sequence[j].ts : sequence[sequence.length - 1].ts;
    const t = totals.get(sequence[i].leader) ?? { ms: 0, spells: 0 };
    totals.set(sequence[i].leader, { ms: t.ms + end - sequence[i].ts, spells: t.spells + 1 });
  }
  return [...totals]
    .map(([player, t]) => ({ player, seconds: t.ms / 1000, spells: t.spells }))
    .sort((a, b) => b.seconds - a.seconds || b.spells - a.spells || (a.player < b.player ? -1 : 1));
}

describe("history routes", () => {
  it("lists snapshots newest first with entries and gap, paging with next", async () => {
    const game = await scripted(["a", "a", "b"]);
    const page = await (await call(`/v1/games/${game}/history?limit=2`)).json<{
      snapshots: {
        ts: number;
        entries: { rank: number; player: string; score: number }[];
        gap: object;
        total: number;
      }[];
      next: number;
    }>();
    expect(page.snapshots.map((s) => s.ts)).toEqual([1_020_000, 1_010_000]);
    expect(page.snapshots[0]).toEqual({
      ts: 1_020_000,
      total: 3,
      entries: [
        { rank: 1, player: "b", score: 102 },
        { rank: 2, player: "x", score: 50 },
        { rank: 3, player: "y", score: 12 },
      ],
      gap: { topFirst: 102, topLast: 12, gap: 90 },
    });
    const rest = await (await call(`/v1/games/${game}/history?limit=2&to=${page.next}`)).json<{
      snapshots: { ts: number }[];
      next?: number;
    }>();
    expect(rest.snapshots.map((s) => s.ts)).toEqual([1_000_000]);
    expect(rest.next).toBeUndefined();
    const light = await (await call(`/v1/games/${game}/history?entries=false&limit=1`)).json<{ snapshots: object[] }>();
    expect(light.snapshots).toEqual([
      { ts: 1_020_000, total: 3, entries: [], gap: { topFirst: 102, topLast: 12, gap: 90 } },
    ]);
    const ranged = await (await call(`/v1/games/${game}/history?from=1005000&to=1015000`)).json<{
      snapshots: { ts: number }[];
    }>();
    expect(ranged.snapshots.map((s) => s.ts)).toEqual([1_010_000]);
  });

  it("computes leader spells, including a leader who returns", async () => {
    // a leads 0-20 s, b 20-30 s, a again 30-50 s, c at the last snapshot (50 s).
    const game = await scripted(["a", "a", "b", "a", "a", "c"]);
    const res = await call(`/v1/games/${game}/history/leaders`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      leaders: [
        { player: "a", seconds: 40, spells: 2 },
        { player: "b", seconds: 10, spells: 1 },
        { player: "c", seconds: 0, spells: 1 },
      ],
    });
    const windowed = await (await call(`/v1/games/${game}/history/leaders?from=1020000&to=1030000`)).json();
    expect(windowed).toEqual({
      leaders: [
        { player: "b", seconds: 10, spells: 1 },
        { player: "a", seconds: 0, spells: 1 },
      ],
    });
  });

  it("agrees with a naive recomputation of spells for any leader sequence", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom("p", "q", "r"), { minLength: 1, maxLength: 25 }), async (leaders) => {
        const game = await scripted(leaders);
        const got = await (await call(`/v1/games/${game}/history/leaders`)).json<{ leaders: unknown[] }>();
        expect(got.leaders).toEqual(naiveLeaders(leaders.map((leader, i) => ({ ts: 1_000_000 + i * 10_000, leader }))));
      }),
      { numRuns: 25 },
    );
  });

  it("gives a player's rank and score at each snapshot where it was sampled", async () => {
    const game = await scripted(["a", "x", "a"]);
    const res = await call(`/v1/games/${game}/history/players/a`);
    expect(await res.json()).toEqual({
      player: "a",
      snapshots: [
        { ts: 1_020_000, rank: 1, score: 102 },
        { ts: 1_000_000, rank: 1, score: 100 },
      ],
    });
    const x = await (await call(`/v1/games/${game}/history/players/x?limit=1`)).json<{
      snapshots: { rank: number }[];
      next: number;
    }>();
    expect(x.snapshots).toEqual([{ ts: 1_020_000, rank: 2, score: 50 }]);
    expect(x.next).toBe(1_019_999);
    expect(await (await call(`/v1/games/${game}/history/players/nobody`)).json()).toEqual({
      player: "nobody",
      snapshots: [],
    });
  });

  it.each([
    ["from after to", "?from=10&to=5"],
    ["limit 0", "?limit=0"],
    ["limit 1001", "?limit=1001"],
    ["negative from", "?from=-1"],
    ["non-numeric to", "?to=yesterday"],
  ])("answers 400 for %s", async (_, query) => {
    const game = await scripted(["a"]);
    for (const path of ["history", "history/players/a"]) {
      const res = await call(`/v1/games/${game}/${path}${query}`);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_request");
    }
  });

  it("answers 404 for a game that does not exist", async () => {
    for (const path of ["history", "history/leaders", "history/players/a", "history/reports"]) {
      const res = await call(`/v1/games/${uniqueGame("none")}/${path}`);
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe("game_not_found");
    }
  });
});
