import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster } from "../../predictor/models/index.ts";
import type { LoadSeries } from "./trace-series.ts";

/**
 * A forecaster that knows the trace: from any history cut from `series`, it returns the buckets
 * that really follow, with a band of zero width. Replaying the predictive policy with it measures
 * what the policy itself costs (acting a lead ahead, the cooldown, whole replicas) apart from
 * forecast error. It stands in a replay only; its kind is nominal.
 */
export function perfectForecaster(series: LoadSeries): Forecaster {
  const stepMs = series.stepSeconds * 1000;
  return {
    kind: "seasonal-naive",
    version: "perfect (the trace's own future)",
    trainedAt: new Date(series.start).toISOString(),
    forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
      const offset = (history.start - series.start) / stepMs;
      if (!Number.isInteger(offset) || history.stepSeconds !== series.stepSeconds)
        return Promise.reject(
          new RangeError(
            `the history (from ${new Date(history.start).toISOString()} at ${history.stepSeconds} s) is not cut from the trace`,
          ),
        );
      const from = offset + history.values.length;
      const last = series.values[series.values.length - 1] ?? 0;
      const mean = Array.from({ length: horizon }, (_, h) => series.values[from + h] ?? last);
      return Promise.resolve({ mean, lower: [...mean], upper: [...mean] });
    },
  };
}
