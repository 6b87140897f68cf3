import pLimit from "p-limit";
import {
  type ApiError,
  type BoundsDetail,
  type GameOutcomeDetail,
  internalError,
  type Outcome,
  refused,
  tooManyGames,
} from "../../protocol/errors";
import type { ScoreReport } from "../../protocol/reports";
import { type Grant, mayIngest } from "../auth";
import { applyBatch, REPORTS } from "../shards";
import type { LineReport } from "./line-protocol";

/** Games one line-protocol body may name: each is an object to wake and a directory row. */
export const MAX_GAMES_PER_WRITE = 100;
/** Games applied at once: a body's games queue behind a few calls, not one each. */
const GAME_CALLS_AT_ONCE = 8;

/**
 * Applies a validated line-protocol body, game by game: each game's lines
 * atomically, by its object. Answers undefined when every game applied them,
 * else the first refusal with `details` saying which games applied.
 */
export async function applyLines(env: Env, grant: Grant, lines: LineReport[]): Promise<ApiError | undefined> {
  const byGame = new Map<string, ScoreReport[]>();
  /** Each game's reports' line numbers, which a refusal by the bounds names. */
  const linesOf = new Map<string, number[]>();
  for (const { game, line, ...report } of lines) {
    const reports = byGame.get(game);
    if (reports === undefined) {
      byGame.set(game, [report]);
      linesOf.set(game, [line]);
    } else {
      reports.push(report);
      linesOf.get(game)?.push(line);
    }
  }
  if (byGame.size > MAX_GAMES_PER_WRITE) return tooManyGames(byGame.size, MAX_GAMES_PER_WRITE);
  const forbidden = mayIngest(grant, byGame.keys());
  if (forbidden) return forbidden;
  const limit = pLimit(GAME_CALLS_AT_ONCE);
  const outcomes = await Promise.all(
    [...byGame].map(([game, reports]) =>
      limit(async (): Promise<[string, Outcome<unknown>]> => {
        try {
          return [game, await applyBatch(env, game, reports, REPORTS)];
        } catch (error) {
          console.error(`write: applying ${reports.length} lines to ${game} failed`, error);
          return [game, refused(internalError("applying the lines failed"))];
        }
      }),
    ),
  );
  const failed = outcomes.flatMap(([, o]) => (o.ok ? [] : [o.error]));
  const first = failed[0];
  return first === undefined ? undefined : partialWrite(first, failed.length, outcomes, linesOf);
}

/** The first refusal of a multi-game write, with what became of every game. */
function partialWrite(
  first: ApiError,
  refusals: number,
  outcomes: [string, Outcome<unknown>][],
  linesOf: ReadonlyMap<string, number[]>,
): ApiError {
  const details: GameOutcomeDetail[] = outcomes.map(([game, o]) => {
    if (o.ok) return { game, applied: true };
    const detail: GameOutcomeDetail = { game, applied: false, code: o.error.code, message: o.error.message };
    const refusedReports = o.error.details as BoundsDetail[] | undefined;
    if (o.error.code === "score_out_of_bounds" && refusedReports !== undefined) {
      const lines = linesOf.get(game) ?? [];
      detail.lines = refusedReports.map(({ index, player, reason }) => ({ line: lines[index], player, reason }));
    }
    return detail;
  });
  const message =
    outcomes.length === 1
      ? first.message
      : `${refusals} of ${outcomes.length} games refused their lines (${first.message}); the others were applied`;
  return { status: first.status, code: first.code, message, details };
}
