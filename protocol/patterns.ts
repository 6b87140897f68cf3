/** Name rules as plain regexes and texts, importable by the browser bundle without zod. */

// Only dots would be `.` or `..`: URLs normalize those away, so such a game could never be read.
export const GAME_PATTERN = /^(?!\.+$)[A-Za-z0-9_.-]{1,64}$/;
export const GAME_RULE = "game is 1-64 characters of A-Z a-z 0-9 _ . -, not only dots";

// The `u` flag makes {1,128} count code points and \p{Cs} match lone surrogates. Bidi overrides,
// embeddings and isolates (U+202A-U+202E, U+2066-U+2069) could make a name display as another, and a
// name of only blanks and invisible format characters (U+200B, U+FEFF, ...) shows as nothing.
export const NAME_PATTERN = /^(?=[\s\S]*[^\p{White_Space}\p{Cf}])[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]{1,128}$/u;
/** A player's display name: shorter than ids, same characters. */
export const DISPLAY_NAME_PATTERN =
  /^(?=[\s\S]*[^\p{White_Space}\p{Cf}])[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]{1,64}$/u;
export const nameRule = (what: string) =>
  `${what} is 1-128 printable characters with at least one visible, no control or bidi override characters`;

/** Players, teams and ids are compared after NFC normalization, so `café` typed either way is one name. */
export function normalizeName(name: string): string {
  // Code points below U+0300 never change under NFC: most names skip ICU altogether.
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x300) return name.normalize("NFC");
  return name;
}
