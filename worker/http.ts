import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import {
  type ApiError,
  type DescribedStatus,
  ERROR_STATUSES,
  ErrorBody,
  errorResponse,
  invalidRequest,
  type Outcome,
  payloadTooLarge,
} from "../protocol/errors";
// Unknown keys in any body name the key that was likely meant.
import "../protocol/key-hints";

export type AppEnv = { Bindings: Env };

/** How a router writes its errors: the envelope, or the envelope as Influx clients read it. */
export type ErrorWriter = (error: ApiError) => Response;

/** A router whose validation failures answer 400 with the error envelope. */
export function createRouter(write: ErrorWriter = errorResponse) {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const details = describeIssues(result.error.issues);
      const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ");
      return write(invalidRequest(message, details));
    },
  });
}

/**
 * Sends an error in the envelope every error uses. Typed `never` so handlers
 * keep their success types for the typed client; every error status a route
 * can answer is declared in its OpenAPI responses instead.
 */
export function fail(_c: Context, error: ApiError): never {
  return errorResponse(error) as never;
}

/** Sends an object call's outcome: its value with 200, or its error. */
export function reply<T extends object>(c: Context, outcome: Outcome<T>) {
  if (!outcome.ok) return fail(c, outcome.error);
  return c.json(outcome.value, 200);
}

/** Rejects bodies over `maxSize` bytes with 413, before reading them whole. */
export function limitBody(maxSize: number, write: ErrorWriter = errorResponse) {
  return bodyLimit({ maxSize, onError: () => write(payloadTooLarge(maxSize)) });
}

type Issue = z.core.$ZodIssue;

/** Flattens zod issues to `{path, message}`; of a failed union, keeps the closest branch. */
export function describeIssues(issues: readonly Issue[]): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      return describeIssues(closest.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] })));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** OpenAPI response entries for the error statuses a route can answer. */
export function errorResponses(...statuses: DescribedStatus[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_STATUSES[s].description, content: { "application/json": { schema: ErrorBody } } },
    ]),
  );
}
