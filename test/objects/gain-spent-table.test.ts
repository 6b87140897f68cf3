import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GAIN_BANK_SECONDS } from "../../engine/gain-allowance";
import { GainSpentTable } from "../../objects/storage/gain-spent";
import { ObjectSchema } from "../../objects/storage/schema";
import { uniqueGame } from "../support/worker-client";

const HOUR = GAIN_BANK_SECONDS * 1000;

describe("GainSpentTable: recorded charges, handed back within the bank and swept after it", () => {
  it("hands back only charges within the last bank, and sweeps the older ones", async () => {
    const stub = env.BOARD.getByName(uniqueGame("gain-spent"));
    await runInDurableObject(stub, (_, state) => {
      const schema = new ObjectSchema(state.storage.sql, (work) => state.storage.transactionSync(work));
      const table = new GainSpentTable(state.storage.sql, schema);
      const now = 10 * HOUR;
      // A game never written has no table, and nothing to hand back.
      expect(table.recent(now).size).toBe(0);
      state.storage.transactionSync(() => schema.migrate());
      const old = Array.from({ length: 70 }, (_, i) => [`old${i}`, { left: 0, at: now - HOUR - 1 - i }] as const);
      state.storage.transactionSync(() =>
        table.write(new Map([...old, ["fresh", { left: 5, at: now - 1000 }], ["edge", { left: 7, at: now - HOUR }]])),
      );
      expect(table.recent(now)).toEqual(
        new Map([
          ["fresh", { left: 5, at: now - 1000 }],
          ["edge", { left: 7, at: now - HOUR }],
        ]),
      );
      // A later charge replaces a player's row.
      state.storage.transactionSync(() => table.write(new Map([["fresh", { left: 1, at: now }]])));
      expect(table.recent(now).get("fresh")).toEqual({ left: 1, at: now });
      expect(table.sweep(now)).toBe(false);
      const left = state.storage.sql
        .exec<{ player: string }>("SELECT player FROM gain_spent ORDER BY player")
        .toArray();
      expect(left.map((r) => r.player)).toEqual(["edge", "fresh"]);
    });
  });
});
