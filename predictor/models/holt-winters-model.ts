import * as v from "valibot";
import type { RegularSeries } from "../../contracts/index.ts";
import type { HoltWintersParams } from "./holt-winters.ts";
import { fitHoltWinters, holtWintersMeans } from "./holt-winters.ts";
import type { IntervalOffsets } from "./intervals.ts";
import { bandAround, offsetsFromForecasts, spacedOrigins } from "./intervals.ts";
import type { ForecastModel, ModelSnapshot, ModelTrainer, TrainContext } from "./model.ts";
import { forecastWithAdaptiveIntervals } from "./adaptive-intervals.ts";
import { forecastFromEnd } from "./model.ts";
import { fillGaps, levelFloor } from "./series-ops.ts";
import { intervalOffsetsSchema } from "./snapshot-schemas.ts";
import type { ForecastBand } from "./types.ts";

const CALIBRATION_ORIGINS = 1_000;
const MIN_POINTS = 20;
const unit = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));
/** Saved Holt-Winters parameters. */
export const holtWintersParamsSchema = v.strictObject({
  alpha: unit,
  beta: unit,
  gamma: unit,
  phi: unit,
  season: v.pipe(v.number(), v.integer(), v.minValue(1)),
  smoothing: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
const paramsSchema = v.strictObject({
  hw: holtWintersParamsSchema,
  offsets: intervalOffsetsSchema,
});

class HoltWintersModel implements ForecastModel {
  readonly kind = "holt-winters" as const;
  constructor(
    readonly version: string,
    readonly trainedAt: string,
    private readonly params: HoltWintersParams,
    private readonly offsets: IntervalOffsets,
  ) {}

  forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
    return forecastFromEnd(this, history, horizon);
  }

  forecastOrigins(
    series: RegularSeries,
    origins: readonly number[],
    horizon: number,
  ): Promise<ForecastBand[]> {
    return forecastWithAdaptiveIntervals(series, origins, horizon, (all, h) =>
      this.staticBands(series, all, h),
    );
  }

  /** Bands as calibrated at training time, before adapting to recent misses. */
  staticBands(series: RegularSeries, origins: readonly number[], horizon: number): Promise<ForecastBand[]> {
    const filled = fillGaps(series.values);
    // A history shorter than the fitted season cannot be initialised: use no season for it.
    const params = series.values.length >= this.params.season ? this.params : { ...this.params, season: 1 };
    const means = holtWintersMeans(series.values, filled, params, origins, horizon);
    return Promise.resolve(origins.map((o, i) => bandAround(means[i] ?? [], this.offsets, filled, o)));
  }

  dispose(): void {
    // Plain numbers only: nothing to free.
  }

  snapshot(): Promise<ModelSnapshot> {
    return Promise.resolve({
      kind: this.kind,
      version: this.version,
      trainedAt: this.trainedAt,
      params: { hw: this.params, offsets: this.offsets },
    });
  }
}

/** Restores a Holt-Winters model from its snapshot parameters. */
export function restoreHoltWinters(snapshot: ModelSnapshot): ForecastModel {
  const params = v.parse(paramsSchema, snapshot.params);
  return new HoltWintersModel(snapshot.version, snapshot.trainedAt, params.hw, params.offsets);
}

/** The Holt-Winters trainer: fits the smoothing parameters at the detected season (a damped Holt
 * when there is none or the series is shorter than two seasons), then calibrates its intervals on its own forecasts over the later half. */
export const holtWintersTrainer: ModelTrainer = {
  kind: "holt-winters",
  unsuitable(series, { horizon }) {
    const need = MIN_POINTS + 2 * horizon;
    return series.values.length < need ? `needs at least ${need} points` : null;
  },
  train(series: RegularSeries, context: TrainContext): Promise<ForecastModel> {
    const { horizon } = context;
    const n = series.values.length;
    // Two whole seasons initialise the seasonal state; with less, a damped Holt (no season).
    const season = n >= 2 * context.seasonSteps + 2 * horizon ? context.seasonSteps : 1;
    const filled = fillGaps(series.values);
    const params = fitHoltWinters(series.values, filled, season, horizon);
    const origins = spacedOrigins(Math.max(Math.floor(n / 2), 2 * season), n - horizon, CALIBRATION_ORIGINS);
    const means = holtWintersMeans(series.values, filled, params, origins, horizon);
    const offsets = offsetsFromForecasts(series.values, filled, origins, means, levelFloor(filled));
    const f = (x: number) => x.toFixed(3);
    const version = `hw2 m${params.season} w${params.smoothing ?? 0} a${f(params.alpha)} b${f(params.beta)} g${f(params.gamma)} p${f(params.phi)}`;
    return Promise.resolve(
      new HoltWintersModel(version, new Date(context.now()).toISOString(), params, offsets),
    );
  },
};
