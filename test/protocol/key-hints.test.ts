import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { nearestKey } from "../../protocol/key-hints";

const Body = z.strictObject({ player: z.string(), score: z.number(), subscore: z.number().optional() });
const messageOf = (body: unknown) => Body.safeParse(body).error?.issues[0]?.message ?? "";

describe("unknown keys' hints", () => {
  it("name the key one or two edits away, and none when two are as near", () => {
    expect(nearestKey("scroe", ["player", "score", "subscore"])).toBe("score");
    expect(nearestKey("payer", ["player", "score"])).toBe("player");
    expect(nearestKey("ab", ["abc", "abd"])).toBeUndefined();
    expect(nearestKey("colour", ["player", "score"])).toBeUndefined();
  });

  it("answer megabyte keys without an edit table each, repeating only their start", () => {
    // A table per known key would take seconds a key: these ten would outlast the test's timeout.
    const keys = Array.from({ length: 10 }, (_, i) => `${i}${"k".repeat(1_000_000)}`);
    const message = messageOf({ player: "a", score: 1, ...Object.fromEntries(keys.map((key) => [key, 1])) });
    expect(message).toBe(`Unrecognized keys: ${keys.map((key) => `"${key.slice(0, 64)}…"`).join(", ")}`);
  });

  it("list ten unknown keys at most", () => {
    const body = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`extra${i}`, i]));
    expect(messageOf({ player: "a", score: 1, ...body })).toBe(
      `Unrecognized keys: ${Array.from({ length: 10 }, (_, i) => `"extra${i}"`).join(", ")}, and 2 more`,
    );
  });
});
