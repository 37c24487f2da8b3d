import type { Forecast } from "../../contracts/index.ts";

/** The highest point of a forecast band over a time range, and when it falls. */
export type ForecastPeak = { value: number; at: number };

/**
 * The peak of a forecast band over [fromMs, toMs), read at `position` between the mean (0) and
 * the upper bound (1) of each point. Each forecast point is the mean of a bucket
 * [start + i·step, start + (i+1)·step), like the series it forecasts, so every bucket that
 * overlaps the range counts. Undefined when no bucket overlaps (the forecast is stale or too short).
 */
export function forecastPeak(forecast: Forecast, fromMs: number, toMs: number, position = 1): ForecastPeak | undefined {
  const start = Date.parse(forecast.start);
  const stepMs = forecast.stepSeconds * 1000;
  const values = forecast.mean.map((m, i) => m + position * Math.max(0, (forecast.upper[i] ?? m) - m));
  const first = Math.max(0, Math.floor((fromMs - start) / stepMs));
  let peak: ForecastPeak | undefined;
  for (let i = first; i < values.length; i++) {
    const bucketStart = start + i * stepMs;
    if (bucketStart >= toMs) break;
    if (bucketStart + stepMs <= fromMs) continue;
    const value = Math.max(0, values[i] ?? 0);
    if (peak === undefined || value > peak.value) peak = { value, at: Math.max(bucketStart, fromMs) };
  }
  return peak;
}

/** The end of the time a forecast covers, epoch ms. */
export function forecastEnd(forecast: Forecast): number {
  return Date.parse(forecast.start) + forecast.mean.length * forecast.stepSeconds * 1000;
}

