/** Name rules as plain regexes and texts, importable by the browser bundle without zod. */

// Only dots would be `.` or `..`: URLs normalize those away, so such a game could never be read.
export const GAME_PATTERN = /^(?!\.+$)[A-Za-z0-9_.-]{1,64}$/;
export const GAME_RULE = "game is 1-64 characters of A-Z a-z 0-9 _ . -, not only dots";

// The `u` flag makes {1,128} count code points and \p{Cs} match lone surrogates. Bidi overrides,
// embeddings and isolates (U+202A-U+202E, U+2066-U+2069) could make a name display as another, and a
// name of only blanks, marks with nothing to sit on, and characters that render as nothing (format
// characters such as U+200B, default-ignorables such as U+3164 HANGUL FILLER, U+2800 BRAILLE BLANK)
// shows as nothing: a name needs one character outside them.
const SHOWS = String.raw`(?=[\s\S]*[^\p{White_Space}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\u2800])`;
const ALLOWED = String.raw`[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]`;
export const NAME_PATTERN = new RegExp(`^${SHOWS}${ALLOWED}{1,128}$`, "u");
/** A player's display name: shorter than ids, same characters. */
export const DISPLAY_NAME_PATTERN = new RegExp(`^${SHOWS}${ALLOWED}{1,64}$`, "u");
export const nameRule = (what: string) =>
  `${what} is 1-128 printable characters with at least one visible, no control or bidi override characters`;

/** Players, teams and ids are compared after NFC normalization, so `café` typed either way is one name. */
export function normalizeName(name: string): string {
  // Code points below U+0300 never change under NFC: most names skip ICU altogether.
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x300) return name.normalize("NFC");
  return name;
}
