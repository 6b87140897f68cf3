/**
 * InfluxDB (v2) line protocol, as Podium takes it on `POST /v1/write`:
 *
 *     scores,game=g1,player=p1[,team=red][,id=evt-1] value=120 [timestamp]
 *
 * A single-pass, hand-written scanner over the body: lines are found with
 * `indexOf`, each line is scanned by char code, and names are sliced (and
 * unescaped only when they hold a backslash) once. Pure: no Workers APIs.
 */
import type { IssueDetail } from "../../protocol/errors";
import { MAX_FUTURE_MS, MAX_SCORE } from "../../protocol/names";
import { GAME_PATTERN, GAME_RULE, NAME_PATTERN, nameRule, normalizeName } from "../../protocol/patterns";

export const PRECISIONS = ["ns", "us", "ms", "s"] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface LineReport {
  /** 1-based line number in the body. */
  line: number;
  game: string;
  player: string;
  score: number;
  /** Milliseconds since the Unix epoch; absent when the line has no timestamp. */
  ts?: number;
  team?: string;
  id?: string;
}

/** Tags per line: Influx senders add a few (host, region); thousands are an attack. */
export const MAX_TAGS = 64;

export type LineParseResult = { ok: true; reports: LineReport[] } | { ok: false; errors: IssueDetail[] };

export interface LineParseOptions {
  /** The time timestamps are checked against (ms); defaults to `Date.now()`. */
  now?: number;
  /** Most report lines a body may hold; defaults to 100 000. */
  maxLines?: number;
  /** Most errors returned; defaults to 100. */
  maxErrors?: number;
}

const TAB = 9;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const BACKSLASH = 92;

/** What a backslash may escape: in the measurement; in tag keys, tag values and field keys; in string fields. */
const MEASUREMENT = 0;
const KEY = 1;
const STRING = 2;

function escapes(context: number, c: number): boolean {
  if (c === BACKSLASH) return true;
  if (context === STRING) return c === QUOTE;
  return c === COMMA || c === SPACE || (c === EQUALS && context === KEY);
}

/** `s[start, end)` with its escapes resolved (only called when it holds a backslash). */
function unescaped(s: string, start: number, end: number, context: number): string {
  let out = "";
  let from = start;
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) === BACKSLASH && i + 1 < end && escapes(context, s.charCodeAt(i + 1))) {
      out += s.slice(from, i);
      from = ++i; // keep the escaped character, drop the backslash
    }
  }
  return out + s.slice(from, end);
}

const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** A value as shown in a message: bare when plain, else quoted (and cut when long). */
function show(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return /^[\x21\x23-\x7e]+$/.test(value) && cut === value ? value : JSON.stringify(cut);
}

const PLAYER_RULE = nameRule("player");
const TEAM_RULE = nameRule("team");
const ID_RULE = nameRule("id");
const FUTURE = `${MAX_FUTURE_MS / 3_600_000} h`;

/** A problem with one line; caught per line and turned into an IssueDetail. */
class LineError extends Error {}

function fail(message: string): never {
  throw new LineError(message);
}

/** The kinds of unquoted field values. */
const NUMBER = 0;
const BOOLEAN = 1;
const INVALID = 2;

const BOOLEANS = new Set(["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"]);

/** Whether `s[start, end)` is a float as line protocol writes one: -?digits[.digits][e[+-]digits]. */
function isFloat(s: string, start: number, end: number): boolean {
  let i = start;
  if (i < end && s.charCodeAt(i) === MINUS) i++;
  let digits = 0;
  for (; i < end && isDigit(s.charCodeAt(i)); i++) digits++;
  if (i < end && s.charCodeAt(i) === DOT) {
    i++;
    for (; i < end && isDigit(s.charCodeAt(i)); i++) digits++;
  }
  if (digits === 0) return false;
  if (i < end && (s.charCodeAt(i) | 0x20) === 0x65 /* e or E */) {
    i++;
    if (i < end && (s.charCodeAt(i) === MINUS || s.charCodeAt(i) === 0x2b)) i++;
    let exponent = 0;
    for (; i < end && isDigit(s.charCodeAt(i)); i++) exponent++;
    if (exponent === 0) return false;
  }
  return i === end;
}

/** Whether `s[start, end)` is -?digits (or digits, when unsigned). */
function isInteger(s: string, start: number, end: number, signed: boolean): boolean {
  let i = start;
  if (signed && i < end && s.charCodeAt(i) === MINUS) i++;
  if (i === end) return false;
  for (; i < end; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

class LineScanner {
  /** The last field value scanned: its kind, and for numbers its value. */
  private kind = INVALID;
  private number = 0;

  constructor(
    private readonly s: string,
    /** Digits dropped from the end of a timestamp to get milliseconds (6 for ns, 3 for us). */
    private readonly drop: number,
    /** Factor to get milliseconds after dropping (1000 for s). */
    private readonly factor: number,
    private readonly precision: Precision,
    /** The latest acceptable timestamp (ms). */
    private readonly latest: number,
  ) {}

  /**
   * Scans the whole body: fills `reports` while no line is bad, `errors` (at most
   * `maxErrors`, one per line) when any is. Returns the count of report lines seen.
   */
  body(reports: LineReport[], errors: IssueDetail[], maxLines: number, maxErrors: number): number {
    const s = this.s;
    const length = s.length;
    let lines = 0;
    let line = 0;
    for (let start = 0; start <= length; ) {
      line++;
      let end = s.indexOf("\n", start);
      if (end < 0) end = length;
      const next = end + 1;
      if (end > start && s.charCodeAt(end - 1) === CR) end--;
      let i = start;
      while (i < end && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++;
      start = next;
      if (i === end || s.charCodeAt(i) === HASH) continue; // blank line or comment

      if (++lines > maxLines) {
        errors.push({ line, message: `more than ${maxLines} lines; send at most ${maxLines} per request` });
        break;
      }
      try {
        const report = this.line(i, end, line);
        if (errors.length === 0) reports.push(report);
      } catch (error) {
        if (!(error instanceof LineError)) throw error;
        errors.push({ line, message: error.message });
        if (errors.length >= maxErrors) break;
      }
    }
    return lines;
  }

  /** Parses `s[i, end)`: a line that is neither blank nor a comment, starting at its first non-blank. */
  line(i: number, end: number, line: number): LineReport {
    const s = this.s;

    // Measurement: anything up to an unescaped comma or space.
    const measurementStart = i;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
      if (c === BACKSLASH && i + 1 < end && escapes(MEASUREMENT, s.charCodeAt(i + 1))) i++;
    }
    if (i === measurementStart) fail("measurement is missing");

    // Tags.
    let game: string | undefined;
    let player: string | undefined;
    let team: string | undefined;
    let id: string | undefined;
    let others: Set<string> | undefined; // other tag keys, to refuse repeats
    let tags = 0;
    while (i < end && s.charCodeAt(i) === COMMA) {
      if (++tags > MAX_TAGS) fail(`more than ${MAX_TAGS} tags; a line may have at most ${MAX_TAGS}`);
      const key = this.key(i + 1, end, "tag");
      i = this.at;

      const valueStart = ++i;
      let escaped = false;
      for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === COMMA || c === SPACE) break;
        if (c === EQUALS) fail(`tag ${show(key)} has an unescaped "=" in its value`);
        if (c === BACKSLASH && i + 1 < end && escapes(KEY, s.charCodeAt(i + 1))) {
          escaped = true;
          i++;
        }
      }
      if (i === valueStart) fail(`tag ${show(key)} has no value`);
      switch (key) {
        case "game":
          if (game !== undefined) fail("tag game is repeated");
          game = escaped ? unescaped(s, valueStart, i, KEY) : s.slice(valueStart, i);
          if (!GAME_PATTERN.test(game)) fail(`${GAME_RULE} (got ${show(game)})`);
          break;
        case "player":
          if (player !== undefined) fail("tag player is repeated");
          player = normalizeName(escaped ? unescaped(s, valueStart, i, KEY) : s.slice(valueStart, i));
          if (!NAME_PATTERN.test(player)) fail(`${PLAYER_RULE} (got ${show(player)})`);
          break;
        case "team":
          if (team !== undefined) fail("tag team is repeated");
          team = normalizeName(escaped ? unescaped(s, valueStart, i, KEY) : s.slice(valueStart, i));
          if (!NAME_PATTERN.test(team)) fail(`${TEAM_RULE} (got ${show(team)})`);
          break;
        case "id":
          if (id !== undefined) fail("tag id is repeated");
          id = normalizeName(escaped ? unescaped(s, valueStart, i, KEY) : s.slice(valueStart, i));
          if (!NAME_PATTERN.test(id)) fail(`${ID_RULE} (got ${show(id)})`);
          break;
        default:
          others ??= new Set();
          if (others.has(key)) fail(`tag ${show(key)} is repeated`);
          others.add(key);
      }
    }

    // Fields, after one or more spaces.
    while (i < end && s.charCodeAt(i) === SPACE) i++;
    if (i === end) fail("fields are missing (expected e.g. value=120)");
    let score: number | undefined;
    let scoreKey = "";
    let idField = false;
    for (;;) {
      const key = this.key(i, end, "field");
      i = this.at;
      let escaped = false;
      const valueStart = ++i;

      if (i < end && s.charCodeAt(i) === QUOTE) {
        // A string: up to the closing unescaped quote; may hold spaces, commas and "=".
        escaped = false;
        for (i++; i < end; i++) {
          const c = s.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === BACKSLASH && i + 1 < end && escapes(STRING, s.charCodeAt(i + 1))) {
            escaped = true;
            i++;
          }
        }
        if (i === end) fail(`field ${show(key)} has a string with no closing quote`);
        i++;
        if (i < end && s.charCodeAt(i) !== COMMA && s.charCodeAt(i) !== SPACE) {
          fail(`field ${show(key)} has text after its closing quote`);
        }
        if (key === "id") {
          if (id !== undefined) fail(idField ? "field id is repeated" : "id is given both as a tag and as a field");
          id = normalizeName(escaped ? unescaped(s, valueStart + 1, i - 1, STRING) : s.slice(valueStart + 1, i - 1));
          idField = true;
          if (!NAME_PATTERN.test(id)) fail(`${ID_RULE} (got ${show(id)})`);
        } else if (key === "value" || key === "score") {
          fail(`field ${key} is a string; expected a number`);
        }
      } else {
        for (; i < end; i++) {
          const c = s.charCodeAt(i);
          if (c === COMMA || c === SPACE) break;
        }
        if (i === valueStart) fail(`field ${show(key)} has no value`);
        this.scalar(valueStart, i);
        if (key === "value" || key === "score") {
          if (this.kind !== NUMBER) {
            fail(
              this.kind === BOOLEAN
                ? `field ${key} is a boolean; expected a number`
                : `field ${key}: ${show(s.slice(valueStart, i))} is not a number`,
            );
          }
          if (score !== undefined) {
            fail(key === scoreKey ? `field ${key} is repeated` : "fields value and score are both given; send one");
          }
          const n = this.number;
          if (!(n >= -MAX_SCORE && n <= MAX_SCORE)) {
            fail(`field ${key}: ${show(s.slice(valueStart, i))} is out of range (|score| <= 2^53-1)`);
          }
          score = n === 0 ? 0 : n; // no -0
          scoreKey = key;
        } else if (this.kind === INVALID) {
          fail(`field ${show(key)}: ${show(s.slice(valueStart, i))} is not a number, boolean or quoted string`);
        } else if (key === "id") {
          fail('field id is not a string; expected e.g. id="evt-1"');
        }
      }
      if (i < end && s.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }

    // Timestamp, after one or more spaces; then only trailing spaces.
    while (i < end && s.charCodeAt(i) === SPACE) i++;
    let ts: number | undefined;
    if (i < end) {
      const tsStart = i;
      let digits = true;
      if (s.charCodeAt(i) === MINUS) i++;
      if (i === end || s.charCodeAt(i) === SPACE) digits = false;
      for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === SPACE) break;
        if (c < ZERO || c > NINE) digits = false;
      }
      if (!digits) fail(`timestamp ${show(s.slice(tsStart, i))} is not an integer`);
      ts = this.timestamp(tsStart, i);
      while (i < end && s.charCodeAt(i) === SPACE) i++;
      if (i < end) fail(`unexpected text after the timestamp: ${show(s.slice(i, end))}`);
    }

    if (game === undefined) fail("tag game is missing");
    if (player === undefined) fail("tag player is missing");
    if (score === undefined) fail("field value (or score) is missing");

    const report: LineReport = { line, game, player, score };
    if (ts !== undefined) report.ts = ts;
    if (team !== undefined) report.team = team;
    if (id !== undefined) report.id = id;
    return report;
  }

  /** Position after the last `key` scanned (at its "="). */
  private at = 0;

  /** A tag or field key from `start`, unescaped; leaves `at` on the "=" that must follow it. */
  private key(start: number, end: number, what: "tag" | "field"): string {
    const s = this.s;
    let i = start;
    let escaped = false;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === EQUALS || c === COMMA || c === SPACE) break;
      if (c === BACKSLASH && i + 1 < end && escapes(KEY, s.charCodeAt(i + 1))) {
        escaped = true;
        i++;
      }
    }
    const key = escaped ? unescaped(s, start, i, KEY) : s.slice(start, i);
    if (key === "") fail(`${what} key is missing`);
    if (i === end || s.charCodeAt(i) !== EQUALS) fail(`${what} ${show(key)} has no value`);
    this.at = i;
    return key;
  }

  /** Classifies the unquoted field value `s[start, end)` into `kind` (and `number`). */
  private scalar(start: number, end: number): void {
    const s = this.s;
    // Fast path: -?digits, at most 15 of them (so exact), with an optional i or u.
    let i = start;
    const negative = s.charCodeAt(i) === MINUS;
    if (negative) i++;
    const digitsStart = i;
    let n = 0;
    for (; i < end; i++) {
      const digit = s.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      n = n * 10 + digit;
    }
    const digits = i - digitsStart;
    if (digits > 0 && digits <= 15) {
      const suffix = i === end - 1 ? s.charCodeAt(i) : 0;
      if (i === end || suffix === 0x69 /* i */ || (suffix === 0x75 /* u */ && !negative)) {
        this.kind = NUMBER;
        this.number = negative ? -n : n;
        return;
      }
    }
    const last = s.charCodeAt(end - 1);
    if (last === 0x69 /* i */ && isInteger(s, start, end - 1, true)) {
      this.kind = NUMBER;
      this.number = Number(s.slice(start, end - 1));
    } else if (last === 0x75 /* u */ && isInteger(s, start, end - 1, false)) {
      this.kind = NUMBER;
      this.number = Number(s.slice(start, end - 1));
    } else if (isFloat(s, start, end)) {
      this.kind = NUMBER;
      this.number = Number(s.slice(start, end));
    } else if (end - start <= 5 && BOOLEANS.has(s.slice(start, end))) {
      this.kind = BOOLEAN;
    } else {
      this.kind = INVALID;
    }
  }

  /** The timestamp `s[start, end)`, known to be -?digits, in whole milliseconds, checked. */
  private timestamp(start: number, end: number): number {
    const s = this.s;
    let i = start;
    if (s.charCodeAt(i) === MINUS) {
      for (i++; i < end; i++) {
        if (s.charCodeAt(i) !== ZERO) fail(`timestamp ${show(s.slice(start, end))} is negative`);
      }
      return 0; // -0
    }
    // Dropping the last `drop` digits is floor division for a non-negative value; the
    // kept prefix is exact while below 2^53, and far in the future (so refused) beyond.
    const keep = end - this.drop;
    let ms = 0;
    for (; i < keep; i++) ms = ms * 10 + (s.charCodeAt(i) - ZERO);
    ms *= this.factor;
    if (ms > this.latest) {
      fail(`timestamp ${show(s.slice(start, end))} is more than ${FUTURE} in the future (precision ${this.precision})`);
    }
    return ms;
  }
}

/**
 * Parses a line-protocol body into reports, validating it whole: any bad line
 * makes the result the list of errors (the first `maxErrors`, in line order,
 * at most one per line) and no reports. Never throws.
 */
export function parseLineProtocol(body: string, precision: Precision, options: LineParseOptions = {}): LineParseResult {
  if (!PRECISIONS.includes(precision)) {
    return { ok: false, errors: [{ path: "precision", message: `precision is one of ${PRECISIONS.join(", ")}` }] };
  }
  const now = options.now ?? Date.now();
  const scanner = new LineScanner(
    body,
    precision === "ns" ? 6 : precision === "us" ? 3 : 0,
    precision === "s" ? 1000 : 1,
    precision,
    now + MAX_FUTURE_MS,
  );
  const reports: LineReport[] = [];
  const errors: IssueDetail[] = [];
  const lines = scanner.body(reports, errors, options.maxLines ?? 100_000, Math.max(1, options.maxErrors ?? 100));
  if (errors.length > 0) return { ok: false, errors };
  if (lines === 0) return { ok: false, errors: [{ line: 1, message: "no lines: the body holds no reports" }] };
  return { ok: true, reports };
}
