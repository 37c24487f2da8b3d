import type { Job, Queue } from "bullmq";
import { DelayedError, UnrecoverableError } from "bullmq";
import type { MetricName, ModelKind, Rng } from "../../contracts/index.ts";
import { MODEL_KINDS } from "../../contracts/index.ts";
import type { ModelRegistry } from "../forecasting/model-registry.ts";
import { forecastSeries } from "../forecasting/forecast-service.ts";
import type { TrainOutcome } from "../forecasting/train-service.ts";
import { trainSeries } from "../forecasting/train-service.ts";
import type { LstmOptions } from "../models/types.ts";
import type { EdgeAnalyticsPuller } from "../sources/edge-analytics-service.ts";
import type { FetchText } from "../sources/fetch-text.ts";
import type { PrometheusSource } from "../sources/prometheus-range.ts";
import { pullPrometheus } from "../sources/prometheus-service.ts";
import type { ScrapeTarget } from "../sources/scrape-service.ts";
import { scrapeTargets } from "../sources/scrape-service.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { ForecastHistory } from "../store/forecast-history.ts";
import type { ScrapeStateStore } from "../store/scrape-state.ts";
import type { SeriesStore } from "../store/series-store.ts";
import { trainJobId, validateJob } from "./job-data.ts";
import type { LstmLane } from "./lstm-lane.ts";
import { inLane, offerToLane } from "./lstm-lane.ts";
import type { ProgressReporter } from "./training-progress.ts";

/** Everything the jobs work with, injected by the composition root (main.ts) or a test. The
 * queue's default job options (attempts, backoff, retention) apply to the jobs fanned out here. */
export type PredictorContext = {
  queue: Queue;
  series: SeriesStore;
  documents: DocumentStore;
  /** Remembers past forecasts for the dashboard's review (optional: tests may leave it out). */
  history?: ForecastHistory;
  state: ScrapeStateStore;
  registry: ModelRegistry;
  targets: readonly ScrapeTarget[];
  prometheus: PrometheusSource | null;
  /** The edge-analytics source (reads the edge's Analytics Engine dataset), when configured. */
  edgeAnalytics?: EdgeAnalyticsPuller | null;
  fetchText: FetchText;
  now: () => number;
  rng: () => Rng;
  horizon: number;
  retrainIntervalMs: number;
  minTrainPoints: number;
  maxScrapeBytes: number;
  /** Trainings this process runs at once; a train job beyond that waits for another worker. */
  maxTrainings: number;
  kinds?: readonly ModelKind[];
  lstm?: LstmOptions;
  /** Where the series of some metrics are retrained with the LSTM (the lstm role's queue). */
  lstmLane?: LstmLane;
  log: (line: string) => void;
  progress: (title: string) => ProgressReporter;
};

/** How long a train job that found this process busy waits before it is offered again. */
const BUSY_RETRY_MS = 5_000;

/**
 * The predictor's job processor. Bad job data fails at once as UnrecoverableError (retrying
 * cannot fix it); anything else thrown is transient and retried with the queue's backoff.
 */
export function createJobProcessor(
  context: PredictorContext,
): (job: Job, token?: string) => Promise<unknown> {
  let trainings = 0;
  return async (job, token) => {
    const checked = validateJob(job.name, job.data);
    if (!checked.ok)
      throw new UnrecoverableError(
        `invalid job ${job.name}: ${checked.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
      );
    const series = checked.data as { origin: string; metric: MetricName };
    switch (checked.name) {
      case "scrape": {
        const round = await scrapeTargets(context.targets, { ...context, maxBytes: context.maxScrapeBytes });
        await enqueueForecastAll(context);
        return round;
      }
      case "pull-prometheus": {
        if (!context.prometheus) return { skipped: "no Prometheus source is configured" };
        const round = await pullPrometheus(context.prometheus, context);
        await enqueueForecastAll(context);
        return round;
      }
      case "pull-edge-analytics": {
        if (!context.edgeAnalytics) return { skipped: "no edge-analytics source is configured" };
        const round = await context.edgeAnalytics.pull();
        await enqueueForecastAll(context);
        return round;
      }
      case "forecast-all":
        return forecastAll(context);
      case "forecast": {
        const outcome = await forecastSeries(series.origin, series.metric, context);
        return outcome.status === "forecast"
          ? { status: outcome.status, model: outcome.forecast.model.kind }
          : outcome;
      }
      case "retrain-all":
        return retrainAll(context);
      case "train": {
        if (trainings >= context.maxTrainings) {
          // Busy: hand the job back so an idle worker (maybe on another machine) takes it.
          await job.moveToDelayed(context.now() + BUSY_RETRY_MS, token);
          throw new DelayedError();
        }
        // Both the retraining round and a new series' first offer can queue a training of the
        // same series at start; the one that runs second finds a model newer than itself. A
        // newer model counts only if it tried every kind this process trains: the LSTM lane
        // still trains a series the classical models alone were trained on since.
        const kinds = context.kinds ?? MODEL_KINDS;
        const fresh = await context.registry.use(series.origin, series.metric, ({ saved }) =>
          Promise.resolve(
            saved.stepSeconds === context.series.stepSeconds &&
              Date.parse(saved.model.trainedAt) >= job.timestamp &&
              kinds.every((kind) => kind in saved.scores || kind in saved.skipped),
          ),
        );
        if (fresh === true)
          return { status: "skipped", reason: "a model was trained since this job was queued" };
        trainings++;
        // Made on the first progress: a series still gathering data shows nothing.
        let reporter = null as ProgressReporter | null;
        let lastReport = 0;
        try {
          const outcome = await trainSeries(series.origin, series.metric, {
            ...context,
            minPoints: context.minTrainPoints,
            onProgress: (fraction, label) => {
              reporter ??= context.progress(`training ${series.origin}/${series.metric}`);
              reporter.update(fraction, label);
              const percent = Math.floor(fraction * 100);
              if (percent > lastReport) {
                lastReport = percent;
                void job.updateProgress(percent).catch(() => undefined);
              }
            },
          });
          reporter?.stop(
            outcome.status === "trained"
              ? `serving ${outcome.kind} (${outcome.version}), trained in ${outcome.seconds.toFixed(1)} s`
              : `waiting: ${outcome.reason}`,
          );
          await recordWaiting(context, series.origin, series.metric, outcome);
          if (outcome.status === "trained") {
            await forecastSeries(series.origin, series.metric, context);
            // Served by the classical models from now on; the lane adds the LSTM when it can.
            if (inLane(context.lstmLane, series.metric))
              await offerToLane(context.lstmLane, series, retrainPeriod(context));
          }
          return outcome;
        } catch (error) {
          reporter?.stop(`failed: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        } finally {
          trainings--;
        }
      }
    }
  };
}

/** Keeps why a series has no model yet beside it (the API and the dashboard show it) and says so
 * in the log once: when it starts waiting, or waits for another number of points. */
async function recordWaiting(
  context: PredictorContext,
  origin: string,
  metric: MetricName,
  outcome: TrainOutcome,
): Promise<void> {
  if (outcome.status !== "waiting") {
    await context.series.recordWaiting(origin, metric, null);
    return;
  }
  const { have, need, reason } = outcome;
  const at = new Date(context.now()).toISOString();
  if (await context.series.recordWaiting(origin, metric, { have, need, reason, at }))
    context.log(
      `${origin}/${metric} has no model yet: ${reason} (a series trains after max(--min-train-points, 4 x horizon + 10) observed points)`,
    );
}

/** After new data, one forecast-all per step (the job id keeps a second one out). */
async function enqueueForecastAll(context: PredictorContext): Promise<void> {
  const bucket = context.series.bucketOf(context.now());
  await context.queue.add("forecast-all", {}, { jobId: `forecast-all-${bucket}` });
}

/** Fans out one forecast job per series; series without a model get a training job. */
async function forecastAll(context: PredictorContext): Promise<{ forecasts: number; trainings: number }> {
  const all = await context.series.list();
  const now = context.now();
  const bucket = context.series.bucketOf(now);
  // A series still gathering data is offered for training every ten steps until it trains.
  const newPeriod = `new${Math.floor(now / (10 * context.series.stepMs))}`;
  const jobs: Parameters<Queue["addBulk"]>[0] = [];
  let trainings = 0;
  for (const { origin, metric } of all) {
    const trained = await context.registry.use(origin, metric, (serving) =>
      Promise.resolve(serving.saved.stepSeconds === context.series.stepSeconds),
    );
    if (trained) {
      jobs.push({
        name: "forecast",
        data: { origin, metric },
        opts: { jobId: `forecast-${origin}-${metric}-${bucket}` },
      });
    } else {
      trainings++;
      jobs.push({
        name: "train",
        data: { origin, metric },
        opts: { jobId: trainJobId(origin, metric, newPeriod) },
      });
    }
  }
  if (jobs.length > 0) await context.queue.addBulk(jobs);
  return { forecasts: jobs.length - trainings, trainings };
}

/** Fans out one training job per series for this retraining period: the LSTM lane's series to
 * the lane, the others to this queue. */
async function retrainAll(context: PredictorContext): Promise<{ trainings: number }> {
  const all = await context.series.list();
  const period = retrainPeriod(context);
  const lane = context.lstmLane;
  for (const series of all) if (inLane(lane, series.metric)) await offerToLane(lane, series, period);
  await context.queue.addBulk(
    all
      .filter(({ metric }) => !inLane(lane, metric))
      .map(({ origin, metric }) => ({
        name: "train",
        data: { origin, metric },
        opts: { jobId: trainJobId(origin, metric, period) },
      })),
  );
  return { trainings: all.length };
}

function retrainPeriod(context: PredictorContext): number {
  return Math.floor(context.now() / context.retrainIntervalMs);
}
