import type { CapacitySample, Forecast, SeriesWindow } from "../../../contracts/index.ts";
import type { ReviewPoint } from "../../forecasting/forecast-review.ts";

/** A point of a time series: epoch ms and a value, null for a gap. */
export type Pt = [number, number | null];
/** A point of an interval. */
export type BandPt = { t: number; lower: number; upper: number };

/** A series window as points (gaps stay gaps). */
export function windowPoints(window: SeriesWindow | undefined): Pt[] {
  if (!window) return [];
  const start = Date.parse(window.start);
  const stepMs = window.stepSeconds * 1000;
  return window.values.map((value, i): Pt => [start + i * stepMs, value]);
}

/** Capacity samples as points of one field (samples without it are left out). */
export function capacityPoints(samples: readonly CapacitySample[], field: "replicas" | "capacityRps"): Pt[] {
  return samples.flatMap((sample): Pt[] => {
    const value = sample[field];
    return value === undefined ? [] : [[Date.parse(sample.at), value]];
  });
}

/** A forecast's mean and 80 % band. */
export function forecastPoints(forecast: Forecast | undefined): { mean: Pt[]; band: BandPt[] } {
  if (!forecast) return { mean: [], band: [] };
  const start = Date.parse(forecast.start);
  const stepMs = forecast.stepSeconds * 1000;
  return {
    mean: forecast.mean.map((value, i): Pt => [start + i * stepMs, value]),
    band: forecast.mean.map((_, i) => ({
      t: start + i * stepMs,
      lower: forecast.lower[i] ?? 0,
      upper: forecast.upper[i] ?? 0,
    })),
  };
}

/** Remembered forecasts (those for times up to `until`) as a mean line and a band. */
export function pastForecastPoints(
  points: readonly ReviewPoint[],
  until = Number.POSITIVE_INFINITY,
): { mean: Pt[]; band: BandPt[] } {
  const kept = points.filter((p) => p.t <= until);
  return {
    mean: kept.map((p): Pt => [p.t, p.mean]),
    band: kept.map((p) => ({ t: p.t, lower: p.lower, upper: p.upper })),
  };
}

/** The sum at each time of several series (times of any of them; a time where every series has
 * a gap stays a gap). */
export function sumSeries(all: readonly (readonly Pt[])[]): Pt[] {
  const sums = new Map<number, number | null>();
  for (const points of all) {
    for (const [t, value] of points) {
      const previous = sums.get(t) ?? null;
      sums.set(t, value === null ? previous : (previous ?? 0) + value);
    }
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

/** The sum of step series (each value holds until its next sample, or `staleMs` at most): what
 * a pool's capacity was at each time any of its origins reported. */
export function sumSteps(all: readonly (readonly Pt[])[], staleMs: number): Pt[] {
  const times = [...new Set(all.flatMap((points) => points.map(([t]) => t)))].sort((a, b) => a - b);
  const cursors = all.map(() => -1);
  return times.map((t): Pt => {
    let sum: number | null = null;
    all.forEach((points, k) => {
      let i = cursors[k] ?? -1;
      while (i + 1 < points.length && (points[i + 1]?.[0] ?? Infinity) <= t) i++;
      cursors[k] = i;
      const point = points[i];
      if (point && point[1] !== null && t - point[0] <= staleMs) sum = (sum ?? 0) + point[1];
    });
    return [t, sum];
  });
}

/** The sum of bands at each time: the bounds add up (conservative: the sum of the origins'
 * upper bounds is what the scaler plans for). */
export function sumBands(all: readonly (readonly BandPt[])[]): BandPt[] {
  const sums = new Map<number, BandPt>();
  for (const band of all) {
    for (const p of band) {
      const s = sums.get(p.t);
      sums.set(p.t, s ? { t: p.t, lower: s.lower + p.lower, upper: s.upper + p.upper } : { ...p });
    }
  }
  return [...sums.values()].sort((a, b) => a.t - b.t);
}

/** Every value times `factor` (the SLO's utilisation threshold on a capacity). */
export function scaled(points: readonly Pt[], factor: number): Pt[] {
  return points.map(([t, v]): Pt => [t, v === null ? null : v * factor]);
}

/** A step series held at its last value until `until`, when that value is at most `staleMs` old
 * then (a capacity sample holds until the next one; a silent origin's does not hold forever). */
export function holdUntil(points: readonly Pt[], until: number, staleMs: number): Pt[] {
  const last = points[points.length - 1];
  return last && last[0] < until && until - last[0] <= staleMs ? [...points, [until, last[1]]] : [...points];
}

/** A constant line over [from, to]. */
export function constantLine(value: number, from: number, to: number): Pt[] {
  return [
    [from, value],
    [to, value],
  ];
}

/** The newest non-null value of a series, with its time. */
export function latest(points: readonly Pt[]): { t: number; value: number } | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i];
    if (point && point[1] !== null) return { t: point[0], value: point[1] };
  }
  return null;
}
