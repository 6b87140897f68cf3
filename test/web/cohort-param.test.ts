import { describe, expect, it } from "vitest";
import { parseCohort } from "../../web/src/cohort-param";

describe("a cohort asked for in the URL", () => {
  it("is a whole number from 1", () => {
    expect(parseCohort("2")).toBe(2);
    expect(parseCohort("1")).toBe(1);
    for (const value of [null, "", "0", "-1", "2.5", "two", "1e400", "Infinity"]) {
      expect(parseCohort(value)).toBeUndefined();
    }
  });
});
