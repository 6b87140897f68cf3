/** The most fraction digits a value shows. */
export const MAX_DIGITS = 3;

/** The fraction digits `value` needs, up to MAX_DIGITS (1725.116 needs 3, 7.5 needs 1). */
export function digitsOf(value: number): number {
  for (let digits = 0; digits < MAX_DIGITS; digits++) {
    const scaled = value * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled))) return digits;
  }
  return MAX_DIGITS;
}

/**
 * One number format for a game's values: a fixed count of fraction digits
 * (minimum = maximum, so columns align), either fixed by the game (ratings)
 * or the most any value seen so far needs. It only grows, so a value's text
 * never changes width under a steady board.
 */
export class ValueFormat {
  private digits: number;
  private format: Intl.NumberFormat;

  constructor(private readonly fixed?: number) {
    this.digits = fixed ?? 0;
    this.format = formatter(this.digits);
  }

  /** Widens the format to the digits `values` need (a fixed format stays). */
  see(values: Iterable<number>): void {
    if (this.fixed !== undefined) return;
    let digits = this.digits;
    for (const value of values) digits = Math.max(digits, digitsOf(value));
    if (digits === this.digits) return;
    this.digits = digits;
    this.format = formatter(digits);
  }

  text(value: number): string {
    return this.format.format(value);
  }
}

const formatter = (digits: number) =>
  new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

// Rounded up: a player at 33.4% is not in the top 33%.
const TOP = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 2, roundingMode: "ceil" });

/** A standing's share of the board at or above it, in words: "top 0.5%", "top 12%". */
export function topText(share: number): string {
  // Float noise first (0.1 * 100 is 10.000000000000002), or the ceiling would add a point.
  return `top ${TOP.format(Number((share * 100).toPrecision(12)))}%`;
}
