import * as v from "valibot";
import { originId } from "./names.ts";
import { boundedInteger, isoTimestamp } from "./validation.ts";

/** The per-origin series the predictor records and forecasts. */
export const METRICS = ["rps", "p95_ms", "error_rate", "cpu"] as const;
export type MetricName = (typeof METRICS)[number];
export const metricName = v.picklist(METRICS, `must be one of ${METRICS.join(", ")}`);

/** Default series step in seconds. */
export const DEFAULT_STEP_SECONDS = 60;

/** Why a series has no model yet: it trains once it has `need` observed points (the larger of
 * --min-train-points and 4 x horizon + 10) and had `have` at its last training attempt. */
export const seriesWaitingSchema = v.strictObject({
  have: v.pipe(v.number(), v.integer(), v.minValue(0)),
  need: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** The same in words: "waiting for 42 points, have 30". */
  reason: v.string(),
  /** When the training attempt found it (ISO). */
  at: isoTimestamp,
});
export type SeriesWaiting = v.InferOutput<typeof seriesWaitingSchema>;

/** The words of a wait, as the API, the dashboard and the log say it. */
export function waitingReason(have: number, need: number): string {
  return `waiting for ${need} points, have ${have}`;
}

/** A regular slice of one series as the predictor's API serves it: `values[i]` is the point at
 * `start + i * stepSeconds`; `null` is a gap (never scraped), not a zero. `waiting` says why the
 * series has no model (and so no forecast) yet, while it has none. */
export const seriesWindowSchema = v.strictObject({
  origin: originId,
  metric: metricName,
  stepSeconds: boundedInteger(1, 86_400),
  start: isoTimestamp,
  values: v.array(v.nullable(v.pipe(v.number(), v.finite()))),
  waiting: v.optional(seriesWaitingSchema),
});
export type SeriesWindow = v.InferOutput<typeof seriesWindowSchema>;
