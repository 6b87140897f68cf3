import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string().openapi({ example: "scores[0].score: Expected number" }),
      details: z.array(z.unknown()).optional(),
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
}

export type ErrorDetail = IssueDetail | GameOutcomeDetail;

/** An error the API answers with, carried as data across the object boundary. */
export interface ApiError {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details?: ErrorDetail[];
}

export function errorBody({ code, message, details }: ApiError): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The codes used for each status when nothing more specific applies. */
export const DEFAULT_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  426: "upgrade_required",
  429: "too_many_requests",
  500: "internal_error",
};

/** Result of an object call that can be refused. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };
