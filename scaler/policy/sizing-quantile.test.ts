import { describe, expect, it } from "vitest";
import { bandPosition, probit } from "./sizing-quantile.ts";

describe("probit", () => {
  it("matches the standard normal quantiles from the tables", () => {
    expect(probit(0.5)).toBeCloseTo(0, 8);
    expect(probit(0.9)).toBeCloseTo(1.2815515655446004, 8);
    expect(probit(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(probit(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(probit(1e-6)).toBeCloseTo(-4.753424308822899, 7);
  });

  it("is odd around one half", () => {
    for (const p of [0.001, 0.02, 0.2, 0.4]) expect(probit(1 - p)).toBeCloseTo(-probit(p), 8);
  });

  it("refuses values that are not probabilities", () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN])
      expect(() => probit(p)).toThrow(/strictly between 0 and 1/);
  });
});

describe("bandPosition", () => {
  it("puts the median on the mean and the 90th percentile on the upper bound", () => {
    expect(bandPosition(0.5)).toBe(0);
    expect(bandPosition(0.9)).toBeCloseTo(1, 12);
    expect(bandPosition(0.75)).toBeCloseTo(0.5263, 3);
  });
});
