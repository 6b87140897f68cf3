import type { Plan } from "../engine/batch-plan";
import type { Ranking } from "../engine/ranking";
import { type Report, ScoreOverflowError } from "../engine/rules";
import type { GameConfig } from "../protocol/config";
import {
  type ApiError,
  accepted,
  boardFull,
  invalidRequest,
  type Outcome,
  refused,
  scoreOutOfBounds,
  scoreOutOfRange,
  tooManyTeams,
} from "../protocol/errors";
import type { SentReport } from "../protocol/packed-reports";
import type { ProfileTable, StoredProfile } from "./storage/profiles";

/** Fresh reports as the board takes them (each with its ts), and the profile changes and meta they carry. */
export interface ReportBatch {
  reports: (Report & { id?: string })[];
  /** Each player's name and country as the batch last set them. */
  profiles: Map<string, StoredProfile>;
  /** Each report's meta as JSON, by position; empty when no report has meta. */
  metas: (string | undefined)[];
}

/** The board's side of fresh reports: a missing ts is the server's `now`; names and countries go to profiles, meta as JSON. */
export function readReports(sent: readonly SentReport[], now: number): ReportBatch {
  const batch: ReportBatch = { reports: [], profiles: new Map(), metas: [] };
  for (const [index, { player, score, subscore, ts, id, team, name, country, metaJson }] of sent.entries()) {
    const report: Report & { id?: string } = { player, score, ts: ts ?? now };
    if (subscore !== undefined) report.subscore = subscore;
    if (team !== undefined) report.team = team;
    if (id !== undefined) report.id = id;
    batch.reports.push(report);
    if (metaJson !== undefined) batch.metas[index] = metaJson;
    if (name !== undefined || country !== undefined) {
      const change = { ...batch.profiles.get(player) };
      if (name !== undefined) change.name = name;
      if (country !== undefined) change.country = country;
      batch.profiles.set(player, change);
    }
  }
  return batch;
}

/** Why reports are refused for carrying a subscore on a game without a tiebreak (which would ignore it); undefined when none does. */
export function straySubscores(
  sent: readonly SentReport[],
  { tiebreak }: Pick<GameConfig, "tiebreak">,
): ApiError | undefined {
  if (tiebreak !== null) return undefined;
  const stray = sent.flatMap((r, i) =>
    r.subscore === undefined ? [] : [{ path: `scores[${i}].subscore`, message: "needs a tiebreak" }],
  );
  if (stray.length === 0) return undefined;
  return invalidRequest("subscore needs a tiebreak: set the game's tiebreak (while its board is empty) first", stray);
}

/**
 * Plans reports against the board, or refuses them whole: a sum that would
 * leave the safe range, reports outside the game's bounds (each named by its
 * position in the batch as sent, from `positions`), or a batch that would
 * pass the game's limits on players or teams.
 */
export function planReports(
  board: Ranking,
  reports: readonly Report[],
  positions: readonly number[],
  config: GameConfig,
  now: number,
): Outcome<Plan> {
  let plan: Plan;
  try {
    plan = board.plan(reports, config.bounds, now);
  } catch (error) {
    if (error instanceof ScoreOverflowError) return refused(scoreOutOfRange(error.message));
    throw error;
  }
  if (plan.violations.length > 0) {
    return refused(scoreOutOfBounds(plan.violations.map((v) => ({ ...v, index: positions[v.index] }))));
  }
  const over = overLimits(board, plan, config);
  return over === undefined ? accepted(plan) : refused(over);
}

/** Why applying `plan` would pass the game's limits on players or teams; undefined when it fits. */
export function overLimits(
  board: Ranking,
  { states }: Pick<Plan, "states">,
  { maxPlayers, maxTeams }: Pick<GameConfig, "maxPlayers" | "maxTeams">,
): ApiError | undefined {
  const room = maxPlayers - board.knownPlayers;
  // Only a batch larger than the room left can overflow it: most batches skip the count.
  if (states.length > room) {
    const added = board.countNew(states);
    if (added > room) return boardFull(board.knownPlayers, maxPlayers, added);
  }
  const newTeams = new Set(
    states.flatMap((s) => (s.team === undefined || board.derived.knowsTeam(s.team) ? [] : [s.team])),
  );
  if (newTeams.size > 0 && board.derived.knownTeams + newTeams.size > maxTeams) {
    return tooManyTeams(board.derived.knownTeams, maxTeams, newTeams.size);
  }
  return undefined;
}

/**
 * Countries after a batch is applied: players new to the board take the
 * country their profile already has (set before their first score), unless
 * the batch sets one; the batch's own changes go in last.
 */
export function joinCountries(
  board: Ranking,
  profiles: Pick<ProfileTable, "many">,
  newcomers: readonly { player: string }[],
  changes: ReadonlyMap<string, StoredProfile>,
): void {
  for (const [player, profile] of profiles.many(newcomers.map((s) => s.player))) {
    if (profile.country !== undefined && !changes.has(player)) board.setCountry(player, profile.country);
  }
  for (const [player, change] of changes) {
    if (change.country !== undefined) board.setCountry(player, change.country);
  }
}
