import { describe, expect, it } from "vitest";
import { fitHoltWinters, holtWintersMeans } from "./holt-winters.ts";
import { seasonalNaiveMeans } from "./seasonal-naive.ts";
import { fillGaps } from "./series-ops.ts";

const season = 12;
const exact = (i: number) => 50 + 0.2 * i + 10 * Math.sin((2 * Math.PI * i) / season);

describe("Holt-Winters", () => {
  it("continues a noise-free trend plus season almost exactly", () => {
    const values = Array.from({ length: 20 * season }, (_, i) => exact(i));
    const filled = fillGaps(values);
    const params = fitHoltWinters(values, filled, season);
    const [means] = holtWintersMeans(values, filled, params, [values.length], 6);
    for (const [h, m] of (means ?? []).entries()) expect(m).toBeCloseTo(exact(values.length + h), 0);
  });

  it("fits smoothing parameters inside their admissible ranges", () => {
    const values = Array.from({ length: 20 * season }, (_, i) => exact(i) + ((i * 7919) % 13) - 6);
    const params = fitHoltWinters(values, fillGaps(values), season);
    for (const x of [params.alpha, params.beta, params.gamma]) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(1);
    }
    expect(params.phi).toBeGreaterThanOrEqual(0.8);
  });

  it("does not drift towards zero across a gap", () => {
    const values: (number | null)[] = Array.from({ length: 20 * season }, (_, i) => (i >= 200 && i < 230 ? null : exact(i)));
    const filled = fillGaps(values);
    const params = fitHoltWinters(values, filled, season);
    const [means] = holtWintersMeans(values, filled, params, [230], 1);
    expect(means?.[0]).toBeCloseTo(exact(230), -1);
  });
});

describe("seasonal naive", () => {
  it("repeats the last season, stepping further back over gaps", () => {
    const values: (number | null)[] = [1, 2, 3, 4, 5, 6, null, 8];
    // Season 4, origin 8: h=0 -> index 4 (5), h=1 -> index 5 (6), h=2 -> index 6 is a gap -> index 2 (3).
    expect(seasonalNaiveMeans(values, 8, 3, 4)).toEqual([5, 6, 3]);
    // No season: the last observed value.
    expect(seasonalNaiveMeans(values, 7, 2, 1)).toEqual([6, 6]);
  });
});
