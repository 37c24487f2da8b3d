import type { Forecast, MetricName } from "../../contracts/index.ts";
import type { SavedSeriesModel } from "../model-store/saved-model.ts";
import type { ForecastModel } from "../models/model.ts";
import type { ForecastBand } from "../models/types.ts";

/** The range every metric's values live in: rates, latencies and CPU are never negative; an
 * error rate is a share. */
const BOUNDS: Record<MetricName, [number, number]> = {
  rps: [0, Number.POSITIVE_INFINITY],
  p95_ms: [0, Number.POSITIVE_INFINITY],
  error_rate: [0, 1],
  cpu: [0, Number.POSITIVE_INFINITY],
};

/** Keeps a forecast inside the metric's range (a model may extrapolate a falling trend below 0). */
export function boundBand(metric: MetricName, band: ForecastBand): ForecastBand {
  const [lo, hi] = BOUNDS[metric];
  const clamp = (x: number) => Math.min(hi, Math.max(lo, x));
  return { mean: band.mean.map(clamp), lower: band.lower.map(clamp), upper: band.upper.map(clamp) };
}

/** Builds the Forecast document of one series: what was forecast, by which model (and, for a
 * TensorFlow.js model only, on which backend), and how accurate each model was in the backtest
 * that chose it. */
export function forecastDocument(input: {
  saved: SavedSeriesModel;
  model: ForecastModel;
  band: ForecastBand;
  generatedAt: number;
  start: number;
  stepSeconds: number;
}): Forecast {
  const { saved, model } = input;
  const band = boundBand(saved.metric, input.band);
  for (const [name, values] of Object.entries(band)) {
    if (values.some((x) => !Number.isFinite(x)))
      throw new Error(
        `the ${model.kind} model produced a non-finite ${name} forecast for ${saved.origin}/${saved.metric}`,
      );
  }
  const served = saved.scores[model.kind];
  const byModel: Record<string, { mase: number; smape: number }> = {};
  for (const [kind, score] of Object.entries(saved.scores))
    byModel[kind] = { mase: score.mase, smape: Math.min(200, score.smape) };
  return {
    origin: saved.origin,
    metric: saved.metric,
    generatedAt: new Date(input.generatedAt).toISOString(),
    start: new Date(input.start).toISOString(),
    stepSeconds: input.stepSeconds,
    mean: band.mean,
    lower: band.lower,
    upper: band.upper,
    model: {
      kind: model.kind,
      version: model.version,
      trainedAt: model.trainedAt,
      ...(model.backend ? { backend: model.backend } : {}),
    },
    accuracy: { mase: served?.mase ?? 0, smape: Math.min(200, served?.smape ?? 0), byModel },
  };
}
