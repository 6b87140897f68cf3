/** Name rules as plain regexes, importable by the browser bundle without zod. */
export const GAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
// The `u` flag makes {1,128} count code points and \p{Cs} match lone surrogates.
export const NAME_PATTERN = /^[^\p{Cc}\p{Cs}]{1,128}$/u;
