import { and, asc, eq, gte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { LeaderboardEntry } from "../../protocol/boards";
import { seasonStandings } from "../../protocol/d1-schema";
import type { Meta } from "../../protocol/reports";

const columns = {
  rank: seasonStandings.rank,
  player: seasonStandings.player,
  score: seasonStandings.score,
  subscore: seasonStandings.subscore,
  ts: seasonStandings.ts,
  team: seasonStandings.team,
  name: seasonStandings.name,
  country: seasonStandings.country,
  meta: seasonStandings.meta,
  cohort: seasonStandings.cohort,
  cohortRank: seasonStandings.cohortRank,
};

type StandingRow = Pick<typeof seasonStandings.$inferSelect, keyof typeof columns>;

/** A D1 row as a leaderboard entry: absent fields left out, as the live board does. */
function entry({ subscore, team, name, country, meta, cohort, cohortRank, ...rest }: StandingRow): LeaderboardEntry {
  return {
    ...rest,
    ...(subscore === null ? {} : { subscore }),
    ...(team === null ? {} : { team }),
    ...(name === null ? {} : { name }),
    ...(country === null ? {} : { country }),
    ...(meta === null ? {} : { meta: JSON.parse(meta) as Meta }),
    ...(cohort === null ? {} : { cohort }),
    ...(cohortRank === null ? {} : { cohortRank }),
  };
}

/**
 * A page of a closed season's final standings, in board order. Positions
 * run 0, 1, 2... down the board, so a page starts at its offset by key: an
 * SQL OFFSET would step over every row before it (10^6 at the bottom of a
 * large season, on the database every game shares).
 */
export async function standingsPage(
  d1: D1Database,
  game: string,
  season: number,
  { limit, offset }: { limit: number; offset: number },
): Promise<LeaderboardEntry[]> {
  const rows = await drizzle(d1)
    .select(columns)
    .from(seasonStandings)
    .where(
      and(eq(seasonStandings.game, game), eq(seasonStandings.season, season), gte(seasonStandings.position, offset)),
    )
    .orderBy(asc(seasonStandings.position))
    .limit(limit);
  return rows.map(entry);
}

/** A player's entry in a closed season's final standings, if it is there. */
export async function seasonEntry(
  d1: D1Database,
  game: string,
  season: number,
  player: string,
): Promise<LeaderboardEntry | undefined> {
  const [row] = await drizzle(d1)
    .select(columns)
    .from(seasonStandings)
    .where(and(eq(seasonStandings.game, game), eq(seasonStandings.season, season), eq(seasonStandings.player, player)))
    .limit(1);
  return row === undefined ? undefined : entry(row);
}
