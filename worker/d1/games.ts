import { asc, desc, eq, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { z } from "zod";
import type { GameList, GameSummary } from "../../protocol/boards";
import { games } from "../../protocol/d1-schema";
import type { GameKind } from "../../protocol/game-kind";

/** Which page of the directory: by name after `after`, or most recently updated first from `offset`. */
interface DirectoryQuery {
  order: "name" | "active";
  limit: number;
  after?: string;
  offset: number;
}

/** A page of the games directory, with the `next` that continues it when there is more. */
export async function directoryPage(
  d1: D1Database,
  { order, limit, after, offset }: DirectoryQuery,
): Promise<z.infer<typeof GameList>> {
  const select = drizzle(d1)
    .select({
      game: games.game,
      players: games.players,
      updatedAt: games.updatedAt,
      kind: games.kind,
      leader: games.leader,
      leaderName: games.leaderName,
      leaderCountry: games.leaderCountry,
      leaderScore: games.leaderScore,
      season: games.season,
      spectators: games.spectators,
    })
    .from(games);
  // One row past the page says whether there is a next one.
  const rows =
    order === "active"
      ? await select
          .orderBy(desc(games.updatedAt), asc(games.game))
          .limit(limit + 1)
          .offset(offset)
      : await select
          .where(after === undefined ? undefined : gt(games.game, after))
          .orderBy(asc(games.game))
          .limit(limit + 1);
  const page = rows.slice(0, limit).map(summaryOf);
  const more = rows.length > limit;
  const next = !more ? undefined : order === "active" ? String(offset + limit) : page[page.length - 1]?.game;
  return next === undefined ? { games: page } : { games: page, next };
}

type Row = Omit<GameSummary, "kind" | "leader" | "season"> & {
  kind: string | null;
  leader: string | null;
  leaderName: string | null;
  leaderCountry: string | null;
  leaderScore: number | null;
  season: number | null;
};

/** A directory row as the API gives it: what a row written before these columns lacks is left out. */
function summaryOf({ kind, leader, leaderName, leaderCountry, leaderScore, season, ...row }: Row): GameSummary {
  const summary: GameSummary = row;
  if (kind !== null) summary.kind = kind as GameKind;
  if (leader !== null && leaderScore !== null) {
    summary.leader = { player: leader, score: leaderScore };
    if (leaderName !== null) summary.leader.name = leaderName;
    if (leaderCountry !== null) summary.leader.country = leaderCountry;
  }
  if (season !== null) summary.season = season;
  return summary;
}

/** Whether the game is in the directory. */
export async function gameExists(d1: D1Database, game: string): Promise<boolean> {
  const rows = await drizzle(d1).select({ game: games.game }).from(games).where(eq(games.game, game)).limit(1);
  return rows.length > 0;
}
