import { quantileSorted, recentLevel } from "./series-ops.ts";

/** Nominal coverage of every prediction interval the predictor serves. */
export const INTERVAL_COVERAGE = 0.8;

/** Per-horizon interval offsets in units of the recent level: `lower[h]`/`upper[h]` are added to
 * the point forecast h + 1 steps ahead, times the level at the forecast origin. */
export type IntervalOffsets = { lower: number[]; upper: number[]; levelWindow: number; levelFloor: number };

/**
 * Split-conformal intervals from out-of-calibration residuals (Vovk et al. 2005; Lei et al. 2018):
 * the 10th and 90th percentiles of each horizon's forecast errors, scaled by the recent level at
 * each origin so the band grows and shrinks with the series (heteroscedastic load) and survives a
 * level shift. `errors[h]` and `levels[h]` hold the errors and origin levels of horizon h.
 */
export function calibrateOffsets(
  errors: readonly number[][],
  levels: readonly number[][],
  levelWindow: number,
  levelFloor: number,
): IntervalOffsets {
  const tail = (1 - INTERVAL_COVERAGE) / 2;
  const lower: number[] = [];
  const upper: number[] = [];
  for (let h = 0; h < errors.length; h++) {
    const scaled = (errors[h] ?? []).map((e, i) => e / (levels[h]?.[i] ?? 1)).sort((a, b) => a - b);
    // Finite-sample split-conformal adjustment: the ceil((n + 1)(1 - tail)) / n quantile.
    const n = scaled.length;
    const adjust = n > 0 ? Math.min(1, Math.ceil((n + 1) * (1 - tail)) / n) : 1 - tail;
    lower.push(quantileSorted(scaled, 1 - adjust));
    upper.push(quantileSorted(scaled, adjust));
  }
  return { lower, upper, levelWindow, levelFloor };
}

/** Adds calibrated offsets around point forecasts made at an origin whose recent level is
 * computed from `filled[..origin)`; horizons past the calibrated ones reuse the last offsets. */
export function bandAround(
  mean: number[],
  offsets: IntervalOffsets,
  filled: Float64Array,
  origin: number,
): { mean: number[]; lower: number[]; upper: number[] } {
  const level = recentLevel(filled, origin, offsets.levelWindow, offsets.levelFloor);
  const last = Math.max(0, offsets.lower.length - 1);
  const lower = mean.map((m, h) => m + (offsets.lower[Math.min(h, last)] ?? 0) * level);
  const upper = mean.map((m, h) => m + (offsets.upper[Math.min(h, last)] ?? 0) * level);
  return {
    mean,
    lower: lower.map((l, h) => Math.min(l, mean[h] ?? l)),
    upper: upper.map((u, h) => Math.max(u, mean[h] ?? u)),
  };
}

/** Evenly spaced origins over `[from, to]`, at most `count` of them. */
export function spacedOrigins(from: number, to: number, count: number): number[] {
  if (to < from) return [];
  const span = to - from + 1;
  const stride = Math.max(1, Math.ceil(span / Math.max(1, count)));
  const origins: number[] = [];
  for (let o = to; o >= from; o -= stride) origins.push(o);
  return origins.reverse();
}

/** Steps the recent level is averaged over (for interval scaling and the LSTM's normalisation). */
export const LEVEL_WINDOW = 24;

/** Calibrates offsets from point forecasts made at `origins` of a series the model was fitted
 * on: each horizon's errors against the actual values (gaps skipped). */
export function offsetsFromForecasts(
  values: readonly (number | null)[],
  filled: Float64Array,
  origins: readonly number[],
  means: readonly number[][],
  levelFloor: number,
): IntervalOffsets {
  const horizon = means[0]?.length ?? 0;
  const errors: number[][] = Array.from({ length: horizon }, () => []);
  const levels: number[][] = Array.from({ length: horizon }, () => []);
  origins.forEach((origin, i) => {
    const level = recentLevel(filled, origin, LEVEL_WINDOW, levelFloor);
    for (let h = 0; h < horizon; h++) {
      const actual = values[origin + h];
      if (actual === null || actual === undefined) continue;
      errors[h]?.push(actual - (means[i]?.[h] ?? 0));
      levels[h]?.push(level);
    }
  });
  return calibrateOffsets(errors, levels, LEVEL_WINDOW, levelFloor);
}
