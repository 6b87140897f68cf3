/**
 * What a line's tags and fields may hold, checked: the tags Podium reads and
 * their rules, the `meta` field's JSON, and how a line is refused. Pure.
 */
import { GAME_PATTERN, GAME_RULE, NAME_PATTERN, nameRule, normalizeName } from "../../protocol/patterns";
import { MAX_META_BYTES, type Meta, metaBytes } from "../../protocol/reports";
import { show } from "./line-text";

/** The tags Podium reads, and the rule each value must meet. */
const TAG_RULES = {
  game: { pattern: GAME_PATTERN, rule: GAME_RULE, normalize: false },
  player: { pattern: NAME_PATTERN, rule: nameRule("player"), normalize: true },
  team: { pattern: NAME_PATTERN, rule: nameRule("team"), normalize: true },
  id: { pattern: NAME_PATTERN, rule: nameRule("id"), normalize: true },
} as const;
export type TagName = keyof typeof TAG_RULES;
/**
 * The literal for a tag key Podium reads. A literal, not the sliced key: used
 * as a property name, a fresh string would be looked up in V8's string table
 * on every access (measured: the parser ran at half speed).
 */
export function tagName(key: string): TagName | undefined {
  if (key === "game") return "game";
  if (key === "player") return "player";
  if (key === "team") return "team";
  if (key === "id") return "id";
  return undefined;
}

/** A problem with one line; caught per line and turned into an IssueDetail. */
export class LineError extends Error {}

export function refuseLine(message: string): never {
  throw new LineError(message);
}

/** A named value checked against its rule (and NFC-normalized when it is a name). */
export function checked(tag: TagName, raw: string): string {
  const { pattern, rule, normalize } = TAG_RULES[tag];
  const value = normalize ? normalizeName(raw) : raw;
  if (!pattern.test(value)) refuseLine(`${rule} (got ${show(value)})`);
  return value;
}

/** A `meta` field's text: a JSON object of at most MAX_META_BYTES, as a report's meta must be. */
export function metaOf(text: string): Meta {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    refuseLine(`field meta is not JSON (got ${show(text)})`);
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) {
    refuseLine(`field meta is not a JSON object (got ${show(text)})`);
  }
  if (metaBytes(meta) > MAX_META_BYTES) refuseLine(`field meta is more than ${MAX_META_BYTES} bytes of JSON`);
  return meta as Meta;
}
