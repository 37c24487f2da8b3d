import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import { Queue, Worker } from "bullmq";
import type { MetricName, ModelKind } from "../../contracts/index.ts";
import { manualClock, QUEUE_NAMES, redisKeys, seededRng } from "../../contracts/index.ts";
import { ModelRegistry } from "../../predictor/forecasting/model-registry.ts";
import { LSTM_QUEUE } from "../../predictor/jobs/lstm-lane.ts";
import type { PredictorContext } from "../../predictor/jobs/processor.ts";
import { createJobProcessor } from "../../predictor/jobs/processor.ts";
import { PREDICTOR_JOB_OPTIONS } from "../../predictor/jobs/schedules.ts";
import { ModelFiles } from "../../predictor/model-store/model-files.ts";
import type { ScrapeTarget } from "../../predictor/sources/scrape-service.ts";
import { fetchText } from "../../predictor/sources/fetch-text.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { ScrapeStateStore } from "../../predictor/store/scrape-state.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

/** A predictor wired to a real Redis (unique prefix), a real BullMQ queue and worker, a temporary
 * model directory and a manual clock; `close()` undoes all of it. */
export async function openPredictor(
  options: {
    targets?: ScrapeTarget[];
    stepSeconds?: number;
    kinds?: readonly ModelKind[];
    startMs?: number;
    /** Series of these metrics are handed to the LSTM lane's queue (`lane`). */
    lstmMetrics?: readonly MetricName[];
  } = {},
) {
  const test: TestRedis = await openTestRedis("predictor");
  const modelDir = await mkdtemp(path.join(tmpdir(), "headroom-models-"));
  const clock = manualClock(options.startMs ?? Date.UTC(2026, 0, 5, 12));
  const keys = redisKeys(test.prefix);
  const series = new SeriesStore(test.redis, keys, options.stepSeconds ?? 60, 86_400);
  const documents = new DocumentStore(test.redis, keys);
  const prefix = `${test.prefix}:bull`;
  const queue = new Queue(QUEUE_NAMES.predictor, {
    connection: test.redis,
    prefix,
    defaultJobOptions: PREDICTOR_JOB_OPTIONS,
  });
  const registry = new ModelRegistry(new ModelFiles(modelDir));
  const lane = options.lstmMetrics
    ? new Queue(LSTM_QUEUE, { connection: test.redis, prefix, defaultJobOptions: PREDICTOR_JOB_OPTIONS })
    : null;
  const context: PredictorContext = {
    queue,
    series,
    documents,
    registry,
    state: new ScrapeStateStore(test.redis, test.prefix),
    targets: options.targets ?? [],
    prometheus: null,
    fetchText,
    now: clock,
    rng: () => seededRng(11),
    horizon: 5,
    retrainIntervalMs: 3_600_000,
    minTrainPoints: 100,
    maxScrapeBytes: 1024 * 1024,
    maxTrainings: 1,
    kinds: options.kinds,
    lstm: { units: 4, window: 4, epochs: 2, maxWindows: 64, seed: 1 },
    log: () => undefined,
    progress: () => ({ update: () => undefined, stop: () => undefined }),
    ...(lane && options.lstmMetrics ? { lstmLane: { queue: lane, metrics: options.lstmMetrics } } : {}),
  };
  const worker = new Worker(QUEUE_NAMES.predictor, createJobProcessor(context), {
    connection: test.redis,
    prefix,
    concurrency: 4,
  });
  return {
    test,
    context,
    clock,
    queue,
    lane,
    prefix,
    worker,
    modelDir,
    keys,
    /** Waits for the job with this id to complete (its return value) or fail (its error). */
    finished(
      id: string,
    ): Promise<{ status: "completed"; value: unknown } | { status: "failed"; error: Error; job: Job }> {
      return new Promise((resolve) => {
        const onCompleted = (job: Job, value: unknown) => {
          if (job.id === id) {
            off();
            resolve({ status: "completed", value });
          }
        };
        const onFailed = (job: Job | undefined, error: Error) => {
          // A failure that will be retried is not the end of the job.
          if (
            job?.id === id &&
            (job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === "UnrecoverableError")
          ) {
            off();
            resolve({ status: "failed", error, job });
          }
        };
        const off = () => {
          worker.off("completed", onCompleted);
          worker.off("failed", onFailed);
        };
        worker.on("completed", onCompleted);
        worker.on("failed", onFailed);
      });
    },
    async close() {
      await worker.close();
      await queue.close();
      await lane?.close();
      await test.cleanup();
      await rm(modelDir, { recursive: true, force: true });
    },
  };
}
