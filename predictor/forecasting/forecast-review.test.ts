import { describe, expect, it } from "vitest";
import type { PastForecast } from "../store/forecast-history.ts";
import { reviewForecasts } from "./forecast-review.ts";

const STEP = 60_000;
const past = (t: number, mean: number, lower = mean - 1, upper = mean + 1): PastForecast => ({
  t,
  mean,
  lower,
  upper,
  model: "holt-winters",
});

describe("reviewForecasts", () => {
  it("scores remembered forecasts against what happened: MAE, MAPE, sMAPE, band coverage and bias", () => {
    // Actuals 10, 20, 0, 40 at steps 0..3; forecasts for steps 1..3 made one step ahead.
    const actual = { start: 0, stepSeconds: 60, values: [10, 20, 0, 40] };
    const { points, accuracy } = reviewForecasts(
      [past(STEP, 22), past(2 * STEP, 1, 0, 2), past(3 * STEP, 30, 25, 35)],
      actual,
      1,
    );
    expect(points.map((p) => p.actual)).toEqual([20, 0, 40]);
    expect(accuracy?.points).toBe(3);
    expect(accuracy?.mae).toBeCloseTo((2 + 1 + 10) / 3);
    // MAPE leaves out the zero actual: (2/20 + 10/40) / 2.
    expect(accuracy?.mape).toBeCloseTo(17.5);
    expect(accuracy?.smape).toBeCloseTo((100 / 3) * (4 / 42 + 2 / 1 + 20 / 70));
    // 0 lies in [0, 2]; 20 is outside [21, 23]; 40 is outside [25, 35].
    expect(accuracy?.coverage).toBeCloseTo(1 / 3);
    expect(accuracy?.bias).toBeCloseTo((2 + 1 - 10) / 3);
  });

  it("compares with persistence: the value one lead earlier, where it was observed", () => {
    const actual = { start: 0, stepSeconds: 60, values: [10, null, 14, 18] };
    // Lead 2: forecasts for steps 2 and 3; persistence uses steps 0 (10) and 1 (a gap).
    const { accuracy } = reviewForecasts([past(2 * STEP, 13), past(3 * STEP, 18)], actual, 2);
    expect(accuracy?.mae).toBeCloseTo(0.5);
    expect(accuracy?.naiveMae).toBeCloseTo(4);
  });

  it("leaves forecasts whose time has not come (or was a gap) unscored", () => {
    const actual = { start: 0, stepSeconds: 60, values: [5, null] };
    const { points, accuracy } = reviewForecasts([past(STEP, 6), past(2 * STEP, 7)], actual, 1);
    expect(points.map((p) => p.actual)).toEqual([null, null]);
    expect(accuracy).toBeNull();
  });
});
