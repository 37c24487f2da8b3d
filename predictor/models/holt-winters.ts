/**
 * Additive Holt-Winters with a damped trend (Holt 1957, Winters 1960; damping as in Gardner &
 * McKenzie 1985; notation of Hyndman & Athanasopoulos, FPP3 §8.3), with its smoothing parameters
 * fitted by minimising the one-step-ahead squared error. A gap skips the correction: the state
 * moves on by its own forecast, so a missing scrape never pulls the level towards zero.
 */
import { minimizeNelderMead } from "./nelder-mead.ts";

export type HoltWintersParams = { alpha: number; beta: number; gamma: number; phi: number; season: number };

type State = { level: number; trend: number; seasonal: Float64Array };

/** Parameter ranges (the usual admissible region, trend damping kept away from explosive). */
const BOUNDS = { alpha: [1e-4, 0.9999], beta: [1e-4, 0.5], gamma: [1e-4, 0.9999], phi: [0.8, 0.995] } as const;

/** Most seasons the initial state is estimated from. */
const INIT_CYCLES = 4;

/** Initial level, trend and season from the first few seasons (classical decomposition with
 * medians, so one early spike does not linger in the seasonal state for weeks at a small gamma). */
export function initialState(filled: Float64Array, season: number): State {
  const m = Math.max(1, season);
  const seasonal = new Float64Array(m);
  if (m === 1) return { level: filled[0] ?? 0, trend: 0, seasonal };
  const cycles = Math.max(1, Math.min(INIT_CYCLES, Math.floor(filled.length / m)));
  const cycleMedians = Array.from({ length: cycles }, (_, k) => median(Array.from(filled.subarray(k * m, (k + 1) * m))));
  const trend = cycles > 1 ? ((cycleMedians[cycles - 1] ?? 0) - (cycleMedians[0] ?? 0)) / ((cycles - 1) * m) : 0;
  const level = (cycleMedians[0] ?? 0) - ((m + 1) / 2) * trend;
  for (let i = 0; i < m; i++) {
    const deviations: number[] = [];
    for (let k = 0; k < cycles; k++) deviations.push((filled[i + k * m] ?? 0) - (level + (i + k * m + 1) * trend));
    seasonal[i] = median(deviations);
  }
  return { level, trend, seasonal };
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs the filter over `values[0..end)`, calling `visit(t, state)` before each step t (so the
 * state it sees has absorbed exactly `values[0..t)`). Returns the one-step squared error summed
 * over observed points after `burnIn`. */
function runFilter(values: readonly (number | null)[], filled: Float64Array, p: HoltWintersParams, end: number, burnIn: number, visit?: (t: number, state: State) => void): number {
  const state = initialState(filled, p.season);
  const m = state.seasonal.length;
  const { alpha, beta, gamma, phi } = p;
  let sse = 0;
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
    const error = y - (previousLevel + damped + s);
    if (t >= burnIn) sse += error * error;
    state.level = alpha * (y - s) + (1 - alpha) * (previousLevel + damped);
    state.trend = beta * (state.level - previousLevel) + (1 - beta) * damped;
    if (m > 1) state.seasonal[index] = gamma * (y - state.level) + (1 - gamma) * s;
  }
  visit?.(end, state);
  return sse;
}

/** Point forecasts `horizon` steps ahead from each origin (ascending), made from `values[0..o)`. */
export function holtWintersMeans(values: readonly (number | null)[], filled: Float64Array, p: HoltWintersParams, origins: readonly number[], horizon: number): number[][] {
  const wanted = new Map<number, number[]>();
  const originSet = new Set(origins);
  const end = origins.reduce((a, b) => Math.max(a, b), 0);
  runFilter(values, filled, p, end, 0, (t, state) => {
    if (!originSet.has(t) || wanted.has(t)) return;
    const m = state.seasonal.length;
    const means: number[] = [];
    let dampedSum = 0;
    let power = 1;
    for (let h = 0; h < horizon; h++) {
      power *= p.phi;
      dampedSum += power;
      means.push(state.level + dampedSum * state.trend + (m > 1 ? (state.seasonal[(t + h) % m] ?? 0) : 0));
    }
    wanted.set(t, means);
  });
  return origins.map((o) => wanted.get(o) ?? []);
}

const squash = (x: number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) / (1 + Math.exp(-x));
const unsquash = (y: number, [lo, hi]: readonly [number, number]) => -Math.log((hi - lo) / (y - lo) - 1);

/** Fits alpha, beta, gamma and phi by Nelder-Mead on the one-step squared error, from a few
 * starting points, over a series at least two seasons long. */
export function fitHoltWinters(values: readonly (number | null)[], filled: Float64Array, season: number): HoltWintersParams {
  const m = Math.max(1, season);
  const burnIn = Math.min(Math.max(m, 10), Math.floor(values.length / 2));
  const decode = (x: readonly number[]): HoltWintersParams => ({
    alpha: squash(x[0] ?? 0, BOUNDS.alpha),
    beta: squash(x[1] ?? 0, BOUNDS.beta),
    gamma: m > 1 ? squash(x[3] ?? 0, BOUNDS.gamma) : 0,
    phi: squash(x[2] ?? 0, BOUNDS.phi),
    season: m,
  });
  const loss = (x: readonly number[]) => runFilter(values, filled, decode(x), values.length, burnIn);
  const starts = [
    { alpha: 0.3, beta: 0.01, phi: 0.97, gamma: 0.1 },
    { alpha: 0.8, beta: 0.05, phi: 0.9, gamma: 0.3 },
    { alpha: 0.05, beta: 0.001, phi: 0.98, gamma: 0.02 },
  ];
  let best: { x: number[]; value: number } | null = null;
  for (const start of starts) {
    const x0 = [unsquash(start.alpha, BOUNDS.alpha), unsquash(start.beta, BOUNDS.beta), unsquash(start.phi, BOUNDS.phi)];
    if (m > 1) x0.push(unsquash(start.gamma, BOUNDS.gamma));
    const result = minimizeNelderMead(loss, x0, { step: 1, maxEvaluations: 120 * x0.length });
    if (!best || result.value < best.value) best = result;
  }
  return decode(best?.x ?? []);
}
