import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastModel } from "../models/model.ts";
import type { ForecastBand } from "../models/types.ts";
import { seasonalNaiveScale } from "./metrics.ts";
import { planBacktest, scoreModel } from "./rolling-origin.ts";

/** A model that always forecasts `value` with the interval [value - 1, value + 1]. */
function constantModel(value: number): ForecastModel {
  const band = (h: number): ForecastBand => ({
    mean: Array<number>(h).fill(value),
    lower: Array<number>(h).fill(value - 1),
    upper: Array<number>(h).fill(value + 1),
  });
  return {
    kind: "seasonal-naive",
    version: "test",
    trainedAt: "2026-01-01T00:00:00.000Z",
    forecast: (_s, h) => Promise.resolve(band(h)),
    forecastOrigins: (_s, origins, h) => Promise.resolve(origins.map(() => band(h))),
    snapshot: () => Promise.reject(new Error("not saved in tests")),
    dispose: () => undefined,
  };
}

describe("rolling-origin backtest arithmetic, checked by hand", () => {
  // Ten points; the last two (20 %) are held out: origins 8 and 9, horizon 1.
  const series: RegularSeries = { start: 0, stepSeconds: 60, values: [2, 4, 2, 4, 2, 4, 2, 4, 3, 6] };

  it("holds out the last 20 % and forecasts from every origin in it", () => {
    expect(planBacktest(10, 1)).toEqual({ trainEnd: 8, origins: [8, 9], horizon: 1 });
  });

  it("spaces the origins a horizon apart, so their forecasts cover the held-out part once", () => {
    // 100 points: 80 to train; origins 80..96 can forecast 4 steps inside the series.
    expect(planBacktest(100, 4).origins).toEqual([80, 84, 88, 92, 96]);
    // The same with a 1-step horizon would be 20 origins; at most 5 are asked for.
    expect(planBacktest(100, 1, 5).origins).toEqual([83, 87, 91, 95, 99]);
  });

  it("scales MASE by the training part's seasonal-naive error at the season", () => {
    // Season 2 on [2,4,2,4,2,4,2,4]: every y_t - y_{t-2} is 0, so lag 1 is used: |4-2| = 2.
    expect(seasonalNaiveScale(series.values.slice(0, 8), 2)).toBe(2);
    // Season 1 on [2, 4, 7]: (2 + 3) / 2.
    expect(seasonalNaiveScale([2, 4, 7], 1)).toBe(2.5);
    // Gaps are skipped: only the pair (4, 7) remains.
    expect(seasonalNaiveScale([2, null, 4, 7], 1)).toBe(3);
  });

  it("computes MAE, sMAPE, MASE and interval coverage", async () => {
    const score = await scoreModel(constantModel(4), series, planBacktest(10, 1), 2);
    // Errors: |3 - 4| = 1 and |6 - 4| = 2.
    expect(score.mae).toBeCloseTo(1.5);
    expect(score.mase).toBeCloseTo(0.75);
    // sMAPE = 100 x mean(2 x 1 / (3 + 4), 2 x 2 / (6 + 4)) = 100 x (0.285714 + 0.4) / 2.
    expect(score.smape).toBeCloseTo(34.2857, 3);
    // 3 is inside [3, 5]; 6 is not.
    expect(score.coverage).toBeCloseTo(0.5);
  });

  it("leaves gaps in the held-out part out of every measure", async () => {
    const withGap = { ...series, values: [...series.values.slice(0, 9), null] };
    const score = await scoreModel(constantModel(4), withGap, planBacktest(10, 1), 2);
    expect(score.points).toBe(1);
    expect(score.mae).toBeCloseTo(1);
  });

  it("refuses a series too short to hold anything out", () => {
    expect(() => planBacktest(5, 3)).toThrow(/too few/);
  });
});
