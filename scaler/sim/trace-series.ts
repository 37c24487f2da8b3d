import type { RegularSeries } from "../../contracts/index.ts";
import { detectStepSeconds, parseTraceCsv, resampleToStep } from "../../contracts/index.ts";

/** A trace on a fixed grid with no gaps: `values[i]` is the mean load of the bucket starting at
 * `start + i * stepSeconds` (epoch ms). */
export type LoadSeries = { start: number; stepSeconds: number; values: number[] };

/** Reads a `timestamp,value` CSV (throws TraceCsvError naming the line of a bad record),
 * resamples it to its own typical step and fills gaps by linear interpolation, since a replay
 * needs a load at every moment. Negative values are refused: a load cannot be negative. */
export function loadSeriesFromCsv(text: string, column?: string): LoadSeries {
  const trace = parseTraceCsv(text, column === undefined ? {} : { column });
  const stepSeconds = detectStepSeconds(trace.points);
  const resampled = resampleToStep(trace.points, stepSeconds);
  return { start: resampled.start, stepSeconds, values: fillGaps(resampled.values) };
}

function fillGaps(values: readonly (number | null)[]): number[] {
  const out: number[] = new Array<number>(values.length);
  let last: number | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (last !== undefined && i - last > 1) {
        const from = out[last] ?? v;
        for (let j = last + 1; j < i; j++) out[j] = from + ((v - from) * (j - last)) / (i - last);
      } else if (last === undefined) for (let j = 0; j < i; j++) out[j] = v;
      out[i] = v;
      last = i;
    }
  }
  if (last !== undefined) for (let j = last + 1; j < values.length; j++) out[j] = out[last] ?? 0;
  return out;
}

/** The load at time t: linear between bucket centres, so each bucket's mean is its value. */
export function loadAt(series: LoadSeries, t: number): number {
  const stepMs = series.stepSeconds * 1000;
  const x = (t - series.start) / stepMs - 0.5;
  const i = Math.floor(x);
  const first = series.values[0] ?? 0;
  const last = series.values[series.values.length - 1] ?? 0;
  if (i < 0) return first;
  if (i >= series.values.length - 1) return last;
  const a = series.values[i] ?? 0;
  const b = series.values[i + 1] ?? 0;
  return Math.max(0, a + (b - a) * (x - i));
}

/** The first `count` buckets as a RegularSeries (what the models train on). */
export function headSeries(series: LoadSeries, count: number): RegularSeries {
  return { start: series.start, stepSeconds: series.stepSeconds, values: series.values.slice(0, count) };
}

/** Buckets [from, to) as a RegularSeries. */
export function sliceSeries(series: LoadSeries, from: number, to: number): RegularSeries {
  return {
    start: series.start + from * series.stepSeconds * 1000,
    stepSeconds: series.stepSeconds,
    values: series.values.slice(from, to),
  };
}
