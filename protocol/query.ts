import { z } from "@hono/zod-openapi";

/** Query integers arrive as strings; empty or malformed ones are 400s, not zeros. */
export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback });
