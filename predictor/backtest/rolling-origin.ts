import type { RegularSeries } from "../../contracts/index.ts";
import { spacedOrigins } from "../models/intervals.ts";
import type { ForecastModel } from "../models/model.ts";
import type { ModelScore } from "../models/types.ts";
import { ErrorAccumulator } from "./metrics.ts";

/** Share of a series held out at its end for scoring. */
export const TEST_SHARE = 0.2;
/** Most forecast origins scored per model (evenly spread over the held-out part). */
export const MAX_ORIGINS = 600;

/** Where a series is split and which origins the models forecast from. */
export type BacktestPlan = { trainEnd: number; origins: number[]; horizon: number };

/**
 * Rolling-origin evaluation (Tashman 2000): models are fitted once on `values[0..trainEnd)`, then
 * forecast `horizon` steps from origins spread over the held-out part, each time seeing all the data
 * before that origin and nothing after it ("fixed-parameter rolling origin"). The origins are at
 * most a horizon apart, so their forecasts cover the held-out part, or further apart when that would be
 * more than `maxOrigins`: closer origins would score the same points again at the cost of one more
 * forecast each, a refit for MSTL/AutoETS. Every model is scored on the same origins.
 */
export function planBacktest(length: number, horizon: number, maxOrigins = MAX_ORIGINS): BacktestPlan {
  const testLength = Math.max(horizon + 1, Math.round(length * TEST_SHARE));
  const trainEnd = length - testLength;
  if (trainEnd < 2 * horizon + 2) {
    throw new RangeError(
      `the series has ${length} points: too few to hold out ${testLength} for a backtest of a ${horizon}-step horizon`,
    );
  }
  const span = length - horizon - trainEnd + 1;
  const count = Math.min(maxOrigins, Math.ceil(span / horizon));
  return { trainEnd, origins: spacedOrigins(trainEnd, length - horizon, count), horizon };
}

/** Scores one trained model over a plan: MAE, sMAPE, MASE against `scale`, interval coverage. */
export async function scoreModel(
  model: ForecastModel,
  series: RegularSeries,
  plan: BacktestPlan,
  scale: number,
): Promise<ModelScore & { coverage: number; points: number }> {
  const bands = await model.forecastOrigins(series, plan.origins, plan.horizon);
  const errors = new ErrorAccumulator();
  plan.origins.forEach((origin, i) => {
    const band = bands[i];
    if (!band) return;
    for (let h = 0; h < plan.horizon; h++) {
      errors.add(series.values[origin + h], band.mean[h] ?? 0, band.lower[h] ?? 0, band.upper[h] ?? 0);
    }
  });
  return { ...errors.result(scale), points: errors.points };
}
