import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import type { HoltWintersParams } from "./holt-winters.ts";
import { PERSISTENT_STEPS, fitHoltWinters, holtWintersMeans } from "./holt-winters.ts";
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
    const values: (number | null)[] = Array.from({ length: 20 * season }, (_, i) =>
      i >= 200 && i < 230 ? null : exact(i),
    );
    const filled = fillGaps(values);
    const params = fitHoltWinters(values, filled, season);
    const [means] = holtWintersMeans(values, filled, params, [230], 1);
    expect(means?.[0]).toBeCloseTo(exact(230), -1);
  });
});

describe("Holt-Winters against outliers", () => {
  const base = (i: number) => 100 + 30 * Math.sin((2 * Math.PI * i) / season);
  const params: HoltWintersParams = { alpha: 0.3, beta: 0.01, gamma: 0.2, phi: 0.95, season };

  it("keeps a one-step spike out of the level, the trend and the season", () => {
    const spikeAt = 15 * season + 3;
    const values = Array.from({ length: 20 * season }, (_, i) => base(i) + (i === spikeAt ? 5_000 : 0));
    const filled = fillGaps(values);
    // Forecasts made two steps after the spike, and a season later where the spike was.
    const [afterSpike, nextSeason] = holtWintersMeans(
      values,
      filled,
      params,
      [spikeAt + 2, spikeAt + season - 1],
      3,
    );
    for (const [h, m] of (afterSpike ?? []).entries())
      expect(Math.abs(m - base(spikeAt + 2 + h))).toBeLessThan(5);
    for (const [h, m] of (nextSeason ?? []).entries())
      expect(Math.abs(m - base(spikeAt + season - 1 + h))).toBeLessThan(5);
  });

  it("follows a lasting shift once it has lasted PERSISTENT_STEPS steps, even on a series without noise", () => {
    const shiftAt = 15 * season;
    const values = Array.from({ length: 20 * season }, (_, i) => base(i) + (i >= shiftAt ? 200 : 0));
    const origins = [shiftAt + PERSISTENT_STEPS - 1, shiftAt + PERSISTENT_STEPS + 12];
    const [before, after] = holtWintersMeans(values, fillGaps(values), params, origins, 1);
    // Still treated as an outlier just before the shift is confirmed; a dozen steps after, within
    // an eighth of it (with the clip alone, and no shift rule, it is not).
    expect((before?.[0] ?? 0) - base(origins[0] ?? 0)).toBeLessThan(20);
    expect(Math.abs((after?.[0] ?? 0) - base(origins[1] ?? 0) - 200)).toBeLessThan(25);
  });

  it("fits through spikes without freezing: the level still follows the series", () => {
    const values = Array.from(
      { length: 20 * season },
      (_, i) => base(i) + (i % 37 === 5 ? 3_000 : 0) + (i >= 16 * season ? 100 : 0),
    );
    const filled = fillGaps(values);
    const fitted = fitHoltWinters(values, filled, season);
    const [means] = holtWintersMeans(values, filled, fitted, [values.length - 2], 1);
    expect(Math.abs((means?.[0] ?? 0) - base(values.length - 2) - 100)).toBeLessThan(10);
  });
});

describe("Holt-Winters seasonal smoothing", () => {
  const long = 96;
  const truth = (i: number) =>
    100 + 40 * Math.sin((2 * Math.PI * i) / long) + 15 * Math.sin((4 * Math.PI * i) / long);
  /** Seven seasons with noise that lingers (AR(1)), as request rates do. */
  function noisy(seed: number, scale: number): number[] {
    const rng = seededRng(seed);
    let ar = 0;
    return Array.from({ length: 7 * long }, (_, i) => {
      ar = 0.8 * ar + scale * (rng() - 0.5);
      return truth(i) + ar;
    });
  }
  /** Mean absolute error `horizon` steps ahead from every origin of the seventh season, each
   * forecast made from what came before it. */
  const forecastError = (values: number[], p: HoltWintersParams, horizon: number) => {
    const origins = Array.from({ length: long - horizon }, (_, k) => 6 * long + k);
    const means = holtWintersMeans(values, fillGaps(values), p, origins, horizon);
    return (
      means.reduce(
        (sum, m, k) => sum + Math.abs((m[horizon - 1] ?? 0) - (values[(origins[k] ?? 0) + horizon - 1] ?? 0)),
        0,
      ) / origins.length
    );
  };

  it("smooths a noisy profile, chosen on the held-out part, and forecasts the next season closer for it", () => {
    for (const seed of [1, 2, 3]) {
      const values = noisy(seed, 30);
      const head = values.slice(0, 6 * long);
      const fitted = fitHoltWinters(head, fillGaps(head), long, 6);
      expect(fitted.smoothing).toBeGreaterThan(0);
      expect(forecastError(values, fitted, 6)).toBeLessThan(
        forecastError(values, { ...fitted, smoothing: 0 }, 6),
      );
    }
  });

  it("keeps a sharp recurring spike sharp", () => {
    const values = Array.from(
      { length: 6 * long },
      (_, i) => 100 + (i % long === 40 ? 1_000 : 0) + ((i * 7919) % 11) - 5,
    );
    const fitted = fitHoltWinters(values, fillGaps(values), long, 3);
    expect(fitted.smoothing).toBe(0);
  });

  it("does not let one odd season at the end (a holiday) choose the width: a sharp profile stays sharp", () => {
    // Eleven weeks of a sharp profile, then a flat one; held out alone, the flat week favours
    // smoothing (a single held-out season chose a width on some of these seeds).
    const profile = (i: number) =>
      i % long >= 30 && i % long < 40 ? 300 : i % long >= 60 && i % long < 64 ? 250 : 100;
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = seededRng(seed);
      const values = Array.from(
        { length: 12 * long },
        (_, i) => (i >= 11 * long ? 150 : profile(i)) + 10 * (rng() + rng() + rng() - 1.5),
      );
      expect(fitHoltWinters(values, fillGaps(values), long, 2).smoothing).toBe(0);
    }
  });

  it("needs three seasons to choose: with two it leaves the profile as it is", () => {
    const values = noisy(1, 30).slice(0, 2 * long + 10);
    expect(fitHoltWinters(values, fillGaps(values), long, 6).smoothing).toBe(0);
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
