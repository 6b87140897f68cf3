/** A cohort named in the URL (`?cohort=2`) or the picker: a whole number from 1, or none. Pure: tested in Node. */
export function parseCohort(value: string | null): number | undefined {
  const cohort = Number(value ?? undefined);
  return Number.isSafeInteger(cohort) && cohort >= 1 ? cohort : undefined;
}

/** The players board's caption while it shows a cohort. */
export const cohortCaption = (cohort: number, limit: number) =>
  `Cohort ${cohort}: top ${limit}, ranked within the cohort; Global is the rank on the whole board`;
