import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_META_BYTES, metaBytes } from "../../../protocol/reports";
import { parseLineProtocol } from "../../../worker/ingest/line-protocol";

/** A string field's quoting: backslashes and quotes escaped. */
const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

const jsonArb = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const metaArb = fc
  .dictionary(fc.string({ unit: fc.constantFrom("a", "é", '"', "\\", " ", ",", "=", "😀", "\n") }), jsonArb, {
    maxKeys: 5,
  })
  .filter((meta) => metaBytes(meta) <= MAX_META_BYTES);

describe("line protocol meta", () => {
  it("round-trips any JSON object within the limit, wherever the field stands", () => {
    fc.assert(
      fc.property(metaArb, fc.boolean(), (meta, first) => {
        const text = JSON.stringify(meta);
        const fields = first ? `meta=${quote(text)},value=1` : `value=1,meta=${quote(text)}`;
        const parsed = parseLineProtocol(`scores,game=g,player=p ${fields} 5`, "ms", { now: 10 });
        expect(parsed).toEqual({ ok: true, reports: [{ line: 1, game: "g", player: "p", score: 1, ts: 5, meta }] });
      }),
    );
  });

  it("refuses meta that is not a JSON object, too large, repeated or not a string, by line", () => {
    const over = JSON.stringify({ s: "x".repeat(MAX_META_BYTES) });
    for (const field of [
      `meta=${quote("[1]")}`,
      `meta=${quote("nope")}`,
      `meta=${quote("null")}`,
      "meta=5",
      `meta=${quote(over)}`,
      `meta="{}",meta="{}"`,
    ]) {
      const parsed = parseLineProtocol(
        `scores,game=g,player=ok value=1\nscores,game=g,player=p value=1,${field}`,
        "ms",
      );
      expect(parsed, field).toEqual({ ok: false, errors: [{ line: 2, message: expect.stringContaining("meta") }] });
    }
  });
});
