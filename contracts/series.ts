import * as v from "valibot";
import { originId } from "./names.ts";
import { boundedInteger, isoTimestamp } from "./validation.ts";

/** The per-origin series the predictor records and forecasts. */
export const METRICS = ["rps", "p95_ms", "error_rate", "cpu"] as const;
export type MetricName = (typeof METRICS)[number];
export const metricName = v.picklist(METRICS, `must be one of ${METRICS.join(", ")}`);

/** Default series step in seconds. */
export const DEFAULT_STEP_SECONDS = 60;

/** A regular slice of one series as the predictor's API serves it: `values[i]` is the point at
 * `start + i * stepSeconds`; `null` is a gap (never scraped), not a zero. */
export const seriesWindowSchema = v.strictObject({
  origin: originId,
  metric: metricName,
  stepSeconds: boundedInteger(1, 86_400),
  start: isoTimestamp,
  values: v.array(v.nullable(v.pipe(v.number(), v.finite()))),
});
export type SeriesWindow = v.InferOutput<typeof seriesWindowSchema>;
