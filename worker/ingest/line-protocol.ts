/**
 * InfluxDB line protocol, as Podium takes it on `POST /v1/write` and the
 * Influx-compatible paths:
 *
 *     scores,game=g1,player=p1[,team=red][,id=evt-1] value=120[,subscore=3.5][,meta="{\"level\":3}"] [timestamp]
 *
 * A single-pass, hand-written scanner over the body: lines are found with
 * `indexOf`, each line is scanned by char code, and names are sliced (and
 * unescaped only when they hold a backslash) once. Pure: no Workers APIs.
 */
import type { IssueDetail } from "../../protocol/errors";
import { MAX_FUTURE_MS, MAX_SCORE } from "../../protocol/names";
import type { Meta } from "../../protocol/reports";
import { checked, LineError, metaOf, refuseLine, type TagName, tagName } from "./line-fields";
import {
  BACKSLASH,
  BOOLEAN,
  COMMA,
  CR,
  classify,
  EQUALS,
  escapes,
  HASH,
  INVALID,
  KEY,
  MEASUREMENT,
  MINUS,
  NINE,
  NUMBER,
  QUOTE,
  type Scalar,
  SPACE,
  STRING,
  show,
  TAB,
  unescaped,
  ZERO,
} from "./line-text";

/** Timestamp units: `/v1/write` and Influx 2.x take ns, us, ms and s; Influx 1.x adds m and h. */
export const PRECISIONS = ["ns", "us", "ms", "s"] as const;
export const INFLUX_V1_PRECISIONS = [...PRECISIONS, "m", "h"] as const;
const UNITS = {
  // Digits dropped from the end of a timestamp to get milliseconds, then a factor.
  ns: { drop: 6, factor: 1 },
  us: { drop: 3, factor: 1 },
  ms: { drop: 0, factor: 1 },
  s: { drop: 0, factor: 1000 },
  m: { drop: 0, factor: 60_000 },
  h: { drop: 0, factor: 3_600_000 },
} as const;
export type Precision = (typeof PRECISIONS)[number];
export type TimeUnit = keyof typeof UNITS;

export interface LineReport {
  /** 1-based line number in the body. */
  line: number;
  game: string;
  player: string;
  score: number;
  /** The `subscore` field (a game with a tiebreak orders equal scores by it). */
  subscore?: number;
  /** Milliseconds since the Unix epoch; absent when the line has no timestamp. */
  ts?: number;
  team?: string;
  id?: string;
  /** From a string field `meta` holding a JSON object. */
  meta?: Meta;
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
  /** The game of lines without a `game` tag (Influx's `db` or `bucket`); without it such lines are refused. */
  defaultGame?: string;
  /** The timestamp units accepted; defaults to PRECISIONS. */
  precisions?: readonly TimeUnit[];
}

const FUTURE = `${MAX_FUTURE_MS / 3_600_000} h`;

class LineScanner {
  /** The line being scanned: its named tags, whether its id came as a field, its score. */
  private readonly named: Record<TagName, string | undefined> = {
    game: undefined,
    player: undefined,
    team: undefined,
    id: undefined,
  };
  private idFromField = false;
  private meta: Meta | undefined;
  private score: number | undefined;
  private scoreKey = "";
  private subscore: number | undefined;
  /** Where the last scan stopped. */
  private at = 0;
  private readonly scalar: Scalar = { kind: INVALID, number: 0 };

  constructor(
    private readonly s: string,
    private readonly precision: TimeUnit,
    /** The latest acceptable timestamp (ms). */
    private readonly latest: number,
    private readonly defaultGame: string | undefined,
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
  private line(start: number, end: number, line: number): LineReport {
    // Reset in place: one shape for every line keeps the property accesses fast.
    this.named.game = this.named.player = this.named.team = this.named.id = undefined;
    this.idFromField = false;
    this.meta = undefined;
    this.score = undefined;
    this.subscore = undefined;
    let i = this.measurement(start, end);
    i = this.tags(i, end);
    while (i < end && this.s.charCodeAt(i) === SPACE) i++;
    if (i === end) refuseLine("fields are missing (expected e.g. value=120)");
    i = this.fields(i, end);
    const ts = this.trailingTimestamp(i, end);

    const { player, team, id } = this.named;
    const game = this.named.game ?? this.defaultGame;
    if (game === undefined) refuseLine("tag game is missing");
    if (player === undefined) refuseLine("tag player is missing");
    if (this.score === undefined) refuseLine("field value (or score) is missing");
    const report: LineReport = { line, game, player, score: this.score };
    if (this.subscore !== undefined) report.subscore = this.subscore;
    if (ts !== undefined) report.ts = ts;
    if (team !== undefined) report.team = team;
    if (id !== undefined) report.id = id;
    if (this.meta !== undefined) report.meta = this.meta;
    return report;
  }

  /** The measurement: anything up to an unescaped comma or space. Returns where it ends. */
  private measurement(start: number, end: number): number {
    const s = this.s;
    let i = start;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
      if (c === BACKSLASH && i + 1 < end && escapes(MEASUREMENT, s.charCodeAt(i + 1))) i++;
    }
    if (i === start) refuseLine("measurement is missing");
    return i;
  }

  /** `,key=value` tags: Podium's own by their rules, others only checked for repeats. */
  private tags(start: number, end: number): number {
    const s = this.s;
    let i = start;
    let others: Set<string> | undefined;
    for (let count = 1; i < end && s.charCodeAt(i) === COMMA; count++) {
      if (count > MAX_TAGS) refuseLine(`more than ${MAX_TAGS} tags; a line may have at most ${MAX_TAGS}`);
      const key = this.key(i + 1, end, "tag");
      const valueStart = this.at + 1;
      let escaped = false;
      for (i = valueStart; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === COMMA || c === SPACE) break;
        if (c === EQUALS) refuseLine(`tag ${show(key)} has an unescaped "=" in its value`);
        if (c === BACKSLASH && i + 1 < end && escapes(KEY, s.charCodeAt(i + 1))) {
          escaped = true;
          i++;
        }
      }
      if (i === valueStart) refuseLine(`tag ${show(key)} has no value`);
      const tag = tagName(key);
      if (tag !== undefined) {
        if (this.named[tag] !== undefined) refuseLine(`tag ${tag} is repeated`);
        this.named[tag] = checked(tag, escaped ? unescaped(s, valueStart, i, KEY) : s.slice(valueStart, i));
      } else {
        others ??= new Set();
        if (others.has(key)) refuseLine(`tag ${show(key)} is repeated`);
        others.add(key);
      }
    }
    return i;
  }

  /** `key=value[,key=value...]`: the score (`value` or `score`), an `id` string, others checked for form. */
  private fields(start: number, end: number): number {
    const s = this.s;
    let i = start;
    for (;;) {
      const key = this.key(i, end, "field");
      i = s.charCodeAt(this.at + 1) === QUOTE ? this.stringField(key, this.at + 1, end) : this.scalarField(key, end);
      if (i < end && s.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      return i;
    }
  }

  /** A quoted string field from `valueStart` (at its quote); may hold spaces, commas and "=". */
  private stringField(key: string, valueStart: number, end: number): number {
    const s = this.s;
    let escaped = false;
    let i = valueStart + 1;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH && i + 1 < end && escapes(STRING, s.charCodeAt(i + 1))) {
        escaped = true;
        i++;
      }
    }
    if (i === end) refuseLine(`field ${show(key)} has a string with no closing quote`);
    i++;
    if (i < end && s.charCodeAt(i) !== COMMA && s.charCodeAt(i) !== SPACE) {
      refuseLine(`field ${show(key)} has text after its closing quote`);
    }
    if (key === "id") {
      if (this.named.id !== undefined) {
        refuseLine(this.idFromField ? "field id is repeated" : "id is given both as a tag and as a field");
      }
      this.named.id = checked(
        "id",
        escaped ? unescaped(s, valueStart + 1, i - 1, STRING) : s.slice(valueStart + 1, i - 1),
      );
      this.idFromField = true;
    } else if (key === "meta") {
      if (this.meta !== undefined) refuseLine("field meta is repeated");
      this.meta = metaOf(escaped ? unescaped(s, valueStart + 1, i - 1, STRING) : s.slice(valueStart + 1, i - 1));
    } else if (key === "value" || key === "score" || key === "subscore") {
      refuseLine(`field ${key} is a string; expected a number`);
    }
    return i;
  }

  /** An unquoted field value after the key's "=": a number, boolean or nothing valid. */
  private scalarField(key: string, end: number): number {
    const s = this.s;
    const valueStart = this.at + 1;
    let i = valueStart;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === SPACE) break;
    }
    if (i === valueStart) refuseLine(`field ${show(key)} has no value`);
    classify(s, valueStart, i, this.scalar);
    const { kind, number } = this.scalar;
    if (key === "value" || key === "score") {
      if (kind !== NUMBER) {
        refuseLine(
          kind === BOOLEAN
            ? `field ${key} is a boolean; expected a number`
            : `field ${key}: ${show(s.slice(valueStart, i))} is not a number`,
        );
      }
      if (this.score !== undefined) {
        refuseLine(
          key === this.scoreKey ? `field ${key} is repeated` : "fields value and score are both given; send one",
        );
      }
      if (!(number >= -MAX_SCORE && number <= MAX_SCORE)) {
        refuseLine(`field ${key}: ${show(s.slice(valueStart, i))} is out of range (|score| <= 2^53-1)`);
      }
      this.score = number === 0 ? 0 : number; // no -0
      this.scoreKey = key;
    } else if (key === "subscore") {
      if (kind !== NUMBER) refuseLine(`field subscore: ${show(s.slice(valueStart, i))} is not a number`);
      if (this.subscore !== undefined) refuseLine("field subscore is repeated");
      if (!Number.isFinite(number)) refuseLine(`field subscore: ${show(s.slice(valueStart, i))} is not finite`);
      this.subscore = number === 0 ? 0 : number;
    } else if (kind === INVALID) {
      refuseLine(`field ${show(key)}: ${show(s.slice(valueStart, i))} is not a number, boolean or quoted string`);
    } else if (key === "id") {
      refuseLine('field id is not a string; expected e.g. id="evt-1"');
    } else if (key === "meta") {
      refuseLine('field meta is not a string; expected JSON, e.g. meta="{\\"level\\":3}"');
    }
    return i;
  }

  /** The optional timestamp after one or more spaces, then only trailing spaces. */
  private trailingTimestamp(start: number, end: number): number | undefined {
    const s = this.s;
    let i = start;
    while (i < end && s.charCodeAt(i) === SPACE) i++;
    if (i === end) return undefined;
    const tsStart = i;
    let digits = true;
    if (s.charCodeAt(i) === MINUS) i++;
    if (i === end || s.charCodeAt(i) === SPACE) digits = false;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === SPACE) break;
      if (c < ZERO || c > NINE) digits = false;
    }
    if (!digits) refuseLine(`timestamp ${show(s.slice(tsStart, i))} is not an integer`);
    const ts = this.timestamp(tsStart, i);
    while (i < end && s.charCodeAt(i) === SPACE) i++;
    if (i < end) refuseLine(`unexpected text after the timestamp: ${show(s.slice(i, end))}`);
    return ts;
  }

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
    if (key === "") refuseLine(`${what} key is missing`);
    if (i === end || s.charCodeAt(i) !== EQUALS) refuseLine(`${what} ${show(key)} has no value`);
    this.at = i;
    return key;
  }

  /** The timestamp `s[start, end)`, known to be -?digits, in whole milliseconds, checked. */
  private timestamp(start: number, end: number): number {
    const s = this.s;
    let i = start;
    if (s.charCodeAt(i) === MINUS) {
      for (i++; i < end; i++) {
        if (s.charCodeAt(i) !== ZERO) refuseLine(`timestamp ${show(s.slice(start, end))} is negative`);
      }
      return 0; // -0
    }
    // Dropping the last `drop` digits is floor division for a non-negative value; the
    // kept prefix is exact while below 2^53, and far in the future (so refused) beyond.
    const { drop, factor } = UNITS[this.precision];
    const keep = end - drop;
    let ms = 0;
    for (; i < keep; i++) ms = ms * 10 + (s.charCodeAt(i) - ZERO);
    ms *= factor;
    if (ms > this.latest) {
      refuseLine(
        `timestamp ${show(s.slice(start, end))} is more than ${FUTURE} in the future (precision ${this.precision})`,
      );
    }
    return ms;
  }
}

/**
 * Parses a line-protocol body into reports, validating it whole: any bad line
 * makes the result the list of errors (the first `maxErrors`, in line order,
 * at most one per line) and no reports. Never throws.
 */
export function parseLineProtocol(body: string, precision: TimeUnit, options: LineParseOptions = {}): LineParseResult {
  const accepted = options.precisions ?? PRECISIONS;
  if (!accepted.includes(precision)) {
    return { ok: false, errors: [{ path: "precision", message: `precision is one of ${accepted.join(", ")}` }] };
  }
  const now = options.now ?? Date.now();
  const scanner = new LineScanner(body, precision, now + MAX_FUTURE_MS, options.defaultGame);
  const reports: LineReport[] = [];
  const errors: IssueDetail[] = [];
  const lines = scanner.body(reports, errors, options.maxLines ?? 100_000, Math.max(1, options.maxErrors ?? 100));
  if (errors.length > 0) return { ok: false, errors };
  if (lines === 0) return { ok: false, errors: [{ line: 1, message: "no lines: the body holds no reports" }] };
  return { ok: true, reports };
}
