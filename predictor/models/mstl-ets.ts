/**
 * MSTL with an AutoETS trend (Bandara, Hyndman & Bergmeir 2021, "MSTL: A Seasonal-Trend
 * Decomposition Algorithm for Time Series with Multiple Seasonal Patterns"; ETS model selection by
 * AICc as in Hyndman et al. 2002), from the augurs library: the series is decomposed into one
 * seasonal component per period plus a deseasonalised rest, AutoETS picks and fits an
 * exponential-smoothing model of the rest, and the forecast is that model's forecast plus each
 * seasonal component carried on. The library cannot save a fitted model, so the saved model is
 * its specification (the periods and the length of recent history it is fitted on) and every
 * forecast refits it on the history just before the forecast's origin. See docs/forecasting.md.
 */
import * as v from "valibot";
import type { RegularSeries } from "../../contracts/index.ts";
import { augursAutoEts, augursMstl } from "./augurs.ts";
import { INTERVAL_COVERAGE, spacedOrigins } from "./intervals.ts";
import type { ForecastModel, ModelSnapshot, ModelTrainer, TrainContext } from "./model.ts";
import { forecastFromEnd } from "./model.ts";
import { fillGaps } from "./series-ops.ts";
import type { ForecastBand } from "./types.ts";

/** Fewest points a fit needs (a non-seasonal ETS on fewer is guesswork). */
export const MSTL_MIN_POINTS = 20;
/** Whole cycles of the longest period in the history a fit may read, the choice made per series:
 * a shape that drifts wants few (network traffic forecast six times better from three days than
 * from six), a noisy one wants many (taxi rides a third better from six weeks than from three). */
const WINDOW_CYCLES = [3, 6];
/** Fewest points each fit reads when the periods are short; without a season, this or twice
 * this. */
const MIN_WINDOW = 500;
/** Most points each fit reads (three days of minutes): a fit costs about 25 us per point, and
 * one runs for every forecast. */
const MAX_WINDOW = 4_320;
/** Origins at the end of the training data on which the candidate periods and windows are compared. */
const VALIDATION_ORIGINS = 48;
const VALIDATION_SHARE = 0.2;

/** What a fit is made of: the seasonal periods in steps (empty: no season, plain AutoETS) and
 * the most recent points each fit reads. */
export type MstlSpec = { periods: number[]; window: number };

const count = v.pipe(v.number(), v.integer(), v.minValue(1));
/** Saved MSTL parameters. */
export const mstlParamsSchema = v.strictObject({
  periods: v.array(v.pipe(count, v.minValue(2))),
  window: v.pipe(count, v.minValue(MSTL_MIN_POINTS)),
});

/** The periods a history of `length` points can decompose: each needs two whole cycles. */
function usablePeriods(periods: readonly number[], length: number): number[] {
  return periods.filter((p) => 2 * p <= length);
}

/**
 * Fits MSTL/AutoETS on the `spec.window` points before `origin` (gaps filled by interpolation
 * inside that window only, so nothing after the origin is read) and forecasts `horizon` steps
 * with the library's 80 % prediction interval. Periods without two whole cycles in the history are
 * left out.
 */
export function mstlBand(
  values: readonly (number | null)[],
  origin: number,
  spec: MstlSpec,
  horizon: number,
): ForecastBand {
  const from = Math.max(0, origin - spec.window);
  const window = values.slice(from, origin);
  if (window.filter((x) => x !== null).length < MSTL_MIN_POINTS)
    throw new RangeError(
      `MSTL needs at least ${MSTL_MIN_POINTS} observed points before the forecast origin, got ${window.filter((x) => x !== null).length} (origin ${origin})`,
    );
  const periods = usablePeriods(spec.periods, window.length);
  // Without a season there is nothing to decompose: AutoETS alone, over non-seasonal models.
  const model = periods.length > 0 ? augursMstl().ets(periods) : new (augursAutoEts())(1, "ZZN");
  try {
    model.fit(fillGaps(window));
    const forecast = model.predict(horizon, INTERVAL_COVERAGE);
    const mean = forecast.point;
    const intervals = forecast.intervals;
    if (mean.length !== horizon || !intervals || mean.some((x) => !Number.isFinite(x)))
      throw new Error(`returned ${mean.length} finite points and ${intervals ? "" : "no "}interval`);
    return {
      mean,
      lower: intervals.lower.map((l, h) => Math.min(Number.isFinite(l) ? l : (mean[h] ?? 0), mean[h] ?? 0)),
      upper: intervals.upper.map((u, h) => Math.max(Number.isFinite(u) ? u : (mean[h] ?? 0), mean[h] ?? 0)),
    };
  } catch (error) {
    throw new Error(
      `augurs MSTL/AutoETS failed on ${window.length} points before origin ${origin} with periods [${periods.join(", ")}]: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    model.free();
  }
}

class MstlEtsModel implements ForecastModel {
  readonly kind = "mstl-ets" as const;
  constructor(
    readonly version: string,
    readonly trainedAt: string,
    readonly spec: MstlSpec,
  ) {}

  forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
    return forecastFromEnd(this, history, horizon);
  }

  /** One refit per origin on the history before it (the library's state cannot be moved on
   * without refitting), with the library's own 80 % interval. */
  forecastOrigins(
    series: RegularSeries,
    origins: readonly number[],
    horizon: number,
  ): Promise<ForecastBand[]> {
    return Promise.resolve(origins.map((o) => mstlBand(series.values, o, this.spec, horizon)));
  }

  dispose(): void {
    // Each fit frees its WebAssembly memory when its forecast is made: nothing is held.
  }

  snapshot(): Promise<ModelSnapshot> {
    return Promise.resolve({
      kind: this.kind,
      version: this.version,
      trainedAt: this.trainedAt,
      params: { periods: [...this.spec.periods], window: this.spec.window },
    });
  }
}

function versionOf(spec: MstlSpec): string {
  return `mstl-ets1 m${spec.periods.join(",") || "1"} w${spec.window}`;
}

/** Restores an MSTL/AutoETS model from its snapshot parameters (refitted at each forecast). */
export function restoreMstlEts(snapshot: ModelSnapshot): ForecastModel {
  const params = v.parse(mstlParamsSchema, snapshot.params);
  return new MstlEtsModel(snapshot.version, snapshot.trainedAt, params);
}

/** The candidate period sets: the detected season, and day with week together when the season is
 * one of them and two weeks fit in the series (a daily shape that differs on weekends). */
export function candidatePeriods(seasonSteps: number, stepSeconds: number, length: number): number[][] {
  if (seasonSteps < 2) return [[]];
  const day = Math.round(86_400 / stepSeconds);
  const week = Math.round(604_800 / stepSeconds);
  const out = [[seasonSteps]];
  if ((seasonSteps === day || seasonSteps === week) && day >= 2 && 2 * week + MSTL_MIN_POINTS <= length)
    out.push([day, week]);
  return out;
}

/** Each candidate period set with each window it may be fitted on. */
export function candidateSpecs(seasonSteps: number, stepSeconds: number, length: number): MstlSpec[] {
  const specs = new Map<string, MstlSpec>();
  for (const periods of candidatePeriods(seasonSteps, stepSeconds, length)) {
    const windows =
      periods.length === 0
        ? [MIN_WINDOW, 2 * MIN_WINDOW]
        : WINDOW_CYCLES.map((c) => Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, c * Math.max(...periods))));
    for (const window of windows) specs.set(`${periods.join(",")} ${window}`, { periods, window });
  }
  return [...specs.values()];
}

/** Mean absolute error of a spec's forecasts from a few origins over the end of `series`. */
function validationError(series: RegularSeries, spec: MstlSpec, horizon: number): number {
  const n = series.values.length;
  const from = Math.max(MSTL_MIN_POINTS, n - Math.max(horizon + 1, Math.round(VALIDATION_SHARE * n)));
  let sum = 0;
  let points = 0;
  for (const o of spacedOrigins(from, n - horizon, VALIDATION_ORIGINS)) {
    const band = mstlBand(series.values, o, spec, horizon);
    band.mean.forEach((mean, h) => {
      const actual = series.values[o + h];
      if (actual === null || actual === undefined) return;
      sum += Math.abs(actual - mean);
      points++;
    });
  }
  return points > 0 ? sum / points : Number.POSITIVE_INFINITY;
}

/** The MSTL/AutoETS trainer: chooses the periods (the detected season, or day and week together)
 * and the window (three or six cycles) by the error of their forecasts from 48 origins over the
 * last fifth of the training data; the rest is fitted afresh at every forecast. */
export const mstlEtsTrainer: ModelTrainer = {
  kind: "mstl-ets",
  unsuitable(series, { horizon }) {
    const need = MSTL_MIN_POINTS + 2 * horizon;
    return series.values.length < need ? `needs at least ${need} points` : null;
  },
  train(series: RegularSeries, context: TrainContext): Promise<ForecastModel> {
    // Deferred, so a refusal or a failed fit rejects the promise rather than throwing.
    return Promise.resolve().then(() => trainMstlEts(series, context));
  },
};

function trainMstlEts(series: RegularSeries, context: TrainContext): ForecastModel {
  const n = series.values.length;
  const why = mstlEtsTrainer.unsuitable(series, context);
  if (why !== null) throw new RangeError(`MSTL/AutoETS cannot train on a series of ${n} points: it ${why}`);
  const candidates = candidateSpecs(context.seasonSteps, series.stepSeconds, n);
  let best = candidates[0] ?? { periods: [], window: MIN_WINDOW };
  if (candidates.length > 1) {
    let bestError = Number.POSITIVE_INFINITY;
    candidates.forEach((spec, i) => {
      context.onProgress(
        i / candidates.length,
        `periods ${spec.periods.join("+") || "none"}, window ${spec.window}`,
      );
      const error = validationError(series, spec, context.horizon);
      if (error < bestError) {
        best = spec;
        bestError = error;
      }
    });
  }
  return new MstlEtsModel(versionOf(best), new Date(context.now()).toISOString(), best);
}
