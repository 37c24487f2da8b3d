import type { Queue } from "bullmq";

/** What the schedules depend on. */
export type ScheduleConfig = {
  stepSeconds: number;
  retrainIntervalSeconds: number;
  scrape: boolean;
  prometheus: boolean;
  /** The edge-analytics source is configured (absent: off). */
  edgeAnalytics?: boolean;
};

/** Options of every predictor job: transient failures retry three times with exponential
 * backoff; finished jobs are kept a while for inspection. */
export const PREDICTOR_JOB_OPTIONS = {
  removeOnComplete: 100,
  removeOnFail: 500,
  attempts: 3,
  backoff: { type: "exponential", delay: 1_000 },
} as const;

/**
 * Installs the repeatable jobs with BullMQ job schedulers (idempotent: every predictor process
 * upserts the same ones, and each fires once per interval whichever process runs it): scraping
 * and Prometheus pulls every step (each followed by that step's forecasts), and retraining of
 * every series every retrain interval. Schedulers for sources no longer configured are removed.
 */
export async function installSchedules(queue: Queue, config: ScheduleConfig): Promise<string[]> {
  const stepMs = config.stepSeconds * 1000;
  const installed: string[] = [];
  const every = async (id: string, ms: number, enabled: boolean) => {
    if (!enabled) {
      await queue.removeJobScheduler(id);
      return;
    }
    await queue.upsertJobScheduler(id, { every: ms }, { name: id, data: {}, opts: PREDICTOR_JOB_OPTIONS });
    installed.push(id);
  };
  await every("scrape", stepMs, config.scrape);
  await every("pull-prometheus", stepMs, config.prometheus);
  await every("pull-edge-analytics", stepMs, config.edgeAnalytics === true);
  // Without a source of its own, a process still forecasts every step (series written elsewhere).
  await every("forecast-all", stepMs, !config.scrape && !config.prometheus && config.edgeAnalytics !== true);
  await every("retrain-all", config.retrainIntervalSeconds * 1000, true);
  return installed;
}
