import * as v from "valibot";
import { originId, poolName } from "./names.ts";
import type { Validated } from "./validation.ts";
import { boundedNumber, documentVersion, isoTimestamp, plainRecord, validateWith } from "./validation.ts";

/** Largest weight factor the scaler may set on an origin. */
export const MAX_WEIGHT_FACTOR = 10;

/** Schema of the weights overlay (KV key `weights`), written by the scaler. */
export const weightsOverlaySchema = v.strictObject({
  version: documentVersion,
  updatedAt: isoTimestamp,
  expiresAt: isoTimestamp,
  factors: plainRecord(originId, boundedNumber(0, MAX_WEIGHT_FACTOR)),
  spill: v.optional(plainRecord(poolName, boundedNumber(0, 1))),
  reason: v.optional(
    v.pipe(v.string("must be a string"), v.maxLength(2000, "must be at most 2000 characters")),
  ),
});

export type WeightsOverlay = v.InferOutput<typeof weightsOverlaySchema>;

/** Validates a weights overlay. */
export function validateWeightsOverlay(input: unknown): Validated<WeightsOverlay> {
  return validateWith(weightsOverlaySchema, input);
}

/** True while the overlay applies: a dead scaler cannot pin traffic past `expiresAt`. */
export function isOverlayActive(overlay: WeightsOverlay, nowMs: number): boolean {
  return Date.parse(overlay.expiresAt) > nowMs;
}
