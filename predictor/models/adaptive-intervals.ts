import type { RegularSeries } from "../../contracts/index.ts";
import { INTERVAL_COVERAGE } from "./intervals.ts";
import type { ForecastBand } from "./types.ts";

/** Past origins whose outcomes steer the interval width. */
export const ADAPT_ORIGINS = 128;
/** Step size of the width update (larger reacts faster and wobbles more). */
const GAMMA = 0.1;
const MIN_FACTOR = 1 / 16;
const MAX_FACTOR = 16;

type OriginBands = (origins: readonly number[], horizon: number) => Promise<ForecastBand[]>;

/**
 * Adaptive conformal intervals (after Gibbs & Candes 2021, "Adaptive Conformal Inference Under
 * Distribution Shift"), applied to the width: before forecasting from origin o, the model's own
 * forecasts from the previous ADAPT_ORIGINS origins are checked against what then happened, and
 * for each horizon step the band is widened after misses and narrowed after hits
 * (f <- f * exp(gamma * (miss - 0.2))), so about 80 % of points land inside even when the
 * series becomes calmer or wilder than it was when the model was calibrated. Only values before
 * o are used.
 */
export async function forecastWithAdaptiveIntervals(
  series: RegularSeries,
  origins: readonly number[],
  horizon: number,
  bandsAt: OriginBands,
): Promise<ForecastBand[]> {
  const needed = new Set<number>();
  for (const o of origins) {
    needed.add(o);
    for (let k = Math.max(1, o - horizon - ADAPT_ORIGINS); k < o; k++) needed.add(k);
  }
  const all = [...needed].sort((a, b) => a - b);
  const bands = await bandsAt(all, horizon);
  const byOrigin = new Map<number, ForecastBand>();
  all.forEach((o, i) => {
    const band = bands[i];
    if (band) byOrigin.set(o, band);
  });
  const target = 1 - INTERVAL_COVERAGE;
  return origins.map((o) => {
    const band = byOrigin.get(o);
    if (!band) throw new Error(`no forecast from origin ${o}`);
    const adapted: ForecastBand = { mean: [...band.mean], lower: [...band.lower], upper: [...band.upper] };
    for (let h = 0; h < horizon; h++) {
      let factor = 1;
      for (let k = Math.max(1, o - h - ADAPT_ORIGINS); k <= o - h - 1; k++) {
        const past = byOrigin.get(k);
        const actual = series.values[k + h];
        if (!past || actual === null || actual === undefined) continue;
        const mean = past.mean[h] ?? 0;
        const lower = mean - factor * (mean - (past.lower[h] ?? mean));
        const upper = mean + factor * ((past.upper[h] ?? mean) - mean);
        const miss = actual < lower || actual > upper ? 1 : 0;
        factor = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, factor * Math.exp(GAMMA * (miss - target))));
      }
      const mean = adapted.mean[h] ?? 0;
      adapted.lower[h] = mean - factor * (mean - (band.lower[h] ?? mean));
      adapted.upper[h] = mean + factor * ((band.upper[h] ?? mean) - mean);
    }
    return adapted;
  });
}
