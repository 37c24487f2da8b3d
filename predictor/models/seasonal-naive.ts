import * as v from "valibot";
import type { RegularSeries } from "../../contracts/index.ts";
import type { IntervalOffsets } from "./intervals.ts";
import { bandAround, offsetsFromForecasts, spacedOrigins } from "./intervals.ts";
import type { ForecastModel, ModelSnapshot, ModelTrainer, TrainContext } from "./model.ts";
import { forecastWithAdaptiveIntervals } from "./adaptive-intervals.ts";
import { forecastFromEnd } from "./model.ts";
import { fillGaps, levelFloor } from "./series-ops.ts";
import type { ForecastBand } from "./types.ts";
import { intervalOffsetsSchema } from "./snapshot-schemas.ts";

/** Seasons looked back through for an observed value before falling back to the last one. */
const MAX_SEASONS_BACK = 8;
const CALIBRATION_ORIGINS = 1_000;

/** Seasonal naive point forecasts (FPP3 §5.2): each step repeats the value one season earlier
 * (further back when that one is a gap); with no season, the last observed value. */
export function seasonalNaiveMeans(
  values: readonly (number | null)[],
  origin: number,
  horizon: number,
  season: number,
): number[] {
  let last = 0;
  for (let i = origin - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined) {
      last = value;
      break;
    }
  }
  const means: number[] = [];
  for (let h = 0; h < horizon; h++) {
    let found: number | null = null;
    if (season > 1) {
      for (
        let k = Math.ceil((h + 1) / season);
        k <= MAX_SEASONS_BACK + Math.ceil((h + 1) / season) && found === null;
        k++
      ) {
        const value = values[origin + h - k * season];
        if (origin + h - k * season < 0) break;
        if (value !== null && value !== undefined) found = value;
      }
    }
    means.push(found ?? last);
  }
  return means;
}

const paramsSchema = v.strictObject({
  season: v.pipe(v.number(), v.integer(), v.minValue(1)),
  offsets: intervalOffsetsSchema,
});

class SeasonalNaiveModel implements ForecastModel {
  readonly kind = "seasonal-naive" as const;
  constructor(
    readonly version: string,
    readonly trainedAt: string,
    private readonly season: number,
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
    return Promise.resolve(
      origins.map((o) =>
        bandAround(seasonalNaiveMeans(series.values, o, horizon, this.season), this.offsets, filled, o),
      ),
    );
  }

  dispose(): void {
    // Plain numbers only: nothing to free.
  }

  snapshot(): Promise<ModelSnapshot> {
    return Promise.resolve({
      kind: this.kind,
      version: this.version,
      trainedAt: this.trainedAt,
      params: { season: this.season, offsets: this.offsets },
    });
  }
}

/** Restores a seasonal-naive model from its snapshot parameters. */
export function restoreSeasonalNaive(snapshot: ModelSnapshot): ForecastModel {
  const params = v.parse(paramsSchema, snapshot.params);
  return new SeasonalNaiveModel(snapshot.version, snapshot.trainedAt, params.season, params.offsets);
}

/** The seasonal-naive trainer: nothing to fit but the interval calibration. */
export const seasonalNaiveTrainer: ModelTrainer = {
  kind: "seasonal-naive",
  unsuitable(series, { horizon }) {
    return series.values.length < 2 * horizon + 2 ? `needs at least ${2 * horizon + 2} points` : null;
  },
  train(series: RegularSeries, context: TrainContext): Promise<ForecastModel> {
    const { horizon, seasonSteps } = context;
    const season = series.values.length > seasonSteps + horizon ? seasonSteps : 1;
    const filled = fillGaps(series.values);
    const n = series.values.length;
    const origins = spacedOrigins(Math.max(1, season, Math.floor(n / 2)), n - horizon, CALIBRATION_ORIGINS);
    const means = origins.map((o) => seasonalNaiveMeans(series.values, o, horizon, season));
    const offsets = offsetsFromForecasts(series.values, filled, origins, means, levelFloor(filled));
    const trainedAt = new Date(context.now()).toISOString();
    return Promise.resolve(new SeasonalNaiveModel(`snaive1 m${season}`, trainedAt, season, offsets));
  },
};
