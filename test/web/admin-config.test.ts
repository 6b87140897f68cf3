import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, GameConfig } from "../../protocol/config";
import { configSchemaFile } from "../../scripts/config-schema";
import { configDiff, patchOf, sameValue, shown } from "../../web/src/admin/config-diff";
import { configFields, type Field, fieldForIssue, type JsonSchema, rangeText } from "../../web/src/admin/config-model";
import { inputText, readInput } from "../../web/src/admin/config-values";

// The console's config form is generated from the zod schema (through the
// JSON Schema `npm run build` writes): every setting a field, with the
// bounds and defaults the server holds.
/** Every field, groups' members after their group. */
const allFields = (fields: Field[]): Field[] =>
  fields.flatMap((f) => (f.kind === "group" ? [f, ...allFields(f.fields)] : [f]));

const file = configSchemaFile();
const fields = configFields(file.schema as JsonSchema, file.defaults);
const byPath = new Map(allFields(fields).map((f) => [f.path, f]));
const field = <K extends Field["kind"]>(path: string, kind: K) => {
  const found = byPath.get(path);
  expect(found?.kind, path).toBe(kind);
  return found as Extract<Field, { kind: K }>;
};

describe("the config form generated from the schema", () => {
  it("has a field for every setting of GameConfig, in its order, each with its default and a description", () => {
    expect(fields.map((f) => f.key)).toEqual(Object.keys(GameConfig.shape));
    for (const f of fields) {
      expect(f.default, f.key).toEqual(DEFAULT_CONFIG[f.key as keyof typeof DEFAULT_CONFIG]);
      expect(f.description, f.key).toMatch(/\w/);
      expect(f.optional, f.key).toBe(false);
    }
  });

  it("carries each number's bounds as zod has them", () => {
    for (const f of allFields(fields)) {
      if (f.kind !== "number" || f.path.includes(".")) continue;
      type Bounded = { minValue: number | null; maxValue: number | null; unwrap?: () => Bounded };
      const setting = GameConfig.shape[f.key as keyof typeof GameConfig.shape] as unknown as Bounded;
      const { minValue, maxValue } = setting.unwrap?.() ?? setting;
      expect([f.min ?? f.above, f.max], f.key).toEqual([minValue, maxValue]);
    }
    expect(field("snapshotTop", "number")).toMatchObject({ integer: true, min: 1, max: 100, default: 15 });
    expect(field("elo.k", "number")).toMatchObject({ integer: false, min: 1, max: 400, default: 32 });
    expect(field("bounds.maxGainPerSecond", "number")).toMatchObject({ above: 0, optional: true });
  });

  it("turns enums into choices, objects into groups (null turning them off), and the rest into JSON", () => {
    expect(field("ties", "choice").options).toEqual(["first", "shared", "dense"]);
    expect(field("archive", "switch").default).toBe(false);
    const trend = field("trend", "group");
    expect(trend.nullable).toBe(true);
    expect(trend.fields.map((f) => [f.key, f.default])).toEqual([
      ["short", DEFAULT_CONFIG.trend?.short],
      ["long", DEFAULT_CONFIG.trend?.long],
      ["minReports", DEFAULT_CONFIG.trend?.minReports],
    ]);
    const bounds = field("bounds", "group");
    expect(bounds.nullable).toBe(false);
    expect(bounds.fields.every((f) => f.optional)).toBe(true);
    expect(field("bounds.maxFutureSeconds", "number").default).toBe(300);
    expect(field("prizes", "group")).toMatchObject({ nullable: true, default: null });
    expect(field("prizes.split", "json").shape).toBe("[{from, to, share}, …] (1-100)");
    expect(field("season", "json")).toMatchObject({
      nullable: true,
      shape: "{every: hour|day|week|month, timezone?} or {cron, timezone?}",
    });
    expect(field("webhook", "json").shape).toBe("string or {url, events, top?, every?}");
    expect(field("tiers", "json").nullable).toBe(true);
    expect(field("maxAttempts", "number")).toMatchObject({ nullable: true, min: 1 });
    expect(field("open.from", "number")).toMatchObject({ optional: true, min: 0 });
  });

  it("says a number's range in words", () => {
    expect(rangeText(field("snapshotTop", "number"))).toBe("A whole number from 1 to 100");
    expect(rangeText(field("bounds.maxGainPerSecond", "number"))).toBe(
      `A number, more than 0, at most ${Number.MAX_SAFE_INTEGER}`,
    );
    expect(rangeText({ ...field("snapshotTop", "number"), max: undefined })).toBe("A whole number, at least 1");
  });

  it("places a server's 400 detail on the deepest field its path names", () => {
    expect(fieldForIssue(fields, "trend.short")?.path).toBe("trend.short");
    expect(fieldForIssue(fields, "trend")?.path).toBe("trend");
    expect(fieldForIssue(fields, "tiers[0].name")?.path).toBe("tiers");
    expect(fieldForIssue(fields, "prizes.split")?.path).toBe("prizes.split");
    expect(fieldForIssue(fields, "season.cron")?.path).toBe("season");
    expect(fieldForIssue(fields, "colour")).toBeUndefined();
  });
});

describe("reading the form's inputs", () => {
  it("reads numbers, JSON and empties the way each field means them", () => {
    const top = field("snapshotTop", "number");
    expect(readInput(top, " 20 ")).toEqual({ value: 20 });
    expect(readInput(top, "12abc")).toEqual({ problem: '"12abc" is not a number' });
    expect(readInput(top, "")).toEqual({ problem: "needs a value" });
    // Out of bounds is the server's to refuse, next to the field.
    expect(readInput(top, "500")).toEqual({ value: 500 });
    expect(readInput(field("maxAttempts", "number"), "")).toEqual({ value: null });
    expect(readInput(field("bounds.min", "number"), "")).toEqual({ absent: true });
    expect(readInput(field("tiers", "json"), '[{"name":"gold"}]')).toEqual({ value: [{ name: "gold" }] });
    expect(readInput(field("tiers", "json"), "[{")).toEqual({ problem: "is not valid JSON" });
    expect(readInput(field("archive", "switch"), "true")).toEqual({ value: true });
    expect(readInput(field("order", "choice"), "asc")).toEqual({ value: "asc" });
  });

  it("shows values as their inputs hold them", () => {
    expect(inputText(field("snapshotTop", "number"), 15)).toBe("15");
    expect(inputText(field("maxAttempts", "number"), null)).toBe("");
    expect(inputText(field("season", "json"), null)).toBe("null");
    expect(inputText(field("season", "json"), { every: "day" })).toBe('{\n  "every": "day"\n}');
  });
});

describe("the diff before saving", () => {
  it("lists the settings that change, whole, and sends only those", () => {
    const before = { order: "desc", window: 0, trend: { short: 10, long: 60, minReports: 3 }, tiers: null };
    const after = { order: "desc", window: 11, trend: { minReports: 3, long: 60, short: 5 }, tiers: null };
    const changes = configDiff(before, after);
    expect(changes).toEqual([
      { key: "window", before: 0, after: 11 },
      { key: "trend", before: before.trend, after: after.trend },
    ]);
    expect(patchOf(changes)).toEqual({ window: 11, trend: { minReports: 3, long: 60, short: 5 } });
    expect(configDiff(before, { ...before })).toEqual([]);
    expect(shown(undefined)).toBe("–");
    expect(shown({ a: 1 })).toBe('{"a":1}');
  });

  it("compares as JSON: key order and absent keys do not count, arrays and null do", () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue({ maxFutureSeconds: 300 }, { maxFutureSeconds: 300, min: 0 })).toBe(false);
  });
});
