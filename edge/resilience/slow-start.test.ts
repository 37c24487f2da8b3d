import { describe, expect, it } from "vitest";
import { rampFactor } from "./slow-start.ts";

describe("slow start", () => {
  it("ramps from 10 % to 100 % over the window, in tenths", () => {
    const factors = [0, 1_000, 2_000, 5_500, 9_999, 10_000].map((t) => rampFactor(0, t, 10_000).factor);
    expect(factors).toEqual([0.1, 0.1, 0.2, 0.5, 0.9, 1]);
  });

  it("says when the factor next changes, so the plan is rebuilt only then", () => {
    expect(rampFactor(0, 2_500, 10_000).nextChangeAt).toBe(3_000);
    expect(rampFactor(0, 10_000, 10_000).nextChangeAt).toBe(Infinity);
  });

  it("is off with a zero window or no ramp", () => {
    expect(rampFactor(0, 0, 0).factor).toBe(1);
    expect(rampFactor(-Infinity, 0, 10_000).factor).toBe(1);
  });
});
