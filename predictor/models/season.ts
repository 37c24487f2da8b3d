import type { RegularSeries } from "../../contracts/index.ts";
import { fillGaps } from "./series-ops.ts";

/** Calendar periods a load series usually repeats on, in seconds: an hour, a day, a week. */
const CALENDAR_PERIODS = [3_600, 86_400, 604_800];
/** A series must hold this many full cycles of a period before that period is considered, so
 * a backtest's training part still covers two of them. */
const MIN_CYCLES = 3;
/** Below this autocorrelation a period is noise, not a season. */
const MIN_STRENGTH = 0.2;
/** A longer period wins over a shorter one only when its seasonal-naive error is this much lower. */
const LONGER_PERIOD_GAIN = 0.1;
/** Longest lag searched when the data is too short for calendar periods. */
const MAX_FREE_LAG = 1_440;

/**
 * Detects the season length in steps (1 = no season). Each candidate period p is scored by the
 * autocorrelation at lag p of the series minus its centred moving average of length p: that
 * average removes trend and slower cycles, so what repeats every p steps is what remains (the
 * idea of classical decomposition, as in Hyndman & Athanasopoulos, FPP3 ch. 3), computed on the
 * ranks of the values (as Spearman's correlation does) so that a few huge spikes, common in load
 * data, do not drown the daily shape. Calendar periods (hour, day, week) that show a season are
 * compared by how well "the same time one period ago" predicts (seasonal-naive error): a longer
 * period must do clearly better to win, so weekly is chosen only when weekends differ. Without
 * calendar periods (short data), the strongest lag up to a day is taken.
 */
export function detectSeasonSteps(series: RegularSeries): number {
  const filled = ranks(fillGaps(series.values));
  const n = filled.length;
  const calendar = CALENDAR_PERIODS.map((seconds) => Math.round(seconds / series.stepSeconds)).filter(
    (p) => p >= 2 && n >= MIN_CYCLES * p,
  );
  let best = 1;
  let bestError = Number.POSITIVE_INFINITY;
  for (const p of calendar) {
    if (seasonalStrength(filled, p) < MIN_STRENGTH) continue;
    const error = seasonalNaiveError(filled, p);
    if (best === 1 || error < bestError * (1 - LONGER_PERIOD_GAIN)) {
      best = p;
      bestError = error;
    }
  }
  if (best > 1 || calendar.length > 0) return best;
  let bestStrength = MIN_STRENGTH;
  const maxLag = Math.min(MAX_FREE_LAG, Math.floor(n / MIN_CYCLES));
  for (let p = 2; p <= maxLag; p++) {
    const strength = seasonalStrength(filled, p);
    if (strength > bestStrength + 1e-9 && isLocalPeak(filled, p, strength)) {
      best = p;
      bestStrength = strength;
    }
  }
  return best;
}

/** Mean absolute difference between each point and the point one period earlier. */
function seasonalNaiveError(filled: Float64Array, period: number): number {
  let sum = 0;
  for (let i = period; i < filled.length; i++) sum += Math.abs((filled[i] ?? 0) - (filled[i - period] ?? 0));
  return sum / Math.max(1, filled.length - period);
}

/** Autocorrelation at lag `period` of the series minus its centred moving average of `period`. */
export function seasonalStrength(filled: Float64Array, period: number): number {
  const detrended = minusMovingAverage(filled, period);
  let mean = 0;
  for (const value of detrended) mean += value;
  mean /= Math.max(1, detrended.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < detrended.length; i++) {
    const a = (detrended[i] ?? 0) - mean;
    den += a * a;
    if (i + period < detrended.length) num += a * ((detrended[i + period] ?? 0) - mean);
  }
  return den > 0 ? num / den : 0;
}

function isLocalPeak(filled: Float64Array, p: number, strength: number): boolean {
  return seasonalStrength(filled, p - 1) <= strength && seasonalStrength(filled, p + 1) <= strength;
}

/** x minus its centred moving average of length `period` (a 2 x period average when even), over
 * the points where the whole average window exists. */
function minusMovingAverage(filled: Float64Array, period: number): Float64Array {
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const prefix = new Float64Array(filled.length + 1);
  for (let i = 0; i < filled.length; i++) prefix[i + 1] = (prefix[i] ?? 0) + (filled[i] ?? 0);
  const sum = (from: number, to: number) => (prefix[to] ?? 0) - (prefix[from] ?? 0);
  const from = half;
  const to = filled.length - half;
  const out = new Float64Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const average = even
      ? (sum(i - half, i + half) + sum(i - half + 1, i + half + 1)) / (2 * period)
      : sum(i - half, i + half + 1) / period;
    out[i - from] = (filled[i] ?? 0) - average;
  }
  return out;
}

/** The rank of each value (ties share their average rank). */
function ranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] ?? 0] === values[order[i] ?? 0]) j++;
    const rank = (i + j) / 2;
    for (let k = i; k <= j; k++) out[order[k] ?? 0] = rank;
    i = j + 1;
  }
  return out;
}
