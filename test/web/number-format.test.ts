import { describe, expect, it } from "vitest";
import { digitsOf, topText, ValueFormat } from "../../web/src/number-format";

describe("a game's number format", () => {
  it("finds the fraction digits a value needs, up to 3", () => {
    expect([1680, 1680.36, 1725.116, 7.5, 7.45, 0.1 + 0.2, 1 / 3, -2.5].map(digitsOf)).toEqual([
      0, 2, 3, 1, 2, 1, 3, 1,
    ]);
  });

  it("writes every value with the same digits: the most any value seen needs", () => {
    const format = new ValueFormat();
    format.see([1680.36, 1725.116]);
    expect([1680.36, 1725.116, 7.5].map((v) => format.text(v))).toEqual(["1,680.360", "1,725.116", "7.500"]);
    const small = new ValueFormat();
    small.see([7.45, 7.5]);
    expect([7.45, 7.5].map((v) => small.text(v))).toEqual(["7.45", "7.50"]);
  });

  it("never narrows (a row leaving keeps the column's width), and a fixed format stays fixed", () => {
    const format = new ValueFormat();
    format.see([1.25]);
    format.see([3]);
    expect(format.text(3)).toBe("3.00");
    const elo = new ValueFormat(0);
    elo.see([1516.5372]);
    expect(elo.text(1516.5372)).toBe("1,517");
    expect(new ValueFormat(1).text(12.345)).toBe("12.3");
  });

  it("says a standing's top share in two digits at most, rounded up", () => {
    expect([0.005, 0.12, 0.1, 2 / 30, 1 / 3, 1, 1 / 80_000].map(topText)).toEqual([
      "top 0.5%",
      "top 12%",
      "top 10%",
      "top 6.7%",
      "top 34%",
      "top 100%",
      "top 0.0013%",
    ]);
  });
});
