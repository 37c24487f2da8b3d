/**
 * The LSTM's inputs, as pure functions of a (gap-filled) series. A day of 1-minute points is too
 * long for a recurrent window on two cores, so the network reads a short recent window and gets
 * the long memory as context features instead: the values one season ago around each forecast
 * step (and one day ago when the season is a week), the last few values, and the time of day and
 * week as sin/cos. Values are divided by the recent level and passed through asinh, so a series
 * whose level shifts (traffic doubling) looks the same to the network.
 */
import { recentLevel } from "../series-ops.ts";

/** What a trained network's inputs were built with (saved with the weights). */
export type FeatureSpec = {
  window: number;
  horizon: number;
  stepSeconds: number;
  /** Seasonal lags in steps (longest first); empty when the series has no season. */
  lags: number[];
  levelWindow: number;
  levelFloor: number;
  calendar: boolean;
  /** The last few values again, in the context, so the linear path can follow a burst. */
  recent: number;
};

/** Values per recent step: scaled value, was-a-gap, value one (first) lag earlier, 4 calendar. */
export function stepFeatureCount(spec: FeatureSpec): number {
  return 2 + Math.min(1, spec.lags.length) + (spec.calendar ? 4 : 0);
}

/** Values of the context vector: 3 around-the-lag values per lag and horizon step, the origin's
 * calendar and the last `recent` values. */
export function contextFeatureCount(spec: FeatureSpec): number {
  return 3 * spec.lags.length * spec.horizon + (spec.calendar ? 4 : 0) + spec.recent;
}

/** The first origin whose every input exists. */
export function firstOrigin(spec: FeatureSpec): number {
  return spec.window + (spec.lags[0] ?? 0) + 1;
}

/** Values as the network sees them: divided by the recent level, then asinh (log-like for big
 * values, linear near zero, defined for zero and negatives) so a spike 50x the level is a 4.6,
 * not a 50. Quantiles survive any monotone transform, so the pinball loss learns the same
 * quantiles as it would on the raw values (the log-of-ratio idea of ES-RNN, Smyl 2020). */
export function toUnits(value: number, level: number): number {
  return Math.asinh(value / level);
}

/** The inverse of toUnits. */
export function fromUnits(units: number, level: number): number {
  return level * Math.sinh(units);
}

const DAY = 86_400;
const WEEK = 7 * DAY;

/** sin/cos of the time of day and of the week at `t` (epoch ms). */
function calendarAt(t: number, out: Float32Array, at: number): void {
  const seconds = t / 1000;
  const day = (2 * Math.PI * (seconds % DAY)) / DAY;
  // Epoch day 0 was a Thursday; the phase only has to be consistent.
  const week = (2 * Math.PI * (seconds % WEEK)) / WEEK;
  out[at] = Math.sin(day);
  out[at + 1] = Math.cos(day);
  out[at + 2] = Math.sin(week);
  out[at + 3] = Math.cos(week);
}

/** Inputs of one origin `o` (forecasting `o .. o + horizon - 1` from `filled[0..o)`), written
 * into `seq` (window x stepFeatureCount) and `ctx` (contextFeatureCount) at the given offsets.
 * Returns the level the values were divided by. */
export function writeFeatures(
  spec: FeatureSpec,
  filled: Float64Array,
  observed: Uint8Array,
  start: number,
  o: number,
  seq: Float32Array,
  seqAt: number,
  ctx: Float32Array,
  ctxAt: number,
): number {
  const level = recentLevel(filled, o, spec.levelWindow, spec.levelFloor);
  // Never reads at or past the origin: a lag shorter than the horizon steps back whole seasons.
  const scaled = (i: number) => toUnits(filled[Math.max(0, Math.min(o - 1, i))] ?? 0, level);
  const seasonal = (i: number, lag: number) => {
    let k = i;
    while (k >= o) k -= lag;
    return scaled(k);
  };
  const stepMs = spec.stepSeconds * 1000;
  const perStep = stepFeatureCount(spec);
  const firstLag = spec.lags[0];
  for (let j = 0; j < spec.window; j++) {
    const t = o - spec.window + j;
    let at = seqAt + j * perStep;
    seq[at++] = scaled(t);
    seq[at++] = t >= 0 && observed[t] === 1 ? 0 : 1;
    if (firstLag !== undefined) seq[at++] = scaled(t - firstLag);
    if (spec.calendar) calendarAt(start + t * stepMs, seq, at);
  }
  let at = ctxAt;
  for (const lag of spec.lags) {
    for (let h = 0; h < spec.horizon; h++) {
      const back = o + h - lag;
      ctx[at++] = seasonal(back - 1, lag);
      ctx[at++] = seasonal(back, lag);
      ctx[at++] = seasonal(back + 1, lag);
    }
  }
  if (spec.calendar) {
    calendarAt(start + o * stepMs, ctx, at);
    at += 4;
  }
  for (let k = 1; k <= spec.recent; k++) ctx[at++] = scaled(o - k);
  return level;
}
