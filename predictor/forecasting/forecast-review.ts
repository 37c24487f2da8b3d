import type { ModelKind, RegularSeries } from "../../contracts/index.ts";
import { ErrorAccumulator } from "../backtest/metrics.ts";
import type { PastForecast } from "../store/forecast-history.ts";

/** One time of the review: what was forecast for it and what happened (null: not observed). */
export type ReviewPoint = {
  t: number;
  mean: number;
  lower: number;
  upper: number;
  actual: number | null;
  model: ModelKind;
};

/** How the remembered forecasts fared against what happened. MAPE leaves out zero actuals
 * (null when every actual was zero); `naiveMae` is the error of the persistence forecast at the
 * same lead ("it stays as it was when the forecast was made"), the baseline a forecast must beat
 * to be worth acting on; null when no such pair was observed. */
export type ReviewAccuracy = {
  points: number;
  mae: number;
  mape: number | null;
  smape: number;
  coverage: number;
  bias: number;
  naiveMae: number | null;
};

/**
 * Joins remembered forecasts with the observed series and scores them: MAE, MAPE, sMAPE (0..200,
 * as in the backtest), the share of actual points inside the 80 % interval, the mean signed error
 * (positive: forecasts ran high) and the persistence baseline's MAE (Hyndman & Koehler 2006).
 * `actual` must cover the forecasts' times on its own grid; `leadSteps` is the history's lead.
 */
export function reviewForecasts(
  past: readonly PastForecast[],
  actual: RegularSeries,
  leadSteps: number,
): { points: ReviewPoint[]; accuracy: ReviewAccuracy | null } {
  const stepMs = actual.stepSeconds * 1000;
  const at = (t: number): number | null => {
    const i = Math.round((t - actual.start) / stepMs);
    return Number.isInteger(i) && i >= 0 ? (actual.values[i] ?? null) : null;
  };
  const errors = new ErrorAccumulator();
  let percentSum = 0;
  let percentCount = 0;
  let signedSum = 0;
  let naiveSum = 0;
  let naiveCount = 0;
  const points = past.map((p): ReviewPoint => {
    const observed = at(p.t);
    if (observed !== null) {
      errors.add(observed, p.mean, p.lower, p.upper);
      signedSum += p.mean - observed;
      if (observed !== 0) {
        percentSum += Math.abs((observed - p.mean) / observed);
        percentCount++;
      }
      const before = at(p.t - leadSteps * stepMs);
      if (before !== null) {
        naiveSum += Math.abs(observed - before);
        naiveCount++;
      }
    }
    return { t: p.t, mean: p.mean, lower: p.lower, upper: p.upper, actual: observed, model: p.model };
  });
  if (errors.points === 0) return { points, accuracy: null };
  const scored = errors.result(1);
  return {
    points,
    accuracy: {
      points: errors.points,
      mae: scored.mae,
      mape: percentCount > 0 ? (100 * percentSum) / percentCount : null,
      smape: scored.smape,
      coverage: scored.coverage,
      bias: signedSum / errors.points,
      naiveMae: naiveCount > 0 ? naiveSum / naiveCount : null,
    },
  };
}
