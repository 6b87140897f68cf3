import { NAME_PATTERN } from "../../protocol/patterns";

/** The server's MAX_FRIENDS (protocol/boards, not imported: it would bundle zod); a test holds them equal. */
export const MAX_FRIENDS = 100;

/** A typed list of players: names split on commas and spaces, repeats once, at most MAX_FRIENDS. */
export function parseFriends(text: string): { players: string[]; invalid: string[]; dropped: number } {
  const names = [...new Set(text.split(/[\s,]+/).filter((name) => name !== ""))];
  const valid = names.filter((name) => NAME_PATTERN.test(name));
  return {
    players: valid.slice(0, MAX_FRIENDS),
    invalid: names.filter((name) => !NAME_PATTERN.test(name)),
    dropped: Math.max(0, valid.length - MAX_FRIENDS),
  };
}
