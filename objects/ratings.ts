import { ordinal, rate, rating } from "openskill";

/**
 * Ratings from match results, pure. A result is its groups in finishing
 * order (players in one group finished tied).
 */

/**
 * ELO changes of one result: every pair of players counts as a game played at
 * once, each with K/(n-1), scored 1, 0.5 or 0 by finishing order; all pairs
 * use the ratings from before the result and the changes are summed. A 1v1
 * result is the textbook update with the full K.
 */
export function eloChanges(groups: readonly (readonly string[])[], ratingOf: (player: string) => number, k: number) {
  const players = groups.flatMap((group, place) => group.map((player) => ({ player, place })));
  const weight = k / (players.length - 1);
  const changes = new Map(players.map(({ player }) => [player, 0]));
  for (let i = 0; i < players.length; i++) {
    for (let j = i + 1; j < players.length; j++) {
      const a = players[i];
      const b = players[j];
      const expected = 1 / (1 + 10 ** ((ratingOf(b.player) - ratingOf(a.player)) / 400));
      const actual = a.place < b.place ? 1 : a.place === b.place ? 0.5 : 0;
      const change = weight * (actual - expected);
      changes.set(a.player, (changes.get(a.player) as number) + change);
      changes.set(b.player, (changes.get(b.player) as number) - change);
    }
  }
  return changes;
}

export interface Skill {
  mu: number;
  sigma: number;
}

/** A new player's OpenSkill rating (the model's defaults: mu 25, sigma 25/3). */
export const NEW_SKILL: Skill = rating();

/** The board's score of a skill: the conservative estimate mu - 3 sigma. */
export const skillScore = (skill: Skill): number => ordinal(skill);

/**
 * OpenSkill (Weng-Lin, Plackett-Luce, the package's defaults) after one
 * free-for-all result: each player its own team, ranked by its group.
 */
export function openskillUpdate(
  groups: readonly (readonly string[])[],
  skillOf: (player: string) => Skill,
): Map<string, Skill> {
  const players = groups.flat();
  const ranks = groups.flatMap((group, place) => group.map(() => place + 1));
  const rated = rate(
    players.map((player) => [skillOf(player)]),
    { rank: ranks },
  );
  return new Map(players.map((player, i) => [player, { mu: rated[i][0].mu, sigma: rated[i][0].sigma }]));
}
