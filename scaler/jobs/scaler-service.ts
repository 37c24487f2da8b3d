import type { Job } from "bullmq";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { isOutageError } from "../../node-shared/redis-connection.ts";
import { runApplyWeights } from "./apply-weights-job.ts";
import { runEvaluate } from "./evaluate-job.ts";
import type { JobContext } from "./job-context.ts";
import { JOB_NAMES } from "./job-data.ts";
import { runScale } from "./scale-job.ts";

/** Queue settings: name (unique per deployment or test), BullMQ key prefix, retries. */
export type QueueSettings = {
  name: string;
  prefix?: string;
  attempts: number;
  backoffMs: number;
  concurrency: number;
  intervalSeconds: number;
  lockMs?: number;
};

/** Opens the scaler's queue with its default job options: retries with exponential back-off,
 * finished jobs kept a day so their ids keep de-duplicating. */
export function openScalerQueue(connection: Redis, settings: QueueSettings): Queue {
  return new Queue(settings.name, {
    connection,
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
    defaultJobOptions: {
      attempts: settings.attempts,
      backoff: { type: "exponential", delay: settings.backoffMs },
      removeOnComplete: { age: 86_400, count: 5_000 },
      removeOnFail: { age: 7 * 86_400, count: 5_000 },
    },
  });
}

/** Runs one job of the scaler's queue by its name; an unknown name fails for good. */
export function scalerProcessor(ctx: Omit<JobContext, "queue">, queue: Queue) {
  const full: JobContext = { ...ctx, queue };
  return async (job: Job): Promise<unknown> => {
    if (job.name === JOB_NAMES.evaluate) return runEvaluate(job, full);
    if (job.name === JOB_NAMES.applyWeights) return runApplyWeights(job, full);
    if (job.name === JOB_NAMES.scale) return runScale(job, full);
    throw new UnrecoverableError(`unknown job name "${job.name}" on the scaler queue`);
  };
}

/** A running scaler: its queue, its worker, a way to (re)install its schedule, and a way to stop. */
export type ScalerService = {
  queue: Queue;
  worker: Worker;
  installSchedule(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Starts the scaler: schedules the repeatable `evaluate` job (upserting one scheduler by id, so
 * any number of scaler processes keep exactly one schedule) and a worker for all three jobs.
 * More processes on the same Redis add capacity; the evaluation lock and the deterministic job
 * ids keep them from acting twice on one decision.
 */
export async function startScalerService(
  connection: Redis,
  settings: QueueSettings,
  ctx: Omit<JobContext, "queue">,
  autorun = true,
): Promise<ScalerService> {
  const queue = openScalerQueue(connection, settings);
  // Without a listener BullMQ prints each connection error with its stack.
  queue.on("error", (error) => {
    if (!isOutageError(error, connection)) ctx.log("error", `queue error: ${error.message}`);
  });
  const installSchedule = async () => {
    await queue.upsertJobScheduler(
      JOB_NAMES.evaluate,
      { every: settings.intervalSeconds * 1000 },
      {
        name: JOB_NAMES.evaluate,
        data: {},
        opts: { attempts: 3, backoff: { type: "exponential", delay: settings.backoffMs } },
      },
    );
  };
  await installSchedule();
  const worker = new Worker(settings.name, scalerProcessor(ctx, queue), {
    connection,
    autorun,
    concurrency: settings.concurrency,
    // A job whose process died keeps its lock until it lapses; the stalled check then hands it
    // to another worker, so both bound how long a killed scaler's job waits.
    ...(settings.lockMs !== undefined
      ? { lockDuration: settings.lockMs, stalledInterval: settings.lockMs }
      : {}),
    ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}),
  });
  worker.on("failed", (job, error) => {
    const final =
      error instanceof UnrecoverableError ||
      (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
    ctx.log(
      final ? "error" : "warn",
      `${job?.name ?? "job"} ${job?.id ?? ""} ${final ? "failed for good" : "failed, will retry"}: ${error.message}`,
    );
    ctx.metrics?.jobFailed(job?.name ?? "unknown", final);
  });
  // A Redis outage is reported once by the connection's watcher, not at each reconnection attempt.
  worker.on("error", (error) => {
    if (!isOutageError(error, connection)) ctx.log("error", `worker error: ${error.message}`);
  });
  return {
    queue,
    worker,
    installSchedule,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
