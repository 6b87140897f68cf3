import { mark } from "./harness";

/** A game's named checks, printed one a line with why each failed one did. */
export class Checklist {
  private readonly checks: { what: string; good: boolean; why: string }[] = [];

  /** `width`: how much of a got/expected value a failed `same` quotes. */
  constructor(
    private readonly game: string,
    private readonly width: number,
  ) {}

  add(what: string, good: boolean, why: string): void {
    this.checks.push({ what, good, why });
  }

  /** Equal as JSON. */
  same(what: string, got: unknown, want: unknown): void {
    const equal = JSON.stringify(got) === JSON.stringify(want);
    const quote = (value: unknown) => JSON.stringify(value).slice(0, this.width);
    this.add(what, equal, equal ? "" : `got ${quote(got)}, expected ${quote(want)}`);
  }

  /** Prints every check; true if all passed. */
  print(): boolean {
    for (const { what, good, why } of this.checks)
      console.log(`  ${mark(good)} ${this.game} ${what}${good ? "" : `: ${why}`}`);
    return this.checks.every(({ good }) => good);
  }
}
