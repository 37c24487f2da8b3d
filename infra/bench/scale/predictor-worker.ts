// A predictor worker as the benchmark runs it: the real job processor and a BullMQ worker on the
// benchmark's Redis, with the model kinds it may train restricted (in-process, or as a child
// process: `tsx infra/bench/scale/predictor-worker.ts`, configured through BENCH_* variables).
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { ModelKind } from "../../../contracts/index.ts";
import { MODEL_KINDS, QUEUE_NAMES, redisKeys, seededRng } from "../../../contracts/index.ts";
import { ModelRegistry } from "../../../predictor/forecasting/model-registry.ts";
import { createJobProcessor } from "../../../predictor/jobs/processor.ts";
import { PREDICTOR_JOB_OPTIONS } from "../../../predictor/jobs/schedules.ts";
import { ModelFiles } from "../../../predictor/model-store/model-files.ts";
import type { LstmOptions } from "../../../predictor/models/types.ts";
import { fetchText } from "../../../predictor/sources/fetch-text.ts";
import { DocumentStore } from "../../../predictor/store/documents.ts";
import { ForecastHistory } from "../../../predictor/store/forecast-history.ts";
import { ScrapeStateStore } from "../../../predictor/store/scrape-state.ts";
import { benchSeriesStore } from "./bench-world.ts";

export type WorkerSettings = {
  redis: Redis;
  prefix: string;
  modelDir: string;
  kinds: readonly ModelKind[];
  lstm?: LstmOptions;
  concurrency: number;
  retentionDays: number;
};

/** The predictor's queue under `prefix`, as main.ts opens it. */
export function predictorQueue(redis: Redis, prefix: string): Queue {
  return new Queue(QUEUE_NAMES.predictor, {
    connection: redis,
    prefix: `${prefix}:bull`,
    defaultJobOptions: PREDICTOR_JOB_OPTIONS,
  });
}

/** Starts a worker like `predictor/main.ts --roles worker` (one training at a time). */
export function startPredictorWorker(settings: WorkerSettings): {
  worker: Worker;
  queue: Queue;
  close(): Promise<void>;
} {
  const { redis, prefix } = settings;
  const queue = predictorQueue(redis, prefix);
  const series = benchSeriesStore(redis, prefix, settings.retentionDays);
  const processor = createJobProcessor({
    queue,
    series,
    documents: new DocumentStore(redis, redisKeys(prefix)),
    history: new ForecastHistory(redis, prefix, 5, 2 * 86_400),
    state: new ScrapeStateStore(redis, prefix),
    registry: new ModelRegistry(new ModelFiles(settings.modelDir)),
    targets: [],
    prometheus: null,
    fetchText,
    now: Date.now,
    rng: () => seededRng(3),
    horizon: 15,
    retrainIntervalMs: 6 * 3_600_000,
    minTrainPoints: 120,
    maxScrapeBytes: 16 * 1024 * 1024,
    maxTrainings: 1,
    kinds: settings.kinds,
    ...(settings.lstm ? { lstm: settings.lstm } : {}),
    log: () => undefined,
    progress: () => ({ update: () => undefined, stop: () => undefined }),
  });
  const worker = new Worker(QUEUE_NAMES.predictor, processor, {
    connection: redis,
    prefix: `${prefix}:bull`,
    concurrency: settings.concurrency,
    lockDuration: 120_000,
  });
  worker.on("error", () => undefined);
  return {
    worker,
    queue,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

// As a child process: one worker per process, until SIGTERM.
if (process.argv[1]?.endsWith("predictor-worker.ts")) {
  const kinds = (process.env.BENCH_KINDS ?? "")
    .split(",")
    .filter((k): k is ModelKind => (MODEL_KINDS as readonly string[]).includes(k));
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? "", { maxRetriesPerRequest: null });
  const epochs = Number(process.env.BENCH_LSTM_EPOCHS ?? "");
  const running = startPredictorWorker({
    redis,
    prefix: process.env.BENCH_PREFIX ?? "train",
    modelDir: process.env.BENCH_MODEL_DIR ?? "",
    kinds,
    concurrency: 1,
    retentionDays: Number(process.env.BENCH_RETENTION_DAYS ?? "14"),
    ...(epochs > 0 ? { lstm: { epochs } } : {}),
  });
  await running.worker.waitUntilReady();
  process.stdout.write("ready\n");
  process.once("SIGTERM", () => {
    void running.close().then(() => {
      redis.disconnect();
      process.exit(0);
    });
  });
}
