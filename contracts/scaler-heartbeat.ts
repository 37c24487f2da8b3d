import * as v from "valibot";
import type { Validated } from "./validation.ts";
import { boundedNumber, isoTimestamp, validateWith } from "./validation.ts";

/**
 * Written by the scaler after each evaluation it completes (Redis key `scalerHeartbeat`), read
 * by the predictor so its dashboard and metrics can tell a quiet scaler from a stopped one.
 * An extension of the Redis documents (docs/architecture.md, "Redis keys").
 */
export const scalerHeartbeatSchema = v.strictObject({
  /** When the last evaluation completed. */
  at: isoTimestamp,
  /** How often evaluations are scheduled. */
  intervalSeconds: boundedNumber(1, 86_400),
});

export type ScalerHeartbeat = v.InferOutput<typeof scalerHeartbeatSchema>;

export function validateScalerHeartbeat(input: unknown): Validated<ScalerHeartbeat> {
  return validateWith(scalerHeartbeatSchema, input);
}

/** Evaluations may be this many intervals late (a retry, a busy worker) before the scaler is
 * reported silent. */
export const SCALER_SILENT_AFTER_INTERVALS = 3;
