import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster, TrainedSelection } from "../../predictor/models/index.ts";
import type { LoadSeries } from "./trace-series.ts";
import { sliceSeries } from "./trace-series.ts";

/** The forecast made when a bucket of the trace completed, from `history`: it starts at bucket
 * `firstBucket` (the one after the last complete bucket) and holds `band.mean.length` buckets. */
export type BucketForecast = {
  firstBucket: number;
  generatedAt: number;
  history: RegularSeries;
  band: ForecastBand;
};

/** Buckets of history a replay hands the model at each forecast (bounded for speed): four
 * seasons, and at least 200 buckets. Every replay of one trace uses the same, so a shared
 * memoizing forecaster (memo-forecaster.ts) serves them all from one forecast per bucket. */
export function forecastHistoryBuckets(selection: Pick<TrainedSelection, "seasonSteps">): number {
  return Math.max(4 * selection.seasonSteps, 200);
}

/**
 * Forecasts as the predictor makes them in a replay: a fresh forecast of `horizon` buckets from
 * the last `historyBuckets` complete buckets, each time a bucket of the trace completes. Every
 * controller that forecasts through this asks for the same history slice and horizon at the
 * same bucket, which is what lets a memoizing forecaster share one forecast among replays.
 */
export function bucketForecasts(
  series: LoadSeries,
  forecaster: Forecaster,
  historyBuckets: number,
  horizon: number,
): { latest(now: number): Promise<BucketForecast | undefined> } {
  const stepMs = series.stepSeconds * 1000;
  let current: BucketForecast | undefined;
  let currentBucket = -1;
  return {
    /** The forecast from the last complete bucket at `now` (refreshed when one has completed
     * since the last call), or undefined before the first bucket completes. */
    async latest(now: number): Promise<BucketForecast | undefined> {
      const complete = Math.floor((now - series.start) / stepMs) - 1;
      if (complete <= currentBucket || complete < 0) return current;
      currentBucket = complete;
      const history = sliceSeries(series, Math.max(0, complete + 1 - historyBuckets), complete + 1);
      const band = await forecaster.forecast(history, horizon);
      current = { firstBucket: complete + 1, generatedAt: now, history, band };
      return current;
    },
  };
}
