import * as v from "valibot";
import { metricName, originId, validateWith } from "../../contracts/index.ts";
import type { ValidationIssue } from "../../contracts/index.ts";

/** The jobs on the predictor's queue. */
export const JOB_NAMES = [
  "scrape",
  "pull-prometheus",
  "pull-edge-analytics",
  "forecast-all",
  "forecast",
  "retrain-all",
  "train",
] as const;
export type JobName = (typeof JOB_NAMES)[number];

const empty = v.strictObject({});
const series = v.strictObject({ origin: originId, metric: metricName });

/** Schema of each job's data. */
export const JOB_DATA = {
  scrape: empty,
  "pull-prometheus": empty,
  "pull-edge-analytics": empty,
  "forecast-all": empty,
  forecast: series,
  "retrain-all": empty,
  train: series,
} as const satisfies Record<JobName, v.GenericSchema>;

export type JobData<N extends JobName> = v.InferOutput<(typeof JOB_DATA)[N]>;

/** Checks a job's name and data; the issues explain what is wrong (the job must not retry). */
export function validateJob(
  name: string,
  data: unknown,
): { ok: true; name: JobName; data: unknown } | { ok: false; issues: ValidationIssue[] } {
  if (!(JOB_NAMES as readonly string[]).includes(name))
    return {
      ok: false,
      issues: [{ path: "name", message: `unknown job "${name}"; expected one of ${JOB_NAMES.join(", ")}` }],
    };
  const jobName = name as JobName;
  const checked = validateWith(JOB_DATA[jobName], data);
  return checked.ok
    ? { ok: true, name: jobName, data: checked.value }
    : { ok: false, issues: checked.issues };
}

/** A BullMQ job id for one series' training in one period: the queue keeps at most one. */
export function trainJobId(origin: string, metric: string, period: number | string): string {
  // BullMQ job ids may not contain ":".
  return `train-${origin}-${metric}-${period}`;
}
