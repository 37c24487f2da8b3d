import * as v from "valibot";
import { originId } from "./names.ts";
import type { Validated } from "./validation.ts";
import { boundedInteger, boundedNumber, isoTimestamp, plainRecord, validateWith } from "./validation.ts";

const originHealthSchema = v.strictObject({
  healthy: v.boolean("must be true or false"),
  status: v.optional(boundedInteger(0, 999)),
  rttMs: v.optional(boundedNumber(0, 3_600_000)),
  error: v.optional(
    v.pipe(v.string("must be a string"), v.maxLength(1000, "must be at most 1000 characters")),
  ),
  consecutiveFailures: boundedInteger(0, Number.MAX_SAFE_INTEGER),
  /** An extension (docs/architecture.md, "Health report"), optional so older readers and writers
   * still agree: probes passed in a row, so an unhealthy origin is restored only after the rise
   * threshold. */
  consecutiveSuccesses: v.optional(boundedInteger(0, Number.MAX_SAFE_INTEGER)),
});

/** Schema of the health report (KV key `health`), written by the cron trigger's active checks. */
export const healthReportSchema = v.strictObject({
  checkedAt: isoTimestamp,
  origins: plainRecord(originId, originHealthSchema),
});

export type HealthReport = v.InferOutput<typeof healthReportSchema>;
export type OriginHealth = HealthReport["origins"][string];

/** Validates a health report. */
export function validateHealthReport(input: unknown): Validated<HealthReport> {
  return validateWith(healthReportSchema, input);
}
