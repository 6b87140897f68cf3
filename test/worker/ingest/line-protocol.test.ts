import { describe, expect, it } from "vitest";
import { MAX_FUTURE_MS, MAX_SCORE } from "../../../protocol/names";
import { type LineParseOptions, type Precision, parseLineProtocol } from "../../../worker/ingest/line-protocol";

const NOW = 1_800_000_000_000;

function parse(body: string, precision: Precision = "ns", options: LineParseOptions = {}) {
  return parseLineProtocol(body, precision, { now: NOW, ...options });
}

/** The reports of a body that must parse. */
function reports(body: string, precision: Precision = "ns", options: LineParseOptions = {}) {
  const result = parse(body, precision, options);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.reports;
}

/** The errors of a body that must not parse. */
function errors(body: string, precision: Precision = "ns", options: LineParseOptions = {}) {
  const result = parse(body, precision, options);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.reports)}`);
  return result.errors;
}

/** The single error of a one-line body. */
function error(line: string, precision: Precision = "ns") {
  const all = errors(line, precision);
  expect(all).toHaveLength(1);
  expect(all[0].line).toBe(1);
  return all[0].message;
}

/** The score of a one-line body with the given field section. */
const scoreOf = (fields: string) => reports(`scores,game=g,player=p ${fields}`)[0].score;

describe("parseLineProtocol: reports", () => {
  it("parses the line Kapacitor sends", () => {
    expect(reports("scores,game=g1,player=p1 value=120 1700000000000000000")).toEqual([
      { line: 1, game: "g1", player: "p1", score: 120, ts: 1_700_000_000_000 },
    ]);
  });

  it("leaves ts, team and id absent when not given", () => {
    const [report] = reports("scores,game=g1,player=p1 value=1");
    expect(report).toStrictEqual({ line: 1, game: "g1", player: "p1", score: 1 });
  });

  it("takes team and id tags, and ignores other tags and fields", () => {
    expect(
      reports('scores,host=a,game=g1,region=eu,player=p1,team=red,id=evt-1 value=5,note="hi",ok=true,n=3i 1'),
    ).toStrictEqual([{ line: 1, game: "g1", player: "p1", score: 5, team: "red", id: "evt-1", ts: 0 }]);
  });

  it("takes a subscore field, a number like the score, once", () => {
    expect(reports("scores,game=g1,player=p1 value=5,subscore=-2.5")[0]).toStrictEqual({
      line: 1,
      game: "g1",
      player: "p1",
      score: 5,
      subscore: -2.5,
    });
    expect(reports("scores,game=g1,player=p1 subscore=3i,value=5")[0].subscore).toBe(3);
    expect(error("scores,game=g,player=p value=1,subscore=true")).toBe("field subscore: true is not a number");
    expect(error('scores,game=g,player=p value=1,subscore="3"')).toBe("field subscore is a string; expected a number");
    expect(error("scores,game=g,player=p value=1,subscore=1,subscore=2")).toBe("field subscore is repeated");
  });

  it("takes an id string field", () => {
    expect(reports('scores,game=g1,player=p1 value=5,id="evt 1, \\"x\\"=y"')[0].id).toBe('evt 1, "x"=y');
  });

  it("converts every precision to whole milliseconds", () => {
    const ts = (t: string, precision: Precision) => reports(`scores,game=g,player=p value=1 ${t}`, precision)[0].ts;
    expect(ts("1700000000123456789", "ns")).toBe(1_700_000_000_123);
    expect(ts("1700000000123456", "us")).toBe(1_700_000_000_123);
    expect(ts("1700000000123", "ms")).toBe(1_700_000_000_123);
    expect(ts("1700000000", "s")).toBe(1_700_000_000_000);
    expect(ts("999999", "ns")).toBe(0);
    expect(ts("1000000", "ns")).toBe(1);
    expect(ts("999", "us")).toBe(0);
    expect(ts("0", "s")).toBe(0);
    expect(ts("-0", "ms")).toBe(0);
    expect(ts("0001700000000", "s")).toBe(1_700_000_000_000);
  });

  it("keeps every digit of a 19-digit ns timestamp (beyond 2^53)", () => {
    expect(reports("scores,game=g,player=p value=1 1700000000123999999")[0].ts).toBe(1_700_000_000_123);
    expect(reports("scores,game=g,player=p value=1 1799999999999999999")[0].ts).toBe(1_799_999_999_999);
  });

  it("accepts float, exponent, integer and unsigned values", () => {
    expect(scoreOf("value=120")).toBe(120);
    expect(scoreOf("value=-1.5")).toBe(-1.5);
    expect(scoreOf("value=3e2")).toBe(300);
    expect(scoreOf("value=1.5E-3")).toBe(0.0015);
    expect(scoreOf("value=2.5e+1")).toBe(25);
    expect(scoreOf("value=.5")).toBe(0.5);
    expect(scoreOf("value=7.")).toBe(7);
    expect(scoreOf("value=120i")).toBe(120);
    expect(scoreOf("value=-120i")).toBe(-120);
    expect(scoreOf("value=120u")).toBe(120);
    expect(scoreOf("value=-0")).toBe(0);
    expect(Object.is(scoreOf("value=-0i"), 0)).toBe(true);
    expect(scoreOf(`value=${MAX_SCORE}i`)).toBe(MAX_SCORE);
    expect(scoreOf("value=123456789012345")).toBe(123_456_789_012_345);
    expect(scoreOf("value=1234567890123456i")).toBe(1_234_567_890_123_456);
    expect(scoreOf("value=-0001234567890123456")).toBe(-1_234_567_890_123_456);
    expect(scoreOf(`value=-${MAX_SCORE}`)).toBe(-MAX_SCORE);
  });

  it("takes the score from a score field as well as from a value field", () => {
    expect(scoreOf("score=42")).toBe(42);
    expect(scoreOf("x=1,score=42i,y=2")).toBe(42);
  });

  it("unescapes commas, spaces, equals signs and backslashes in tag values", () => {
    const [report] = reports("scores,game=g1,player=a\\,b\\ c\\=d,team=x\\\\y\\\\ value=1");
    expect(report.player).toBe("a,b c=d");
    expect(report.team).toBe("x\\y\\");
    expect(reports("scores,game=g,player=a\\b\\\\\\,c value=1")[0].player).toBe("a\\b\\,c");
    expect(reports("scores,game=g,player=\\ lead\\ ,team=été😀 value=1")[0]).toMatchObject({
      player: " lead ",
      team: "été😀",
    });
  });

  it("unescapes tag keys and field keys", () => {
    expect(reports("scores,my\\ tag\\,x\\=y=1,game=g,player=p odd\\ key\\==1,value=2")[0].score).toBe(2);
    expect(reports("scores,g\\ame=x,game=g,player=p value=2")[0].game).toBe("g");
  });

  it("allows escaped commas and spaces in the measurement", () => {
    expect(reports("my\\ scores\\,x\\\\,game=g,player=p value=1")[0].player).toBe("p");
    expect(reports("a=b,game=g,player=p value=1")[0].game).toBe("g");
  });

  it("allows spaces, commas, = and escaped quotes in quoted string fields", () => {
    const body = 'scores,game=g,player=p note="a b, c=d \\"q\\" \\\\",value=3 1700000000000000000';
    expect(reports(body)).toEqual([{ line: 1, game: "g", player: "p", score: 3, ts: 1_700_000_000_000 }]);
    expect(reports('scores,game=g,player=p value=3,note=" x=1 2"')[0].score).toBe(3);
  });

  it("skips comments and blank lines, counts them for line numbers, and takes CRLF", () => {
    const body = [
      "# a comment",
      "",
      "   ",
      "scores,game=g,player=a value=1",
      "\t# indented comment",
      "  scores,game=g,player=b value=2 1000000  ",
      "",
    ].join("\r\n");
    expect(reports(body)).toEqual([
      { line: 4, game: "g", player: "a", score: 1 },
      { line: 6, game: "g", player: "b", score: 2, ts: 1 },
    ]);
    expect(reports("scores,game=g,player=a value=1\n\nscores,game=g,player=b value=2")[1].line).toBe(3);
  });

  it("takes lines for several games in one body, in order", () => {
    const body = [
      "scores,game=g1,player=p1 value=120 1700000000000000000",
      "scores,game=g2,player=p1,team=red score=7i 1700000000001000000",
      "scores,game=g1,player=p\\ 2 value=130 1700000000002000000",
    ].join("\n");
    expect(reports(body)).toEqual([
      { line: 1, game: "g1", player: "p1", score: 120, ts: 1_700_000_000_000 },
      { line: 2, game: "g2", player: "p1", score: 7, ts: 1_700_000_000_001, team: "red" },
      { line: 3, game: "g1", player: "p 2", score: 130, ts: 1_700_000_000_002 },
    ]);
  });

  it("accepts a timestamp up to 24 h ahead", () => {
    expect(reports(`scores,game=g,player=p value=1 ${NOW + MAX_FUTURE_MS}`, "ms")[0].ts).toBe(NOW + MAX_FUTURE_MS);
  });
});

describe("parseLineProtocol: errors", () => {
  it("refuses missing tags", () => {
    expect(error("scores,player=p value=1")).toBe("tag game is missing");
    expect(error("scores,game=g value=1")).toBe("tag player is missing");
    expect(error("scores value=1")).toBe("tag game is missing");
    expect(error("scores,game=g,player= value=1")).toBe("tag player has no value");
    expect(error("scores,game=g,player value=1")).toBe("tag player has no value");
    expect(error("scores,=x,game=g,player=p value=1")).toBe("tag key is missing");
    expect(error("scores,game=g,,player=p value=1")).toBe("tag key is missing");
  });

  it("refuses bad names", () => {
    expect(error("scores,game=bad/name,player=p value=1")).toMatch(/^game is 1-64 characters .* \(got bad\/name\)$/);
    expect(error("scores,game=a\\ b,player=p value=1")).toMatch(/^game is 1-64/);
    expect(error(`scores,game=${"g".repeat(65)},player=p value=1`)).toMatch(/^game is 1-64/);
    for (const dots of [".", "..", "..."])
      expect(error(`scores,game=${dots},player=p value=1`)).toMatch(/not only dots/);
    expect(reports("scores,game=.g.,player=p value=1")[0].game).toBe(".g.");
    expect(error("scores,game=g,player=a\u0001b value=1")).toBe(
      'player is 1-128 printable characters with at least one visible, no control or bidi override characters (got "a\\u0001b")',
    );
    expect(error(`scores,game=g,player=${"é".repeat(129)} value=1`)).toMatch(/^player is 1-128/);
    expect(error("scores,game=g,player=p,team=\u007f value=1")).toMatch(/^team is 1-128/);
    expect(error("scores,game=g,player=p,id=\u0000 value=1")).toMatch(/^id is 1-128/);
    expect(error('scores,game=g,player=p value=1,id="a\tb"')).toMatch(/^id is 1-128/);
    expect(reports(`scores,game=g,player=${"😀".repeat(128)} value=1`)[0].player).toHaveLength(256);
    // Names that would display as another (bidi overrides) or as nothing (only invisible characters).
    expect(error("scores,game=g,player=ab‮cd value=1")).toMatch(/^player is 1-128/);
    expect(error("scores,game=g,player=​⁠ value=1")).toMatch(/^player is 1-128/);
    expect(error("scores,game=g,player=p,team=⁦x⁩ value=1")).toMatch(/^team is 1-128/);
  });

  it("refuses repeated tags and a tag value with an unescaped =", () => {
    expect(error("scores,game=g,player=p,player=q value=1")).toBe("tag player is repeated");
    expect(error("scores,host=a,game=g,player=p,host=b value=1")).toBe("tag host is repeated");
    for (const key of ["game", "team", "id"]) {
      expect(error(`scores,${key}=a,game=g,player=p,${key}=b value=1`)).toBe(`tag ${key} is repeated`);
    }
    expect(error("scores,game=g,player=a=b value=1")).toBe('tag player has an unescaped "=" in its value');
  });

  it("normalizes player, team and id to NFC", () => {
    const [nfc, nfd] = ["caf\u00e9", "cafe\u0301"];
    const [report] = reports(`scores,game=g,player=${nfd},team=${nfd},id=${nfd} value=1`);
    expect([report.player, report.team, report.id]).toEqual([nfc, nfc, nfc]);
    expect(reports(`scores,game=g,player=p value=1,id="${nfd}"`)[0].id).toBe(nfc);
  });

  it("takes up to 64 tags a line and refuses more, stopping at the 65th", () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `,t${i}=v`).join("");
    expect(reports(`scores,game=g,player=p${tags(62)} value=1`)).toHaveLength(1);
    expect(error(`scores,game=g,player=p${tags(63)} value=1`)).toBe("more than 64 tags; a line may have at most 64");
    // 100,000 distinct tags (889 KB) once took 16.8 s to check for repeats; the cap stops the scan at once.
    expect(error(`scores,game=g,player=p${tags(100_000)} value=1`)).toBe(
      "more than 64 tags; a line may have at most 64",
    );
  });

  it("refuses a missing measurement or missing fields", () => {
    expect(error(",game=g,player=p value=1")).toBe("measurement is missing");
    expect(error("scores,game=g,player=p")).toMatch(/^fields are missing/);
    expect(error("scores,game=g,player=p   ")).toMatch(/^fields are missing/);
    expect(error("scores")).toMatch(/^fields are missing/);
  });

  it("refuses a missing, doubled or non-numeric score", () => {
    expect(error("scores,game=g,player=p other=1")).toBe("field value (or score) is missing");
    expect(error("scores,game=g,player=p value=1,score=2")).toBe("fields value and score are both given; send one");
    expect(error("scores,game=g,player=p value=1,value=2")).toBe("field value is repeated");
    expect(error('scores,game=g,player=p value="120"')).toBe("field value is a string; expected a number");
    expect(error("scores,game=g,player=p score=true")).toBe("field score is a boolean; expected a number");
    for (const b of ["t", "T", "F", "false", "FALSE", "True"]) {
      expect(error(`scores,game=g,player=p value=${b}`)).toBe("field value is a boolean; expected a number");
    }
    for (const bad of [
      "abc",
      "1.2.3",
      "1e",
      "--1",
      "+1",
      "1i2",
      "-1u",
      "0x10",
      "NaN",
      "Infinity",
      "1_000",
      "e5",
      ".",
    ]) {
      expect(error(`scores,game=g,player=p value=${bad}`)).toBe(`field value: ${bad} is not a number`);
    }
  });

  it("refuses scores beyond 2^53-1 rather than rounding them", () => {
    expect(error(`scores,game=g,player=p value=${MAX_SCORE + 1}i`)).toMatch(/is out of range/);
    expect(error("scores,game=g,player=p value=9007199254740993i")).toMatch(/is out of range/);
    expect(error("scores,game=g,player=p value=-9007199254740992")).toMatch(/is out of range/);
    expect(error("scores,game=g,player=p value=18446744073709551615u")).toMatch(/is out of range/);
    expect(error("scores,game=g,player=p value=1e400")).toMatch(/is out of range/);
    expect(error("scores,game=g,player=p value=1e16")).toMatch(/is out of range/);
  });

  it("refuses bad syntax in other fields", () => {
    expect(error("scores,game=g,player=p value=1,x=abc")).toBe(
      "field x: abc is not a number, boolean or quoted string",
    );
    expect(error("scores,game=g,player=p value=1,x=")).toBe("field x has no value");
    expect(error("scores,game=g,player=p value=1,x")).toBe("field x has no value");
    expect(error("scores,game=g,player=p value=1,")).toBe("field key is missing");
    expect(error("scores,game=g,player=p =1")).toBe("field key is missing");
    expect(error('scores,game=g,player=p value=1,x="open')).toBe("field x has a string with no closing quote");
    expect(error('scores,game=g,player=p value=1,x="a\\"')).toBe("field x has a string with no closing quote");
    expect(error('scores,game=g,player=p value=1,x="a"b')).toBe("field x has text after its closing quote");
    expect(error("scores,game=g,player=p value=1,id=5i")).toMatch(/^field id is not a string/);
  });

  it("refuses an id given twice", () => {
    expect(error('scores,game=g,player=p,id=a value=1,id="b"')).toBe("id is given both as a tag and as a field");
    expect(error('scores,game=g,player=p value=1,id="a",id="b"')).toBe("field id is repeated");
  });

  it("refuses bad timestamps", () => {
    expect(error("scores,game=g,player=p value=1 12ab")).toBe("timestamp 12ab is not an integer");
    expect(error("scores,game=g,player=p value=1 1.5")).toBe("timestamp 1.5 is not an integer");
    expect(error("scores,game=g,player=p value=1 -")).toBe("timestamp - is not an integer");
    expect(error("scores,game=g,player=p value=1 -5")).toBe("timestamp -5 is negative");
    expect(error("scores,game=g,player=p value=1 -1700000000000000000")).toMatch(/is negative$/);
    expect(error("scores,game=g,player=p value=1 1 2")).toBe("unexpected text after the timestamp: 2");
  });

  it("refuses timestamps more than 24 h in the future, in every precision", () => {
    const ahead = NOW + MAX_FUTURE_MS + 1;
    expect(error(`scores,game=g,player=p value=1 ${ahead}000000`)).toBe(
      `timestamp ${ahead}000000 is more than 24 h in the future (precision ns)`,
    );
    expect(error(`scores,game=g,player=p value=1 ${ahead}000`, "us")).toMatch(/in the future/);
    expect(error(`scores,game=g,player=p value=1 ${ahead}`, "ms")).toMatch(/in the future/);
    expect(error(`scores,game=g,player=p value=1 ${Math.ceil(ahead / 1000)}`, "s")).toMatch(/in the future/);
    // An ns timestamp sent with precision=s.
    expect(error("scores,game=g,player=p value=1 1700000000000000000", "s")).toMatch(/in the future \(precision s\)/);
    expect(error(`scores,game=g,player=p value=1 ${"9".repeat(400)}`)).toMatch(/in the future/);
  });

  it("reports each bad line with its 1-based line number, counting blanks and comments", () => {
    const body = [
      "# header",
      "scores,game=g,player=ok value=1",
      "scores,player=nogame value=2",
      "",
      "scores,game=g,player=x value=abc",
      "scores,game=g,player=ok value=1 1700000000000000000",
      "scores,game=g,player=x value=1 12ab",
    ].join("\r\n");
    expect(errors(body)).toEqual([
      { line: 3, message: "tag game is missing" },
      { line: 5, message: "field value: abc is not a number" },
      { line: 7, message: "timestamp 12ab is not an integer" },
    ]);
  });

  it("refuses a body with no report lines", () => {
    for (const body of ["", "\n", "  \r\n\t\n", "# only a comment\n"]) {
      expect(errors(body)).toEqual([{ line: 1, message: "no lines: the body holds no reports" }]);
    }
  });

  it("returns at most maxErrors errors, the first ones", () => {
    const body = Array.from({ length: 300 }, (_, i) => `scores,game=g,player=p${i} value=x`).join("\n");
    const all = errors(body);
    expect(all).toHaveLength(100);
    expect(all.map((e) => e.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(errors(body, "ns", { maxErrors: 3 }).map((e) => e.line)).toEqual([1, 2, 3]);
  });

  it("refuses more than maxLines report lines with one error", () => {
    const lines = Array.from({ length: 5 }, (_, i) => `scores,game=g,player=p${i} value=${i}`);
    expect(reports(lines.join("\n"), "ns", { maxLines: 5 })).toHaveLength(5);
    expect(reports(["# c", "", ...lines].join("\n"), "ns", { maxLines: 5 })).toHaveLength(5);
    expect(errors([...lines, "", "# c", lines[0]].join("\n"), "ns", { maxLines: 5 })).toEqual([
      { line: 8, message: "more than 5 lines; send at most 5 per request" },
    ]);
    expect(errors(["scores value=1", ...lines, lines[0]].join("\n"), "ns", { maxLines: 5 })).toEqual([
      { line: 1, message: "tag game is missing" },
      { line: 6, message: "more than 5 lines; send at most 5 per request" },
    ]);
  });

  it("refuses an unknown precision without throwing", () => {
    expect(parseLineProtocol("scores,game=g,player=p value=1", "h" as Precision)).toEqual({
      ok: false,
      errors: [{ path: "precision", message: "precision is one of ns, us, ms, s" }],
    });
  });

  it("checks timestamps against Date.now() by default", () => {
    const soon = Date.now() + 60_000;
    expect(parseLineProtocol(`scores,game=g,player=p value=1 ${soon}`, "ms").ok).toBe(true);
    expect(parseLineProtocol(`scores,game=g,player=p value=1 ${soon + MAX_FUTURE_MS}`, "ms").ok).toBe(false);
  });
});
