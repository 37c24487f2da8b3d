import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import { forecastWithAdaptiveIntervals } from "./adaptive-intervals.ts";

/** Standard normal noise (Box-Muller) from a seeded generator. */
function noise(length: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

async function coverage(series: RegularSeries, halfWidth: number): Promise<number> {
  const origins = Array.from({ length: 1500 }, (_, i) => 400 + i);
  const bands = await forecastWithAdaptiveIntervals(series, origins, 1, (all, h) =>
    Promise.resolve(
      all.map(() => ({
        mean: Array<number>(h).fill(0),
        lower: Array<number>(h).fill(-halfWidth),
        upper: Array<number>(h).fill(halfWidth),
      })),
    ),
  );
  let inside = 0;
  origins.forEach((o, i) => {
    const y = series.values[o] ?? 0;
    if (y >= (bands[i]?.lower[0] ?? 0) && y <= (bands[i]?.upper[0] ?? 0)) inside++;
  });
  return inside / origins.length;
}

describe("adaptive intervals", () => {
  const series: RegularSeries = { start: 0, stepSeconds: 60, values: noise(2000, 3) };

  it("widen a band calibrated far too narrow until about 80 % of points fall inside", async () => {
    // +-0.1 around the mean of N(0, 1) noise would hold 8 % of the points.
    const share = await coverage(series, 0.1);
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.88);
  });

  it("narrow a band calibrated far too wide", async () => {
    // +-4 would hold 99.99 %.
    const share = await coverage(series, 4);
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.9);
  });

  it("use only values before each origin", async () => {
    const origins = [1000];
    const calls: number[][] = [];
    await forecastWithAdaptiveIntervals(series, origins, 3, (all, h) => {
      calls.push([...all]);
      return Promise.resolve(
        all.map(() => ({
          mean: Array<number>(h).fill(0),
          lower: Array<number>(h).fill(-1),
          upper: Array<number>(h).fill(1),
        })),
      );
    });
    expect(Math.max(...(calls[0] ?? []))).toBe(1000);
  });
});
