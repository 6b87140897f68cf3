import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GAME_PATTERN, MAX_FUTURE_MS, MAX_SCORE, NAME_PATTERN } from "../../../protocol/names";
import { type LineReport, PRECISIONS, type Precision, parseLineProtocol } from "../../../worker/ingest/line-protocol";

const NOW = 1_800_000_000_000;
const LATEST = NOW + MAX_FUTURE_MS;

// ---- A reference serializer, written independently of the parser ----

/**
 * Escapes `specials` (and backslashes) with a backslash. The minimal form leaves a
 * backslash bare when the character after it could not be mistaken for an escape,
 * which the parser must read as a literal backslash.
 */
function backslashed(value: string, specials: string, minimal: boolean): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\") {
      const next = value[i + 1];
      const needed = next === undefined || next === "\\" || specials.includes(next);
      out += minimal && !needed ? "\\" : "\\\\";
    } else {
      out += specials.includes(c) ? `\\${c}` : c;
    }
  }
  return out;
}

const escapeMeasurement = (v: string, minimal: boolean) => backslashed(v, ", ", minimal);
const escapeKey = (v: string, minimal: boolean) => backslashed(v, ",= ", minimal); // tag keys, tag values, field keys
const quote = (v: string, minimal: boolean) => `"${backslashed(v, '"', minimal)}"`;

/** Milliseconds from a timestamp in `precision` units, by BigInt floor division. */
const UNITS_PER_MS: Record<Precision, bigint> = { ns: 1_000_000n, us: 1000n, ms: 1n, s: 0n };
function toMs(units: bigint, precision: Precision): number {
  return Number(precision === "s" ? units * 1000n : units / UNITS_PER_MS[precision]);
}
function maxUnits(precision: Precision): bigint {
  return precision === "s" ? BigInt(LATEST) / 1000n : BigInt(LATEST) * UNITS_PER_MS[precision];
}

// ---- Arbitraries ----

const GAME_CHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"];
const gameArb = fc
  .string({ unit: fc.constantFrom(...GAME_CHARS), minLength: 1, maxLength: 64 })
  .filter((game) => GAME_PATTERN.test(game));

const NAME_UNITS = [",", " ", "=", "\\", '"', "#", "é", "Ω", "😀", "\u00a0", "\u200b", "a", "b", "Z", "1", "-", "\\ "];
const nameArb = fc
  .string({
    unit: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...NAME_UNITS) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
    ),
    minLength: 1,
    maxLength: 24,
  })
  .filter((name) => NAME_PATTERN.test(name));
/** Longest names: 128 code points, some of them astral. */
const longNameArb = fc.constantFrom("x".repeat(128), "😀".repeat(128), `${"\\".repeat(64)}${", =".repeat(21)}a`);

const measurementArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant("scores") },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom("m", ",", " ", "=", "\\", "é", '"'), minLength: 1, maxLength: 8 }),
  },
);

/** A score and the ways it may be written. */
const scoreArb: fc.Arbitrary<{ score: number; text: string }> = fc.oneof(
  fc.tuple(fc.maxSafeInteger(), fc.constantFrom("i", "u", "", "e")).map(([n, form]) => {
    if (form === "u" && n < 0) form = "i";
    const text = form === "e" ? n.toExponential() : `${n}${form}`;
    return { score: n, text };
  }),
  fc
    .tuple(
      fc.double({ min: -MAX_SCORE, max: MAX_SCORE, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom("str", "e"),
    )
    .map(([x, form]) => ({ score: x, text: form === "e" ? x.toExponential() : String(x) })),
  fc.integer({ min: -1000, max: 1000 }).map((n) => ({ score: n, text: `${n}i` })),
);

interface Generated {
  measurement: string;
  game: string;
  player: string;
  team?: string;
  id?: { value: string; as: "tag" | "field" };
  score: { score: number; text: string };
  scoreKey: "value" | "score";
  extraTags: [string, string][];
  extraFields: string[];
  /** A timestamp in the body's precision units. */
  ts?: bigint;
  minimal: boolean;
  order: number[];
  spaces: [string, string, string];
  /** Blank and comment lines before this one. */
  before: string[];
}

const IGNORED_TAG_KEYS = ["host", "region", "a b", "k=v", "x,y", "\\", "games", "player2"];
const EXTRA_FIELDS = ['note="a, b=c \\"q\\" \\\\"', "ok=true", "n=-3i", "u=7u", "f=1.5e3", 'empty=""', "b=F"];
const JUNK_LINES = ["", "   ", "\t", "# comment, with=stuff \\", "  # indented", "#"];

function lineArb(precision: Precision): fc.Arbitrary<Generated> {
  return fc
    .record(
      {
        measurement: measurementArb,
        game: gameArb,
        player: fc.oneof({ weight: 9, arbitrary: nameArb }, { weight: 1, arbitrary: longNameArb }),
        team: nameArb,
        id: fc.record({ value: nameArb, as: fc.constantFrom("tag" as const, "field" as const) }),
        score: scoreArb,
        scoreKey: fc.constantFrom("value" as const, "score" as const),
        extraTags: fc.array(fc.tuple(fc.constantFrom(...IGNORED_TAG_KEYS), nameArb), { maxLength: 2 }),
        extraFields: fc.subarray(EXTRA_FIELDS, { maxLength: 3 }),
        ts: fc.bigInt({ min: 0n, max: maxUnits(precision) }),
        minimal: fc.boolean(),
        order: fc.array(fc.double({ noNaN: true }), { minLength: 16, maxLength: 16 }),
        spaces: fc.tuple(fc.constantFrom(" ", "  "), fc.constantFrom(" ", "   "), fc.constantFrom("", " ", "  ")),
        before: fc.array(fc.constantFrom(...JUNK_LINES), { maxLength: 2 }),
      },
      {
        requiredKeys: [
          "measurement",
          "game",
          "player",
          "score",
          "scoreKey",
          "extraTags",
          "extraFields",
          "minimal",
          "order",
          "spaces",
          "before",
        ],
      },
    )
    .filter((g) => !g.measurement.startsWith("#") && new Set(g.extraTags.map(([k]) => k)).size === g.extraTags.length);
}

/** Shuffles `items` by sorting on the generated keys. */
function shuffle<T>(items: T[], keys: number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

function serialize(g: Generated): string {
  const m = g.minimal;
  const tags = [
    `game=${escapeKey(g.game, m)}`,
    `player=${escapeKey(g.player, m)}`,
    ...(g.team === undefined ? [] : [`team=${escapeKey(g.team, m)}`]),
    ...(g.id?.as === "tag" ? [`id=${escapeKey(g.id.value, m)}`] : []),
    ...g.extraTags.map(([k, v]) => `${escapeKey(k, m)}=${escapeKey(v, m)}`),
  ];
  const fields = [
    `${g.scoreKey}=${g.score.text}`,
    ...(g.id?.as === "field" ? [`id=${quote(g.id.value, m)}`] : []),
    ...g.extraFields,
  ];
  const head = [escapeMeasurement(g.measurement, m), ...shuffle(tags, g.order)].join(",");
  const tail = g.ts === undefined ? g.spaces[2] : `${g.spaces[1]}${g.ts}${g.spaces[2]}`;
  return `${head}${g.spaces[0]}${shuffle(fields, g.order.slice(8)).join(",")}${tail}`;
}

function expected(g: Generated, line: number, precision: Precision): LineReport {
  // Names come back NFC-normalized (generated names stay within 128 code points either way).
  const nfc = (name: string) => name.normalize("NFC");
  const score = g.score.score === 0 ? 0 : g.score.score;
  const report: LineReport = { line, game: g.game, player: nfc(g.player), score };
  if (g.ts !== undefined) report.ts = toMs(g.ts, precision);
  if (g.team !== undefined) report.team = nfc(g.team);
  if (g.id !== undefined) report.id = nfc(g.id.value);
  return report;
}

const bodyArb = fc
  .constantFrom(...PRECISIONS)
  .chain((precision) =>
    fc.record({
      precision: fc.constant(precision),
      lines: fc.array(lineArb(precision), { minLength: 1, maxLength: 12 }),
      crlf: fc.boolean(),
      trailing: fc.boolean(),
    }),
  )
  .map(({ precision, lines, crlf, trailing }) => {
    const out: string[] = [];
    const want: LineReport[] = [];
    for (const g of lines) {
      out.push(...g.before);
      out.push(serialize(g));
      want.push(expected(g, out.length, precision));
    }
    const body = out.join(crlf ? "\r\n" : "\n") + (trailing ? "\n" : "");
    return { precision, body, want };
  });

describe("parseLineProtocol properties", () => {
  it("reads back what a reference serializer writes", () => {
    fc.assert(
      fc.property(bodyArb, ({ precision, body, want }) => {
        expect(parseLineProtocol(body, precision, { now: NOW })).toStrictEqual({ ok: true, reports: want });
      }),
      { numRuns: 500 },
    );
  });

  // ---- Any input ----

  const TOKENS = [
    "scores",
    ",",
    " ",
    "  ",
    "=",
    "game=",
    "player=",
    "team=",
    "id=",
    "g1",
    "p1",
    "value=",
    "score=",
    "1",
    "-1.5",
    "3e2",
    "12i",
    "7u",
    "t",
    "\\",
    "\\ ",
    '"',
    '\\"',
    "\n",
    "\r\n",
    "\r",
    "#",
    "-",
    "e",
    ".",
    "1700000000000000000",
    "99999999999999999999999",
    "é",
    "😀",
    "\u0000",
    "\t",
  ];
  const soupArb = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(""));
  /** A valid body with a few characters inserted, replaced or deleted. */
  const mutatedArb = fc
    .tuple(
      bodyArb,
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...TOKENS, "a", "0")), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([{ body }, edits]) => {
      let s = body;
      for (const [at, kind, text] of edits) {
        const i = at % (s.length + 1);
        s = kind === 0 ? s.slice(0, i) + text + s.slice(i) : s.slice(0, i) + (kind === 1 ? text : "") + s.slice(i + 1);
      }
      return s;
    });
  const anyBodyArb = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme-ascii", maxLength: 200 }),
    soupArb,
    mutatedArb,
  );

  it("never throws, and answers valid reports or errors on real lines", () => {
    fc.assert(
      fc.property(
        anyBodyArb,
        fc.constantFrom(...PRECISIONS),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        (body, precision, maxErrors, maxLines) => {
          const lineCount = body.split("\n").length;
          const result = parseLineProtocol(body, precision, { now: NOW, maxErrors, maxLines });
          const lines = result.ok ? result.reports.map((r) => r.line) : result.errors.map((e) => e.line ?? 0);
          expect(lines.length).toBeGreaterThan(0);
          lines.forEach((line, i) => {
            expect(Number.isInteger(line) && line >= 1 && line <= lineCount).toBe(true);
            if (i > 0) expect(line).toBeGreaterThan(lines[i - 1]);
          });
          if (result.ok) {
            expect(result.reports.length).toBeLessThanOrEqual(maxLines);
            for (const r of result.reports) {
              expect(GAME_PATTERN.test(r.game)).toBe(true);
              expect(NAME_PATTERN.test(r.player)).toBe(true);
              if (r.team !== undefined) expect(NAME_PATTERN.test(r.team)).toBe(true);
              if (r.id !== undefined) expect(NAME_PATTERN.test(r.id)).toBe(true);
              expect(Number.isFinite(r.score) && Math.abs(r.score) <= MAX_SCORE).toBe(true);
              if (r.ts !== undefined) expect(Number.isInteger(r.ts) && r.ts >= 0 && r.ts <= LATEST).toBe(true);
            }
          } else {
            expect(result.errors.length).toBeLessThanOrEqual(maxErrors);
            for (const e of result.errors) {
              expect(e.message).toMatch(/^\S/);
              expect(e.message).not.toMatch(/\n|\bat .*:\d+:\d+/);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
