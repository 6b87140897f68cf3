import countries from "i18n-iso-countries";

/** ISO 3166-1 alpha-2 codes, from a maintained list rather than typed by hand. */
const CODES = new Set(Object.keys(countries.getAlpha2Codes()));

export const COUNTRY_PATTERN = /^[A-Z]{2}$/;

export function isCountry(code: string): boolean {
  return CODES.has(code);
}
