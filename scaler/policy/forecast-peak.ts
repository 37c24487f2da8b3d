import type { Forecast } from "../../contracts/index.ts";
import { bandPosition } from "./sizing-quantile.ts";

/** The highest point of a forecast band over a time range, and when it falls. */
export type ForecastPeak = { value: number; at: number };

/**
 * The peak of a forecast band over [fromMs, toMs], read at `position` between the mean (0) and
 * the upper bound (1) of each point. Each forecast point is the mean of a bucket
 * [start + i·step, start + (i+1)·step), like the series it forecasts, so the band is read as the
 * load curve those means describe: a straight line between the middles of consecutive buckets,
 * level before the first middle and after the last. Its peak over the range lies at one of the
 * range's ends or at a bucket middle inside it. Reading the curve rather than the largest bucket
 * touching the range matters for coarse forecasts: with 30-minute buckets, a range that starts
 * in one bucket would otherwise be sized for the whole of the next. With `bandCap` above 0, the
 * band above each mean is read no wider than `bandCap` times that mean. Undefined when the range
 * lies outside the forecast (it is stale or too short).
 */
export function forecastPeak(
  forecast: Forecast,
  fromMs: number,
  toMs: number,
  position = 1,
  bandCap = 0,
): ForecastPeak | undefined {
  const start = Date.parse(forecast.start);
  const stepMs = forecast.stepSeconds * 1000;
  const values = forecast.mean.map((m, i) => {
    const width = Math.max(0, (forecast.upper[i] ?? m) - m);
    return Math.max(0, m + position * (bandCap > 0 ? Math.min(width, bandCap * Math.max(0, m)) : width));
  });
  const end = start + values.length * stepMs;
  if (values.length === 0 || fromMs >= end || toMs <= start || toMs < fromMs) return undefined;
  const to = Math.min(toMs, end);
  const curve = (t: number): number => {
    const x = (t - start) / stepMs - 0.5;
    const i = Math.floor(x);
    if (i < 0) return values[0] ?? 0;
    if (i >= values.length - 1) return values[values.length - 1] ?? 0;
    const a = values[i] ?? 0;
    return a + ((values[i + 1] ?? 0) - a) * (x - i);
  };
  // Candidates in time order, so the peak's time is when the curve first reaches it.
  let peak: ForecastPeak = { value: curve(fromMs), at: fromMs };
  const first = Math.max(0, Math.ceil((fromMs - start) / stepMs - 0.5));
  for (let i = first; i < values.length; i++) {
    const middle = start + (i + 0.5) * stepMs;
    if (middle >= to) break;
    const value = values[i] ?? 0;
    if (middle > fromMs && value > peak.value) peak = { value, at: middle };
  }
  const last = curve(to);
  return last > peak.value ? { value: last, at: to } : peak;
}

/** The peak over [fromMs, toMs] as sizing reads it: at `quantile` of the forecast, taken as a
 * normal error around the mean (see bandPosition), with the band no wider than `bandCap` times the
 * mean. */
export function peakAtQuantile(
  forecast: Forecast,
  fromMs: number,
  toMs: number,
  quantile: number,
  bandCap: number,
): ForecastPeak | undefined {
  return forecastPeak(forecast, fromMs, toMs, bandPosition(quantile), bandCap);
}

/** The end of the time a forecast covers, epoch ms. */
export function forecastEnd(forecast: Forecast): number {
  return Date.parse(forecast.start) + forecast.mean.length * forecast.stepSeconds * 1000;
}
