import { z } from "@hono/zod-openapi";

/**
 * Query integers arrive as strings; empty or malformed ones are 400s, not
 * zeros. Every mistake (a sign, a fraction, too big) states the same range.
 */
export const queryInt = (min: number, max: number, fallback: number) => {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `expected a whole number, ${min} or more`
      : `expected a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, expected)
    .transform(Number)
    .pipe(z.number().int().min(min, expected).max(max, expected))
    .optional()
    .transform((v) => v ?? fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback });
};

const MAX_TS = Number.MAX_SAFE_INTEGER;

/** A time range (ms since the epoch, inclusive) and a page size. */
export const rangeFields = (defaultLimit: number) => ({
  from: queryInt(0, MAX_TS, 0).openapi({ description: "Start of the range, ms since the epoch (inclusive)" }),
  to: queryInt(0, MAX_TS, MAX_TS).openapi({ description: "End of the range, ms (inclusive); default: no bound" }),
  limit: queryInt(1, 1000, defaultLimit),
});

/** For `.refine`: a range whose from is after its to is a 400, not an empty answer. */
export const inOrder = (q: { from: number; to: number }) => q.from <= q.to;
export const ordered = { message: "from must not be after to", path: ["from"] };

/**
 * A comma-separated list of names in a query (`a,b,c`), each checked by
 * `item`, at most `max` of them; repeats are dropped (after normalization).
 */
export const queryList = <T extends z.ZodType<string, string>>(item: T, max: number, what: string) =>
  z
    .string()
    .transform((list) => list.split(","))
    .pipe(z.array(item).min(1))
    .transform((names) => [...new Set(names)])
    .refine((names) => names.length <= max, `at most ${max} ${what} in one read`)
    .openapi({ type: "string", description: `Comma-separated, at most ${max} (repeats count once)` });
