import { z } from "@hono/zod-openapi";

const expected = "a cohort is a whole number, 1 or more";

/** A cohort's number: cohorts are numbered 1, 2, ... in the order they open, afresh each season. */
export const CohortNumber = z.coerce
  .number()
  .int(expected)
  .min(1, expected)
  .max(Number.MAX_SAFE_INTEGER, expected)
  .openapi({ param: { name: "cohort", in: "path" }, example: 1 });

/** A cohort named in a query (`/live?cohort=2`). */
export const CohortQuery = z
  .string()
  .regex(/^\d+$/, expected)
  .transform(Number)
  .pipe(z.number().int().min(1, expected).max(Number.MAX_SAFE_INTEGER, expected))
  .openapi({
    type: "integer",
    minimum: 1,
    description: "Only this cohort's players, ranked within it (players board)",
  });
