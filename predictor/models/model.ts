import type { ModelKind, RegularSeries, Rng } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster } from "./types.ts";

/** What every model's training gets besides the series. */
export type TrainContext = {
  horizon: number;
  seasonSteps: number;
  /** Epoch ms, for `trainedAt`. */
  now: () => number;
  rng: Rng;
  onProgress: (fraction: number, label: string) => void;
};

/** A trained model as the predictor uses it inside: a Forecaster that can also forecast from many
 * origins of one series at once (the backtest) and be saved as plain JSON data. */
export interface ForecastModel extends Forecaster {
  /** The forecast from each origin `o` of `series`, made from `values[0..o)` only, with its
   * interval adapted to how the model's intervals fared over the origins just before. */
  forecastOrigins(
    series: RegularSeries,
    origins: readonly number[],
    horizon: number,
  ): Promise<ForecastBand[]>;
  /** Plain JSON data that `restoreModel` turns back into an equal model. */
  snapshot(): Promise<ModelSnapshot>;
  /** Frees what the model holds outside the JS heap (tensors); it is unusable afterwards. */
  dispose(): void;
}

/** Saved form of a model: its kind, identity and kind-specific parameters. */
export type ModelSnapshot = {
  kind: ModelKind;
  version: string;
  trainedAt: string;
  params: unknown;
};

/** Trains one kind of model; the strategies every series is fitted with. */
export interface ModelTrainer {
  readonly kind: ModelKind;
  /** Why this kind cannot train on `series` (too short, ...), or null when it can. */
  unsuitable(series: RegularSeries, context: Pick<TrainContext, "horizon" | "seasonSteps">): string | null;
  train(series: RegularSeries, context: TrainContext): Promise<ForecastModel>;
}

/** Forecasts from one origin through `forecastOrigins`: the history's end is the origin. */
export async function forecastFromEnd(
  model: ForecastModel,
  history: RegularSeries,
  horizon: number,
): Promise<ForecastBand> {
  const [band] = await model.forecastOrigins(history, [history.values.length], horizon);
  if (!band) throw new Error("the model returned no forecast");
  return band;
}
