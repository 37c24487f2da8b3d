import { createHash } from "node:crypto";
import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster } from "../../predictor/models/index.ts";

/** How often a memoizing forecaster answered from its cache. */
export type MemoStats = { requests: number; hits: number; hitRate: number };

/** A forecaster that remembers its forecasts, and reports how often it did. */
export interface MemoForecaster extends Forecaster {
  stats(): MemoStats;
}

/**
 * Wraps a trained forecaster so that each distinct (history, horizon) is forecast once. A trained
 * model's forecast is a function of the history it is handed and the horizon alone, so several
 * replays of one trace (the policy at several settings, a baseline at several targets) that ask
 * for the same slice at the same bucket share one forecast. The key is a digest of the history's
 * start, step and values, so two slices with equal content share, and no others. Entries live as
 * long as the wrapper: make one per trace.
 */
export function memoizeForecaster(forecaster: Forecaster): MemoForecaster {
  const cache = new Map<string, Promise<ForecastBand>>();
  let requests = 0;
  let hits = 0;
  return {
    kind: forecaster.kind,
    version: forecaster.version,
    trainedAt: forecaster.trainedAt,
    ...(forecaster.backend ? { backend: forecaster.backend } : {}),
    forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
      requests++;
      const key = createHash("sha1")
        .update(JSON.stringify([history.start, history.stepSeconds, horizon, history.values]))
        .digest("base64");
      const known = cache.get(key);
      if (known) {
        hits++;
        return known.then(copyBand);
      }
      const made = forecaster.forecast(history, horizon);
      cache.set(key, made);
      // A failed forecast is not remembered: the next request tries again.
      made.catch(() => cache.delete(key));
      return made.then(copyBand);
    },
    stats: () => ({ requests, hits, hitRate: requests === 0 ? 0 : hits / requests }),
  };
}

/** Callers own what they get: a copy keeps one replay from altering another's forecast. */
function copyBand(band: ForecastBand): ForecastBand {
  return { mean: [...band.mean], lower: [...band.lower], upper: [...band.upper] };
}
