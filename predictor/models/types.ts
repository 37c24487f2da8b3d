import type { ModelKind, RegularSeries, Rng, TfBackend } from "../../contracts/index.ts";

/** A multi-step forecast: `mean[h]` is the point forecast `h + 1` steps ahead; `lower`/`upper`
 * bound an 80 % prediction interval. */
export type ForecastBand = { mean: number[]; lower: number[]; upper: number[] };

/** Accuracy of one model in a rolling-origin backtest. MASE is scaled by the in-sample
 * seasonal-naive error at the detected season. */
export type ModelScore = {
  mase: number;
  smape: number;
  mae: number;
  /** Share of the held-out actual points that fell inside the 80 % interval. */
  coverage?: number;
};

/** A trained model, ready to forecast any continuation of the series it was trained on. */
export interface Forecaster {
  readonly kind: ModelKind;
  readonly version: string;
  readonly trainedAt: string;
  readonly backend?: TfBackend;
  /** Forecasts `horizon` steps after the last point of `history` (which may contain gaps). */
  forecast(history: RegularSeries, horizon: number): Promise<ForecastBand>;
}

/** Options for training every model on a series and choosing the best by backtest. */
export type TrainOptions = {
  /** Steps ahead the forecasts must cover (and the backtest scores). */
  horizon: number;
  /** Models to consider (default: all). */
  kinds?: readonly ModelKind[];
  /** Injected clock (epoch ms) and randomness, for repeatable runs. */
  now?: () => number;
  rng?: Rng;
  /** Progress of a long training run, 0..1, with a short label. */
  onProgress?: (fraction: number, label: string) => void;
  /** Overrides of the LSTM's size and training effort (tests use a tiny one). */
  lstm?: LstmOptions;
};

/** Size and training effort of the LSTM; every field has a measured default. */
export type LstmOptions = {
  /** LSTM units (default 32). */
  units?: number;
  /** Most training epochs (default 40; training stops earlier when the held-out loss stalls). */
  epochs?: number;
  /** Most training windows drawn from the series, subsampled by stride beyond (default 6000). */
  maxWindows?: number;
  /** Steps of recent history the LSTM reads (default 12). */
  window?: number;
  /** Seed of the weight initialisers. */
  seed?: number;
  /** Networks trained with different seeds whose quantiles are averaged (default 1). */
  members?: number;
};

/** The outcome of training: the best model by backtest (it serves forecasts), every model's
 * score, and every trained model. */
export type TrainedSelection = {
  best: Forecaster;
  scores: Partial<Record<ModelKind, ModelScore>>;
  forecasters: Partial<Record<ModelKind, Forecaster>>;
  seasonSteps: number;
  /** Wall-clock seconds each model took to train and score. */
  trainSeconds?: Partial<Record<ModelKind, number>>;
  /** Why a requested model kind was not trained on this series (too short, ...). */
  skipped?: Partial<Record<ModelKind, string>>;
};
