/**
 * Character-level pieces of the line-protocol scanner: escapes, how a value
 * is shown in an error, and the classes of unquoted field values. Pure.
 */

export const TAB = 9;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const MINUS = 45;
const PLUS = 43;
const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
export const EQUALS = 61;
export const BACKSLASH = 92;

/** What a backslash may escape: in the measurement; in tag keys, tag values and field keys; in string fields. */
export const MEASUREMENT = 0;
export const KEY = 1;
export const STRING = 2;
type EscapeContext = typeof MEASUREMENT | typeof KEY | typeof STRING;

export function escapes(context: EscapeContext, c: number): boolean {
  if (c === BACKSLASH) return true;
  if (context === STRING) return c === QUOTE;
  return c === COMMA || c === SPACE || (c === EQUALS && context === KEY);
}

/** `s[start, end)` with its escapes resolved (only called when it holds a backslash). */
export function unescaped(s: string, start: number, end: number, context: EscapeContext): string {
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

export const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** A value as shown in a message: bare when plain, else quoted (and cut when long). */
export function show(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return /^[\x21\x23-\x7e]+$/.test(value) && cut === value ? value : JSON.stringify(cut);
}

/** The kinds of unquoted field values. */
export const NUMBER = 0;
export const BOOLEAN = 1;
export const INVALID = 2;

const BOOLEANS = new Set(["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"]);

/** An unquoted field value's kind and, for numbers, its value. */
export interface Scalar {
  kind: typeof NUMBER | typeof BOOLEAN | typeof INVALID;
  number: number;
}

/** Classifies the unquoted field value `s[start, end)` into `out` (reused: no allocation per field). */
export function classify(s: string, start: number, end: number, out: Scalar): void {
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
      out.kind = NUMBER;
      out.number = negative ? -n : n;
      return;
    }
  }
  const last = s.charCodeAt(end - 1);
  if (last === 0x69 /* i */ && isInteger(s, start, end - 1, true)) {
    out.kind = NUMBER;
    out.number = Number(s.slice(start, end - 1));
  } else if (last === 0x75 /* u */ && isInteger(s, start, end - 1, false)) {
    out.kind = NUMBER;
    out.number = Number(s.slice(start, end - 1));
  } else if (isFloat(s, start, end)) {
    out.kind = NUMBER;
    out.number = Number(s.slice(start, end));
  } else if (end - start <= 5 && BOOLEANS.has(s.slice(start, end))) {
    out.kind = BOOLEAN;
  } else {
    out.kind = INVALID;
  }
}

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
    if (i < end && (s.charCodeAt(i) === MINUS || s.charCodeAt(i) === PLUS)) i++;
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
