/**
 * Additive Holt-Winters with a damped trend (Holt 1957, Winters 1960; damping as in Gardner &
 * McKenzie 1985; notation of Hyndman & Athanasopoulos, FPP3 §8.3), made robust to outliers as in
 * Gelper, Fried & Croux (2010), "Robust forecasting with exponential and Holt-Winters smoothing":
 * each observation enters the state only after cleaning, its one-step error clipped at
 * HUBER_K times a running robust scale of those errors, so a spike (a scrape of a burst, a
 * one-bucket surge) is seen by the state as a bounded surprise and does not lift the level and
 * the season for days after. Errors beyond the clip on the same side PERSISTENT_STEPS steps
 * running are a shift, not an outlier, and then enter the state whole. The
 * smoothing parameters are fitted by minimising the Huber loss of the one-step errors. A gap
 * skips the correction: the state moves on by its own forecast, so a missing scrape never pulls
 * the level towards zero.
 */
import { minimizeNelderMead } from "./nelder-mead.ts";

/** `smoothing`: slots either side the initial seasonal profile is averaged over (0: none). */
export type HoltWintersParams = {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  season: number;
  smoothing?: number;
};

/** The smoothing state, with the running robust scale of the one-step errors (`scale`) and the
 * signed count of the latest consecutive errors beyond the clip on one side (`beyond`). */
type State = { level: number; trend: number; seasonal: Float64Array; scale: number; beyond: number };

/** Errors beyond this many scales are clipped before they update the state (Huber's k = 2). */
const HUBER_K = 2;
/** Errors beyond the clip with the same sign this many steps running are a shift, not an
 * outlier: from then on they enter the state whole, until one falls back inside (30 minutes of
 * 5-minute buckets: a surge that long is followed, a burst shorter is not chased by the forecast;
 * the scaler's floor at the observed load covers the burst). */
export const PERSISTENT_STEPS = 6;
/** Weight of each new error in the running scale. */
const SCALE_SMOOTHING = 0.1;
/** E[min(Z^2, k^2)] for a standard normal Z and k = 2: keeps the clipped running variance
 * consistent with the error variance when errors are normal. */
const CLIPPED_VARIANCE = 0.9205;
/** 1 / Phi^-1(0.75): turns a median absolute deviation into a normal standard deviation. */
const MAD_TO_SD = 1.4826;

/** Parameter ranges (the usual admissible region, trend damping kept away from explosive). */
const BOUNDS = {
  alpha: [1e-4, 0.9999],
  beta: [1e-4, 0.5],
  gamma: [1e-4, 0.9999],
  phi: [0.8, 0.995],
} as const;

/** Most seasons the initial state is estimated from. */
const INIT_CYCLES = 4;

/** Initial level, trend and season from the first few seasons (classical decomposition with
 * medians, so one early spike does not linger in the seasonal state for weeks at a small gamma). */
export function initialState(filled: Float64Array, season: number, smoothing = 0): State {
  const m = Math.max(1, season);
  const seasonal = new Float64Array(m);
  const scale = initialScale(filled, m);
  if (m === 1) return { level: filled[0] ?? 0, trend: 0, seasonal, scale, beyond: 0 };
  const cycles = Math.max(1, Math.min(INIT_CYCLES, Math.floor(filled.length / m)));
  const cycleMedians = Array.from({ length: cycles }, (_, k) =>
    median(Array.from(filled.subarray(k * m, (k + 1) * m))),
  );
  const trend =
    cycles > 1 ? ((cycleMedians[cycles - 1] ?? 0) - (cycleMedians[0] ?? 0)) / ((cycles - 1) * m) : 0;
  const level = (cycleMedians[0] ?? 0) - ((m + 1) / 2) * trend;
  for (let i = 0; i < m; i++) {
    const deviations: number[] = [];
    for (let k = 0; k < cycles; k++)
      deviations.push((filled[i + k * m] ?? 0) - (level + (i + k * m + 1) * trend));
    seasonal[i] = median(deviations);
  }
  return { level, trend, seasonal: smoothedCircular(seasonal, smoothing), scale, beyond: 0 };
}

/** The starting scale of the one-step errors, which the running scale then corrects: the
 * normal-consistent median absolute step of the first few seasons over the square root of two
 * (the scale of a random walk's innovations), floored at a thousandth of their typical magnitude
 * so a flat start can still learn a scale. */
function initialScale(filled: Float64Array, m: number): number {
  const span = Math.min(filled.length, Math.max(INIT_CYCLES * m, 50));
  const steps: number[] = [];
  const magnitudes: number[] = [];
  for (let t = 0; t < span; t++) {
    magnitudes.push(Math.abs(filled[t] ?? 0));
    if (t > 0) steps.push(Math.abs((filled[t] ?? 0) - (filled[t - 1] ?? 0)));
  }
  return Math.max((MAD_TO_SD * median(steps)) / Math.SQRT2, 1e-3 * median(magnitudes), 1e-9);
}

/** A circular moving average of `width` slots either side (the season wraps around). */
function smoothedCircular(values: Float64Array, width: number): Float64Array {
  const m = values.length;
  const w = Math.min(width, Math.floor((m - 1) / 2));
  if (w <= 0) return values;
  const out = new Float64Array(m);
  let sum = 0;
  for (let j = -w; j <= w; j++) sum += values[(j + m) % m] ?? 0;
  for (let i = 0; i < m; i++) {
    out[i] = sum / (2 * w + 1);
    sum += (values[(i + w + 1) % m] ?? 0) - (values[(i - w + m) % m] ?? 0);
  }
  return out;
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs the filter over `values[0..end)`, calling `visit(t, state)` before each step t (so the
 * state it sees has absorbed exactly `values[0..t)`). Returns the Huber loss of the one-step
 * errors (squared up to HUBER_K scales, linear beyond) summed over observed points after
 * `burnIn`. */
function runFilter(
  values: readonly (number | null)[],
  filled: Float64Array,
  p: HoltWintersParams,
  end: number,
  burnIn: number,
  visit?: (t: number, state: State) => void,
  initEnd = filled.length,
): number {
  const state = initialState(filled.subarray(0, initEnd), p.season, p.smoothing ?? 0);
  const m = state.seasonal.length;
  const { alpha, beta, gamma, phi } = p;
  let loss = 0;
  for (let t = 0; t < end; t++) {
    visit?.(t, state);
    const index = t % m;
    const s = state.seasonal[index] ?? 0;
    const previousLevel = state.level;
    const damped = phi * state.trend;
    const y = values[t];
    if (y === null || y === undefined) {
      state.level = previousLevel + damped;
      state.trend = damped;
      continue;
    }
    const predicted = previousLevel + damped + s;
    const error = y - predicted;
    const bound = HUBER_K * state.scale;
    const clipped = Math.max(-bound, Math.min(bound, error));
    if (t >= burnIn) loss += Math.abs(error) <= bound ? error * error : bound * (2 * Math.abs(error) - bound);
    // Signed count of consecutive errors beyond the clip on the same side.
    state.beyond =
      error > bound ? Math.max(0, state.beyond) + 1 : error < -bound ? Math.min(0, state.beyond) - 1 : 0;
    const cleaned = Math.abs(state.beyond) >= PERSISTENT_STEPS ? y : predicted + clipped;
    state.level = alpha * (cleaned - s) + (1 - alpha) * (previousLevel + damped);
    state.trend = beta * (state.level - previousLevel) + (1 - beta) * damped;
    if (m > 1) state.seasonal[index] = gamma * (cleaned - state.level) + (1 - gamma) * s;
    state.scale = Math.sqrt(
      (1 - SCALE_SMOOTHING) * state.scale * state.scale +
        (SCALE_SMOOTHING * clipped * clipped) / CLIPPED_VARIANCE,
    );
  }
  visit?.(end, state);
  return loss;
}

/** Point forecasts `horizon` steps ahead from each origin (ascending), made from `values[0..o)`. */
export function holtWintersMeans(
  values: readonly (number | null)[],
  filled: Float64Array,
  p: HoltWintersParams,
  origins: readonly number[],
  horizon: number,
): number[][] {
  const wanted = new Map<number, number[]>();
  const originSet = new Set(origins);
  const end = origins.reduce((a, b) => Math.max(a, b), 0);
  runFilter(values, filled, p, end, 0, (t, state) => {
    if (!originSet.has(t) || wanted.has(t)) return;
    wanted.set(t, meansFrom(state, p.phi, t, horizon));
  });
  return origins.map((o) => wanted.get(o) ?? []);
}

/** The point forecasts 1..horizon steps ahead of a state that has absorbed `values[0..t)`. */
function meansFrom(state: State, phi: number, t: number, horizon: number): number[] {
  const m = state.seasonal.length;
  const means: number[] = [];
  let dampedSum = 0;
  let power = 1;
  for (let h = 0; h < horizon; h++) {
    power *= phi;
    dampedSum += power;
    means.push(state.level + dampedSum * state.trend + (m > 1 ? (state.seasonal[(t + h) % m] ?? 0) : 0));
  }
  return means;
}

const squash = (x: number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) / (1 + Math.exp(-x));
const unsquash = (y: number, [lo, hi]: readonly [number, number]) => -Math.log((hi - lo) / (y - lo) - 1);

/** Seasonal smoothing widths tried, as shares of the season: none, and about 5, 15 and 30
 * minutes either side for a daily season. */
const SMOOTHING_SHARES = [0, 1 / 288, 1 / 96, 1 / 48];
/** Share of the series held out to choose the width (at least one season). */
const HELD_OUT_SHARE = 0.2;

/**
 * Fits alpha, beta, gamma and phi by Nelder-Mead on the one-step errors' Huber loss, from a few
 * starting points, over a series at least two seasons long. When two seasons and a held-out part
 * (the last fifth of the series, at least a season) fit in it, the width the initial seasonal
 * profile is smoothed over is chosen too, out of sample: each width is fitted on the series before
 * the held-out part, which then scores its forecasts 1..`horizon` steps ahead (mean absolute
 * error, initial state from the earlier part only), and the best width is refitted on the whole
 * series. (A single held-out season is too little: one holiday week decides it, and a weekly
 * season of half-hour buckets was smoothed over 3.5 hours either side.) The median profile of a
 * few noisy days carries their noise at every slot, and a forecast that adds the profile's
 * change over the horizon adds that noise twice; a profile whose neighbouring slots are averaged
 * keeps the shape and drops most of the noise, which a fit scored on the same days cannot see
 * (the noise it learnt is the noise it is scored on).
 */
export function fitHoltWinters(
  values: readonly (number | null)[],
  filled: Float64Array,
  season: number,
  horizon = 1,
): HoltWintersParams {
  const m = Math.max(1, season);
  const widths = [...new Set(SMOOTHING_SHARES.map((share) => Math.round(share * m)))];
  // A season too short for any width (under 24 slots, or none) or too little history: none.
  const heldOut = Math.max(m, Math.floor(HELD_OUT_SHARE * values.length));
  if (widths.length === 1 || values.length < heldOut + 2 * m + horizon)
    return fitParams(values, filled, m, 0);
  const headEnd = values.length - heldOut;
  const head = values.slice(0, headEnd);
  const headFilled = filled.subarray(0, headEnd);
  let best = { smoothing: 0, error: Number.POSITIVE_INFINITY };
  for (const smoothing of widths) {
    const error = heldOutError(values, filled, fitParams(head, headFilled, m, smoothing), headEnd, horizon);
    if (error < best.error) best = { smoothing, error };
  }
  return fitParams(values, filled, m, best.smoothing);
}

/** Mean absolute error of the forecasts 1..horizon steps ahead from every origin in
 * [from, length - horizon], the state initialised from `filled[0..from)` only. */
function heldOutError(
  values: readonly (number | null)[],
  filled: Float64Array,
  p: HoltWintersParams,
  from: number,
  horizon: number,
): number {
  let sum = 0;
  let count = 0;
  runFilter(
    values,
    filled,
    p,
    values.length - horizon + 1,
    0,
    (t, state) => {
      if (t < from) return;
      meansFrom(state, p.phi, t, horizon).forEach((mean, h) => {
        const actual = values[t + h];
        if (actual === null || actual === undefined) return;
        sum += Math.abs(actual - mean);
        count++;
      });
    },
    from,
  );
  return count > 0 ? sum / count : Number.POSITIVE_INFINITY;
}

function fitParams(
  values: readonly (number | null)[],
  filled: Float64Array,
  m: number,
  smoothing: number,
): HoltWintersParams {
  const burnIn = Math.min(Math.max(m, 10), Math.floor(values.length / 2));
  const decode = (x: readonly number[]): HoltWintersParams => ({
    alpha: squash(x[0] ?? 0, BOUNDS.alpha),
    beta: squash(x[1] ?? 0, BOUNDS.beta),
    gamma: m > 1 ? squash(x[3] ?? 0, BOUNDS.gamma) : 0,
    phi: squash(x[2] ?? 0, BOUNDS.phi),
    season: m,
    smoothing,
  });
  const loss = (x: readonly number[]) => runFilter(values, filled, decode(x), values.length, burnIn);
  const starts = [
    { alpha: 0.3, beta: 0.01, phi: 0.97, gamma: 0.1 },
    { alpha: 0.8, beta: 0.05, phi: 0.9, gamma: 0.3 },
    { alpha: 0.05, beta: 0.001, phi: 0.98, gamma: 0.02 },
  ];
  let best: { x: number[]; value: number } | null = null;
  for (const start of starts) {
    const x0 = [
      unsquash(start.alpha, BOUNDS.alpha),
      unsquash(start.beta, BOUNDS.beta),
      unsquash(start.phi, BOUNDS.phi),
    ];
    if (m > 1) x0.push(unsquash(start.gamma, BOUNDS.gamma));
    const result = minimizeNelderMead(loss, x0, { step: 1, maxEvaluations: 120 * x0.length });
    if (!best || result.value < best.value) best = result;
  }
  return decode(best?.x ?? []);
}
