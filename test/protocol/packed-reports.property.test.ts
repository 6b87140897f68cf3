import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packReports, unpackReports } from "../../protocol/packed-reports";
import { ScoreReport } from "../../protocol/reports";

// What the Worker validated is what the object gets: a batch packed, copied as
// the RPC copies it (structured clone) and unpacked equals the batch, field for
// field, whichever optional fields each report has.
const name = fc.oneof(
  fc.constantFrom("p1", "é", "😀 x", "a\u00a0b", "m:000000000001"),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const report = fc.record(
  {
    player: name,
    score: fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
    subscore: fc.integer({ min: -1000, max: 1000 }),
    ts: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    id: fc.constantFrom("r1", "r-2", "x"),
    team: name,
    name,
    country: fc.constantFrom("TR", "DE", "US"),
    meta: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.constant(null)), {
      maxKeys: 3,
    }),
  },
  { requiredKeys: ["player", "score"] },
);
const batch = fc
  .array(report, { minLength: 1, maxLength: 40 })
  .map((reports) => reports.flatMap((r) => ScoreReport.safeParse(r).data ?? []));

describe("reports packed for the RPC", () => {
  it("unpack to the reports packed, after the RPC's copy, meta as its JSON", () => {
    fc.assert(
      fc.property(batch, (reports) => {
        const copied = structuredClone(packReports(reports));
        // Meta arrives as the JSON text the object stores.
        const sent = reports.map(({ meta, ...report }) =>
          meta === undefined ? report : { ...report, metaJson: JSON.stringify(meta) },
        );
        expect(unpackReports(copied)).toEqual(sent);
      }),
      { numRuns: 300 },
    );
  });

  it("carry subscores and teams as columns, other fields only for the reports that have them", () => {
    const packed = packReports([
      { player: "a", score: 1, ts: 5 },
      { player: "b", score: 2, team: "red", id: "r1" },
      { player: "c", score: 3 },
    ]);
    expect(packed.players).toBe("a\nb\nc");
    expect([...packed.ts]).toEqual([5, Number.NaN, Number.NaN]);
    expect(packed.teams).toBe("\nred\n");
    expect(packed.subscores).toBeUndefined();
    expect(packed.ids).toBe("\nr1\n");
    expect(packReports([{ player: "a", score: 1, country: "TR" }]).extras).toEqual([[0, { country: "TR" }]]);
    expect(packed.extras).toEqual([]);
    expect(packed.metas).toEqual([]);
    expect([...(packReports([{ player: "a", score: 1, subscore: -0 }]).subscores ?? [])]).toEqual([-0]);
    expect(packReports([{ player: "a", score: 1, meta: { level: 3 } }]).metas).toEqual([[0, '{"level":3}']]);
    expect(unpackReports(packReports([]))).toEqual([]);
  });
});
