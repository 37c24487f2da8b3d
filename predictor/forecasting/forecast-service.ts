import type { Forecast, MetricName } from "../../contracts/index.ts";
import { observedCount } from "../models/series-ops.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { ForecastHistory } from "../store/forecast-history.ts";
import type { SeriesStore } from "../store/series-store.ts";
import { forecastDocument } from "./forecast-document.ts";
import type { ModelRegistry } from "./model-registry.ts";

/** `history`, when given, remembers each forecast's point at its lead for the dashboard's review. */
export type ForecastDeps = {
  series: SeriesStore;
  documents: DocumentStore;
  registry: ModelRegistry;
  now: () => number;
  horizon: number;
  history?: ForecastHistory;
};

/** What forecasting one series did. */
export type ForecastOutcome =
  { status: "forecast"; forecast: Forecast } | { status: "untrained" } | { status: "no-data" };

/**
 * Forecasts one series with its serving model from the history the model was trained on (up to
 * the current step) and stores the Forecast document. The forecast starts at the step after the
 * current one.
 */
export async function forecastSeries(
  origin: string,
  metric: MetricName,
  deps: ForecastDeps,
): Promise<ForecastOutcome> {
  const outcome = await deps.registry.use(origin, metric, async (serving): Promise<ForecastOutcome> => {
    // A model trained at another step (the configuration changed) waits for its retraining.
    if (serving.saved.stepSeconds !== deps.series.stepSeconds) return { status: "untrained" };
    const now = deps.now();
    const stepMs = deps.series.stepMs;
    const current = deps.series.bucketOf(now);
    const from = current - (serving.saved.historySteps - 1) * stepMs;
    const history = await deps.series.read(origin, metric, from, current);
    if (observedCount(history.values) === 0) return { status: "no-data" };
    const horizon = Math.min(deps.horizon, serving.saved.horizon);
    const band = await serving.model.forecast(history, horizon);
    const forecast = forecastDocument({
      saved: serving.saved,
      model: serving.model,
      band,
      generatedAt: now,
      start: current + stepMs,
      stepSeconds: deps.series.stepSeconds,
    });
    await deps.documents.writeForecast(forecast);
    await deps.history?.record(forecast, now);
    return { status: "forecast", forecast };
  });
  return outcome ?? { status: "untrained" };
}
