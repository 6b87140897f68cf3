import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string().openapi({ example: "scores[0].score: Expected number" }),
      details: z.array(z.unknown()).optional(),
      applied: z
        .number()
        .int()
        .optional()
        .openapi({ description: "A sharded batch refused in part: how many of its reports were applied" }),
    }),
  })
  .openapi("Error");

export type ErrorBody = z.infer<typeof ErrorBody>;

/** One problem with one part of the input: a JSON path or a line number. */
export interface IssueDetail {
  path?: string;
  line?: number;
  message: string;
}

/** What became of one game's part of a multi-game write. */
export interface GameOutcomeDetail {
  game: string;
  applied: boolean;
  code?: string;
  message?: string;
  /** The lines the game's bounds refused, by line number in the body. */
  lines?: LineBoundsDetail[];
}

/** A line a game's bounds refused: a BoundsDetail named by its line in the body. */
export type LineBoundsDetail = Omit<BoundsDetail, "index"> & { line: number };

/** A report a game's bounds refused: its position in the batch, its player, and why. */
export interface BoundsDetail {
  index: number;
  player: string;
  reason: string;
}

/** A report or result refused by a gate (not joined, out of attempts): its position in the batch, its player, and why. */
export type GateDetail = BoundsDetail;

/** A report of a sharded batch whose shard refused its part (the batch's other parts may have applied). */
export interface ReportOutcomeDetail {
  index: number;
  applied: false;
  code: string;
  /** For a report the bounds refused: its player, and why. */
  player?: string;
  reason?: string;
}

export type ErrorDetail = IssueDetail | GameOutcomeDetail | BoundsDetail | ReportOutcomeDetail;

/** An error the API answers with, carried as data across the object boundary. */
export interface ApiError {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details?: ErrorDetail[];
  /** A sharded batch refused in part: how many of its reports were applied. */
  applied?: number;
  /** For the Worker only, never sent: the shard count to route a refused write by (see shardsChanged). */
  shards?: number;
  /** For the Worker only, never sent: whether the game gates writes, so a batch over several shards is checked first. */
  gated?: boolean;
}

/** The envelope of every error answer. */
export function errorBody({ code, message, details, applied }: ApiError): ErrorBody {
  const error: ErrorBody["error"] = details === undefined ? { code, message } : { code, message, details };
  if (applied !== undefined) error.applied = applied;
  return { error };
}

/** The one writer of error answers: the envelope, with the error's status. */
export function errorResponse(error: ApiError, headers?: HeadersInit): Response {
  return Response.json(errorBody(error), { status: error.status, headers });
}

/** What the API says of one error status, wherever it says it. */
interface StatusRow {
  /** The OpenAPI description of a route's answer with this status; absent: no route declares it. */
  description?: string;
  /** Influx's own code, which its clients and Telegraf read from `code`. */
  influx?: string;
  /** The code of errorForStatus, when nothing more specific applies. */
  code?: string;
}

/**
 * One row per error status: the OpenAPI descriptions, Influx's codes and the
 * generic codes all come from here. A status without a code answers Influx's
 * `internal error` and the generic `internal_error`.
 */
export const ERROR_STATUSES = {
  400: {
    description: "Invalid input; `details` says where. Nothing was applied.",
    influx: "invalid",
    code: "invalid_request",
  },
  401: { description: "No key, or an invalid key", influx: "unauthorized", code: "unauthorized" },
  403: { description: "The key may not do this (game or operation)", influx: "forbidden", code: "forbidden" },
  404: { description: "Unknown game or player", influx: "not found", code: "not_found" },
  405: { code: "method_not_allowed" },
  409: { description: "The change conflicts with the board's state", influx: "conflict", code: "conflict" },
  413: { description: "Body too large", influx: "request too large", code: "payload_too_large" },
  415: { description: "Wrong content type", influx: "unsupported media type", code: "unsupported_media_type" },
  422: { description: "A report outside the game's bounds; `details` names each. Nothing was applied." },
  426: { description: "Not a websocket upgrade", code: "upgrade_required" },
  429: { description: "Over a limit", influx: "too many requests", code: "too_many_requests" },
} as const satisfies Record<number, StatusRow>;

/** The statuses a route can declare in its OpenAPI responses: those with a description. */
export type DescribedStatus = {
  [S in keyof typeof ERROR_STATUSES]: (typeof ERROR_STATUSES)[S] extends { description: string } ? S : never;
}[keyof typeof ERROR_STATUSES];

// Widened so any status can be looked up, a status without a row reading as undefined.
const statusRows: Partial<Record<number, StatusRow>> = ERROR_STATUSES;

/** An error for Influx-compatible writes: Influx's `code` and `message` on top of the usual envelope. */
export function influxErrorResponse(error: ApiError): Response {
  const code = statusRows[error.status]?.influx ?? "internal error";
  return Response.json({ code, message: error.message, ...errorBody(error) }, { status: error.status });
}

/** Result of an object call that can be refused. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const accepted = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refused = (error: ApiError): { ok: false; error: ApiError } => ({ ok: false, error });
/** `value` when there is one, else the refusal `missing` names. */
export const found = <T>(value: T | undefined, missing: () => ApiError): Outcome<T> =>
  value === undefined ? refused(missing()) : accepted(value);

// The vocabulary: every error the API answers with, by name. Routes and objects both use these.

export const invalidRequest = (message: string, details?: IssueDetail[]): ApiError =>
  details === undefined
    ? { status: 400, code: "invalid_request", message }
    : { status: 400, code: "invalid_request", message, details };

export const invalidLineProtocol = (lines: IssueDetail[]): ApiError => ({
  status: 400,
  code: "invalid_line_protocol",
  message: lines.map((e) => (e.line === undefined ? e.message : `line ${e.line}: ${e.message}`)).join("; "),
  details: lines,
});

export const tooManyGames = (games: number, most: number): ApiError => ({
  status: 400,
  code: "too_many_games",
  message: `the body names ${games} games; send lines for at most ${most} per request`,
});

export const scoreOutOfRange = (message: string): ApiError => ({ status: 400, code: "score_out_of_range", message });

export const missingKey = (): ApiError => ({
  status: 401,
  code: "unauthorized",
  message: "send a key as `Authorization: Bearer <key>`",
});

export const invalidKey = (): ApiError => ({ status: 401, code: "unauthorized", message: "the key is not valid" });

export const gameForbidden = (game: string): ApiError => ({
  status: 403,
  code: "forbidden",
  message: `this key may not write to game ${game}`,
});

export const adminOnly = (): ApiError => ({
  status: 403,
  code: "forbidden",
  message: "this operation needs an admin key",
});

export const invalidToken = (why: string): ApiError => ({ status: 401, code: "unauthorized", message: why });

export const tokenForbidden = (why: string): ApiError => ({ status: 403, code: "forbidden", message: why });

/** Over a rate limit: answered with Retry-After `seconds`. */
export const rateLimited = (what: string): ApiError => ({
  status: 429,
  code: "rate_limited",
  message: `too many requests ${what}; retry after the Retry-After seconds`,
});

export const gameNotFound = (): ApiError => ({ status: 404, code: "game_not_found", message: "no such game" });

export const playerNotFound = (player: string): ApiError => ({
  status: 404,
  code: "player_not_found",
  message: `player ${JSON.stringify(player)} is not on the board`,
});

export const statsNotFound = (player: string): ApiError => ({
  status: 404,
  code: "player_not_found",
  message: `player ${JSON.stringify(player)} has never played, reported or counted anything here`,
});

export const scoreOutOfBounds = (violations: BoundsDetail[]): ApiError => ({
  status: 422,
  code: "score_out_of_bounds",
  message: `${violations.length} report${violations.length === 1 ? "" : "s"} outside the game's bounds; nothing was applied`,
  details: violations,
});

/** The game's opening hours exclude `now` (see protocol/competition.ts). */
export const gameClosed = (open: { from?: number; to?: number }, now: number): ApiError => ({
  status: 409,
  code: "game_closed",
  message:
    open.from !== undefined && now < open.from
      ? `the game opens at ${new Date(open.from).toISOString()}; nothing was applied`
      : `the game closed at ${new Date(open.to ?? now).toISOString()}; nothing was applied`,
});

export const notJoined = (refusals: GateDetail[]): ApiError => ({
  status: 403,
  code: "not_joined",
  message: `${refusals.length === 1 ? "1 item names a player who has" : `${refusals.length} items name players who have`} not joined this season (POST .../players/{player}/join); nothing was applied`,
  details: refusals,
});

export const attemptsExhausted = (refusals: GateDetail[]): ApiError => ({
  status: 409,
  code: "attempts_exhausted",
  message: `${refusals.length === 1 ? "1 report goes beyond its player's" : `${refusals.length} reports go beyond their players'`} attempts this season; nothing was applied`,
  details: refusals,
});

export const seasonNotFound = (season: number): ApiError => ({
  status: 404,
  code: "season_not_found",
  message: `season ${season} has not started`,
});

export const notInSeason = (player: string, season: number): ApiError => ({
  status: 404,
  code: "player_not_found",
  message: `player ${JSON.stringify(player)} is not in season ${season}'s standings`,
});

export const tooManyCounters = (player: string, most: number): ApiError => ({
  status: 400,
  code: "too_many_counters",
  message: `player ${JSON.stringify(player)} would have more than ${most} counters`,
});

export const counterOverflow = (player: string, counter: string): ApiError => ({
  status: 400,
  code: "counter_out_of_range",
  message: `counter ${JSON.stringify(counter)} of ${JSON.stringify(player)} would pass ±${Number.MAX_SAFE_INTEGER}`,
});

export const teamNotFound = (team: string): ApiError => ({
  status: 404,
  code: "team_not_found",
  message: `team ${JSON.stringify(team)} has no players on the board`,
});

export const cohortNotFound = (cohort: number): ApiError => ({
  status: 404,
  code: "cohort_not_found",
  message: `cohort ${cohort} has not been opened this season (or the game has no cohorts)`,
});

export const routeNotFound = (method: string, path: string): ApiError => ({
  status: 404,
  code: "not_found",
  message: `no route for ${method} ${path}`,
});

export const methodNotAllowed = (method: string, allowed: string[]): ApiError => ({
  status: 405,
  code: "method_not_allowed",
  message: `${method} is not allowed here; use ${allowed.join(" or ")}`,
});

export const aggregateLocked = (players: number): ApiError => ({
  status: 409,
  code: "aggregate_locked",
  message: `aggregate can only change while the board is empty; it has ${players} players`,
});

export const notEmpty = (players: number, what: string): ApiError => ({
  status: 409,
  code: "not_empty",
  message: `${what} can only change while the board is empty; it has ${players} players`,
});

/** A new shard count while a closed season's board is still held (by the shards, or the game's object) for its archive. */
export const seasonStillHeld = (season: number): ApiError => ({
  status: 409,
  code: "not_empty",
  message: `shards can only change while the board is empty; closed season ${season}'s board is still held while its standings are gathered for the archive: try again shortly`,
});

export const needsOneShard = (what: string): ApiError => ({
  status: 409,
  code: "needs_one_shard",
  message: `${what} needs every player in one object; this game is sharded (set shards: 1 while the board is empty)`,
});

/**
 * A report reached an object that does not hold its player under the game's
 * shards (its Worker knew an older count). The Worker routes again and never
 * answers with this; a client that sees it may send the same batch again.
 */
export const shardsChanged = (shards: number, gated?: boolean): ApiError => ({
  status: 409,
  code: "shards_changed",
  message: `the game's players are now spread over ${shards} shards; send the batch again`,
  shards,
  ...(gated === undefined ? {} : { gated }),
});

export const boardFull = (players: number, most: number, adding: number): ApiError => ({
  status: 409,
  code: "board_full",
  message: `the board holds ${players} of at most ${most} players; this batch would add ${adding}`,
});

export const tooManyTeams = (teams: number, most: number, adding: number): ApiError => ({
  status: 409,
  code: "too_many_teams",
  message: `the game has named ${teams} of at most ${most} teams; this batch would add ${adding}`,
});

export const tiebreakLocked = (players: number): ApiError => ({
  status: 409,
  code: "tiebreak_locked",
  message: `tiebreak can only change while the board is empty; it has ${players} players`,
});

export const ratingLocked = (players: number): ApiError => ({
  status: 409,
  code: "rating_locked",
  message: `rating can only change while the board is empty; it has ${players} players`,
});

export const ratedGame = (rating: string): ApiError => ({
  status: 409,
  code: "rated_game",
  message: `this game is rated by ${rating}: scores come from results (POST .../results), not reports`,
});

export const payloadTooLarge = (most: number): ApiError => ({
  status: 413,
  code: "payload_too_large",
  message: `the body is larger than ${most} bytes`,
});

export const unsupportedMediaType = (message: string): ApiError => ({
  status: 415,
  code: "unsupported_media_type",
  message,
});

export const jsonRequired = (got: string | undefined): ApiError =>
  unsupportedMediaType(
    `this route takes JSON: send Content-Type: application/json (got ${got ? got.split(";")[0] : "no Content-Type"})`,
  );

export const upgradeRequired = (): ApiError => ({
  status: 426,
  code: "upgrade_required",
  message: "this is a websocket endpoint: connect with Upgrade: websocket",
});

export const tooManySpectators = (connected: number, most: number): ApiError => ({
  status: 429,
  code: "too_many_spectators",
  message: `this game already has ${connected} spectators (the limit is ${most})`,
});

export const tooManySockets = (most: number): ApiError => ({
  status: 429,
  code: "too_many_sockets",
  message: `this address already holds ${most} live sockets on this game; close one first`,
});

/** Every relay with room filled while a spectator was being placed (a burst of joins): trying again finds room or a full game. */
export const spectatorsMoving = (): ApiError => ({
  status: 429,
  code: "too_many_spectators",
  message: "the game's relays filled while this spectator was being placed; try again",
});

export const tooManyViews = (views: number, most: number): ApiError => ({
  status: 429,
  code: "too_many_views",
  message:
    `this game already has ${views} distinct views (the limit is ${most}); ` +
    "watch without following a player, or follow one that others follow",
});

export const internalError = (message = "something went wrong; it has been logged"): ApiError => ({
  status: 500,
  code: "internal_error",
  message,
});

/** An error for a status when nothing more specific applies (Hono's own exceptions). */
export function errorForStatus(status: ContentfulStatusCode, message: string): ApiError {
  return { status, code: statusRows[status]?.code ?? "internal_error", message };
}
