import { Gauge, Registry } from "prom-client";
import type { DocumentStore } from "../store/documents.ts";
import type { SeriesStore } from "../store/series-store.ts";

/** Scrape errors older than this are left out of `predictor_scrape_errors_recent`. */
const RECENT_ERRORS_MS = 3_600_000;
/** At most this many scrape errors are read per exposition. */
const ERRORS_READ = 1_000;

/**
 * The predictor's state as Prometheus metrics, read from Redis at each scrape, so any API
 * process of a deployment answers for the whole of it (the workers that scrape and train share
 * nothing else): how old each forecast and each series is, how accurate each served model was
 * in its backtest, what SLOs are set, what could not be read, and recent scrape errors. What an
 * operator alerts on: a forecast or a series that stopped moving, an accuracy that fell.
 */
export async function predictorMetrics(context: {
  series: SeriesStore;
  documents: DocumentStore;
  now: () => number;
}): Promise<{ text: string; contentType: string }> {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const now = context.now();
  const [
    { forecasts, invalid: badForecasts },
    { slos, invalid: badSlos },
    { events, invalid: badEvents },
    ids,
    errors,
    heartbeat,
    epoch,
  ] = await Promise.all([
    context.documents.readForecasts(),
    context.documents.readSlos(),
    context.documents.readEvents(),
    context.series.list(),
    context.documents.readScrapeErrors(ERRORS_READ),
    context.documents.readScalerHeartbeat(),
    context.documents.readEpoch(),
  ]);
  const problems = await context.documents.sourceProblems.list();

  const age = gauge(
    "predictor_forecast_age_seconds",
    "Seconds since the served forecast of a series was generated",
    ["origin", "metric"],
  );
  const info = gauge("predictor_forecast_info", "The model serving a series' forecast (value 1)", [
    "origin",
    "metric",
    "model",
    "version",
    "backend",
  ]);
  const mase = gauge(
    "predictor_forecast_mase",
    "Backtest MASE of the served model (under 1: better than the seasonal naive forecast)",
    ["origin", "metric"],
  );
  const smape = gauge("predictor_forecast_smape_percent", "Backtest sMAPE of the served model, in percent", [
    "origin",
    "metric",
  ]);
  for (const forecast of forecasts) {
    const series = { origin: forecast.origin, metric: forecast.metric };
    age.set(series, Math.max(0, (now - Date.parse(forecast.generatedAt)) / 1000));
    info.set(
      {
        ...series,
        model: forecast.model.kind,
        version: forecast.model.version,
        backend: forecast.model.backend ?? "",
      },
      1,
    );
    if (Number.isFinite(forecast.accuracy.mase)) mase.set(series, forecast.accuracy.mase);
    if (Number.isFinite(forecast.accuracy.smape)) smape.set(series, forecast.accuracy.smape);
  }

  const pointAge = gauge(
    "predictor_series_last_point_age_seconds",
    "Seconds since the start of the newest stored step of a series",
    ["origin", "metric"],
  );
  const latest = await Promise.all(
    ids.map(async (id) => ({ ...id, latest: await context.series.latest(id.origin, id.metric) })),
  );
  for (const { origin, metric, latest: t } of latest)
    if (t !== null) pointAge.set({ origin, metric }, Math.max(0, (now - t) / 1000));

  const target = gauge("predictor_slo_target_utilization", "Target utilisation of a pool's SLO", [
    "pool",
    "mode",
  ]);
  for (const slo of slos) target.set({ pool: slo.pool, mode: slo.mode }, slo.targetUtilization);

  const invalid = gauge(
    "predictor_invalid_documents",
    "Stored documents that could not be read (each is skipped)",
    ["kind"],
  );
  invalid.set({ kind: "forecast" }, badForecasts.length);
  invalid.set({ kind: "slo" }, badSlos.length);
  invalid.set({ kind: "event" }, badEvents.length);

  const scheduled = gauge(
    "predictor_scheduled_events",
    "Scheduled events not yet ended, by pool and state (active: under way now)",
    ["pool", "state"],
  );
  for (const event of events) {
    if (Date.parse(event.end) <= now) continue;
    scheduled.inc({ pool: event.pool, state: Date.parse(event.start) <= now ? "active" : "upcoming" });
  }

  const recent = gauge(
    "predictor_scrape_errors_recent",
    `Scrape errors in the last hour (of the newest ${ERRORS_READ} kept), by origin`,
    ["origin"],
  );
  for (const origin of new Set(ids.map((id) => id.origin))) recent.set({ origin }, 0);
  for (const error of errors) {
    if (now - Date.parse(error.at) <= RECENT_ERRORS_MS) recent.inc({ origin: error.origin || "unknown" });
  }
  const failing = gauge(
    "predictor_source_problems",
    "Data sources (scrape targets, Prometheus queries) failing now, by origin: a query that matches nothing counts",
    ["origin"],
  );
  for (const origin of new Set(ids.map((id) => id.origin))) failing.set({ origin }, 0);
  for (const problem of problems) failing.inc({ origin: problem.origin || "unknown" });
  if (heartbeat) {
    gauge(
      "predictor_scaler_last_evaluation_age_seconds",
      "Seconds since the scaler last completed an evaluation (absent when none ever did)",
      [],
    ).set(Math.max(0, (now - Date.parse(heartbeat.at)) / 1000));
    gauge("predictor_scaler_interval_seconds", "How often the scaler evaluates", []).set(
      heartbeat.intervalSeconds,
    );
  }
  if (epoch) {
    gauge(
      "predictor_redis_epoch_start_timestamp_seconds",
      "When the data in Redis began (its epoch): a change means Redis lost what it held",
      [],
    ).set(Date.parse(epoch.startedAt) / 1000);
    if (epoch.lost)
      gauge(
        "predictor_redis_data_loss_timestamp_seconds",
        "When a predictor found that Redis had lost its data (absent when this epoch replaced none)",
        [],
      ).set(Date.parse(epoch.lost.detectedAt) / 1000);
  }
  return { text: await registry.metrics(), contentType: registry.contentType };
}
