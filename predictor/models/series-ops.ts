import type { RegularSeries } from "../../contracts/index.ts";

/** The values of a series with its gaps filled by linear interpolation between the nearest
 * observed neighbours (the first/last observed value before the first/after the last one).
 * Models read these; the gaps themselves are never stored as numbers. */
export function fillGaps(values: readonly (number | null)[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const before = previous >= 0 ? (values[previous] ?? value) : value;
    for (let j = previous + 1; j < i; j++) {
      out[j] = previous < 0 ? value : before + ((value - before) * (j - previous)) / (i - previous);
    }
    out[i] = value;
    previous = i;
  }
  const last = previous >= 0 ? (values[previous] ?? 0) : 0;
  for (let j = previous + 1; j < n; j++) out[j] = last;
  return out;
}

/** How many points of a series are observed (not gaps). */
export function observedCount(values: readonly (number | null)[]): number {
  let count = 0;
  for (const value of values) if (value !== null) count++;
  return count;
}

/** The first `length` points of a series (a history ending at `length`). */
export function headOf(series: RegularSeries, length: number): RegularSeries {
  return { start: series.start, stepSeconds: series.stepSeconds, values: series.values.slice(0, length) };
}

/** Median absolute value of `filled[end - window .. end)`, never below `floor`: the recent level
 * that forecasts are scaled by, so a shift in level does not shift what a model has learnt. A
 * median, not a mean, so that one spike in the window does not rescale everything. */
export function recentLevel(filled: Float64Array, end: number, window: number, floor: number): number {
  const from = Math.max(0, end - window);
  if (end <= from) return floor;
  const recent = Array.from(filled.subarray(from, end), Math.abs).sort((a, b) => a - b);
  const mid = Math.floor(recent.length / 2);
  const median =
    recent.length % 2 === 1 ? (recent[mid] ?? 0) : ((recent[mid - 1] ?? 0) + (recent[mid] ?? 0)) / 2;
  return Math.max(median, floor);
}

/** The smallest level a series is scaled by: a small share of its typical magnitude, so a series
 * that sits at zero for a while (an error rate) does not blow scaled values up. */
export function levelFloor(filled: Float64Array): number {
  let sum = 0;
  for (const value of filled) sum += Math.abs(value);
  const mean = filled.length > 0 ? sum / filled.length : 0;
  return mean > 0 ? mean * 0.05 : 1e-6;
}

/** The p-quantile (0..1) of an ascending array, linearly interpolated (Hyndman-Fan type 7). */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (position - low);
}
