import { describe, expect, it } from "vitest";
import { type DirectoryEntry, DirectoryPublisher } from "../../objects/history/directory";

const ROW: DirectoryEntry = { game: "g", players: 1, updatedAt: 1, createdAt: 1, spectators: 0, kind: "players" };

describe("games directory publisher", () => {
  it("asks once, and writes nothing, for a game that is gone (a spectator leaving a deleted game)", async () => {
    let reads = 0;
    // Past ten reads the row comes back, so a regression ends in D1's refusal below instead of spinning forever.
    const publisher = new DirectoryPublisher(
      {
        prepare() {
          throw new Error("no D1 in this test");
        },
      } as unknown as D1Database,
      () => (++reads > 10 ? ROW : undefined),
    );
    publisher.changed(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toBe(1);
  });
});
