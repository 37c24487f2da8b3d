import type { Queue } from "bullmq";
import type { MetricName, ModelKind } from "../../contracts/index.ts";
import { QUEUE_NAMES } from "../../contracts/index.ts";
import { trainJobId } from "./job-data.ts";

/**
 * The queue of the LSTM lane: trainings of the series whose metrics `--lstm-metrics` names, with
 * every `--models` kind, LSTM included, taken by a process with the `lstm` role. An LSTM training
 * takes tens of seconds of CPU where the classical models take well under one; on its own queue,
 * in its own process (at a lower priority), it never holds up a scrape or a forecast.
 */
export const LSTM_QUEUE = `${QUEUE_NAMES.predictor}-lstm`;

/** Where a worker sends the LSTM trainings of some series: the lane's queue and its metrics. */
export type LstmLane = { queue: Queue; metrics: readonly MetricName[] };

/** The kinds a worker trains itself: with an LSTM lane the LSTM is left to the lane. */
export function workerKinds(
  models: readonly ModelKind[] | null,
  lane: boolean,
  all: readonly ModelKind[],
): readonly ModelKind[] | null {
  if (!lane) return models;
  return (models ?? all).filter((kind) => kind !== "lstm");
}

/** True when the lane trains this series. */
export function inLane(lane: LstmLane | undefined, metric: MetricName): lane is LstmLane {
  return lane !== undefined && lane.metrics.includes(metric);
}

/** Offers the lane one training of a series in a period (the job id keeps it to one). */
export async function offerToLane(
  lane: LstmLane,
  series: { origin: string; metric: MetricName },
  period: number,
): Promise<void> {
  await lane.queue.add("train", series, { jobId: trainJobId(series.origin, series.metric, `lstm${period}`) });
}
