/**
 * Forecast accuracy measures (Hyndman & Koehler 2006, "Another look at measures of forecast
 * accuracy"). Gaps (null actuals) are left out of every measure.
 */

/** Mean absolute error of a scaled series' in-sample seasonal-naive forecast (y_t vs y_{t-m}),
 * the denominator of MASE; falls back to lag 1 when the series is shorter than a season or flat
 * at that lag, and to 1 when it is flat altogether. */
export function seasonalNaiveScale(values: readonly (number | null)[], season: number): number {
  for (const lag of season > 1 ? [season, 1] : [1]) {
    let sum = 0;
    let count = 0;
    for (let t = lag; t < values.length; t++) {
      const a = values[t];
      const b = values[t - lag];
      if (a === null || a === undefined || b === null || b === undefined) continue;
      sum += Math.abs(a - b);
      count++;
    }
    if (count > 0 && sum > 0) return sum / count;
  }
  return 1;
}

/** Running sums of one model's errors over a backtest. */
export class ErrorAccumulator {
  private absolute = 0;
  private symmetric = 0;
  private inside = 0;
  private count = 0;

  /** Adds one forecast point against its actual value (skipped when the actual is a gap). */
  add(actual: number | null | undefined, mean: number, lower: number, upper: number): void {
    if (actual === null || actual === undefined) return;
    const error = Math.abs(actual - mean);
    this.absolute += error;
    const denominator = Math.abs(actual) + Math.abs(mean);
    this.symmetric += denominator > 0 ? (2 * error) / denominator : 0;
    if (actual >= lower && actual <= upper) this.inside++;
    this.count++;
  }

  /** Points scored so far. */
  get points(): number {
    return this.count;
  }

  /** MAE, sMAPE in percent (0..200), MASE against `scale`, and the share of actual points that
   * fell inside the interval. */
  result(scale: number): { mae: number; smape: number; mase: number; coverage: number } {
    if (this.count === 0) return { mae: 0, smape: 0, mase: 0, coverage: 0 };
    const mae = this.absolute / this.count;
    return {
      mae,
      smape: (100 * this.symmetric) / this.count,
      mase: mae / scale,
      coverage: this.inside / this.count,
    };
  }
}
