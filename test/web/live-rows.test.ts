import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ranking } from "../../engine/ranking";
import { diffEntries, visibleEntries } from "../../objects/live/views";
import { BoardReads } from "../../objects/reads";
import { applyLiveMessage, type LiveEntry, type LiveState } from "../../protocol/live";
import { liveRows } from "../../web/src/live-rows";

describe("the web client's live state", () => {
  it("converges on the server's visible board through any sequence of updates (rows, ranks, arrows)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.record({ player: fc.constantFrom(..."abcdefghij"), score: fc.integer({ min: 0, max: 9 }) }), {
            maxLength: 8,
          }),
          {
            minLength: 1,
            maxLength: 15,
          },
        ),
        fc.constantFrom(undefined, "c"),
        (batches, followed) => {
          const server = new Ranking();
          const reads = new BoardReads(
            () => server,
            () => ({ many: () => new Map() }),
            () => ({ many: () => new Map() }),
          );
          const spec = { limit: 3, around: 1, ...(followed ? { player: followed } : {}) };
          let sent = visibleEntries(reads, spec, 0);
          let client: LiveState | undefined = applyLiveMessage(undefined, {
            type: "snapshot",
            seq: 7,
            total: 0,
            entries: [...sent.values()],
          });
          let rows = liveRows(client as LiveState<LiveEntry>, 3, followed, undefined);
          expect(rows.every((r) => r.movement === "same")).toBe(true);
          batches.forEach((batch, i) => {
            server.apply(server.plan(batch.map((r) => ({ ...r, ts: i }))), 0);
            const next = visibleEntries(reads, spec, 0);
            const entries = diffEntries("players", sent, next);
            sent = next;
            client = applyLiveMessage(client, { type: "update", seq: 8 + i, total: server.rankedPlayers, entries });
            expect(client).toBeDefined();
            const before = new Map(rows.map((r) => [r.player, r.rank]));
            rows = liveRows(client as LiveState<LiveEntry>, 3, followed, rows);
            const truth = [...next.values()] as LiveEntry[];
            expect(rows.map(({ rank, player, score }) => ({ rank, player, score }))).toEqual(
              truth.map(({ rank, player, score }) => ({ rank, player, score })),
            );
            for (const row of rows) {
              const was = before.get(row.player);
              const want = was === undefined ? "new" : row.rank < was ? "up" : row.rank > was ? "down" : "same";
              expect(row.movement).toBe(want);
              expect(row.followed).toBe(row.player === followed);
            }
          });
        },
      ),
    );
  });

  it("refuses an update that does not follow (a seq gap), so the client resyncs", () => {
    const board = applyLiveMessage(undefined, { type: "snapshot", seq: 1, total: 0, entries: [] });
    expect(applyLiveMessage(board, { type: "update", seq: 3, total: 0, entries: [] })).toBeUndefined();
  });

  it("marks the first row of a followed player's neighbourhood below the top as detached", () => {
    const board: LiveState<LiveEntry> = {
      board: "players",
      seq: 1,
      total: 40,
      entries: new Map(
        [1, 2, 30, 31, 32].map((rank) => [`p${rank}`, { rank, player: `p${rank}`, score: 100 - rank, ts: 0 }]),
      ),
    };
    const rows = liveRows(board, 2, "p31", undefined);
    expect(rows.map((r) => [r.player, r.detached, r.followed])).toEqual([
      ["p1", false, false],
      ["p2", false, false],
      ["p30", true, false],
      ["p31", false, true],
      ["p32", false, false],
    ]);
  });
});
