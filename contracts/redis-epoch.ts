import * as v from "valibot";
import type { Validated } from "./validation.ts";
import { isoTimestamp, validateWith } from "./validation.ts";

const epochId = v.pipe(
  v.string("must be a string"),
  v.regex(/^[A-Za-z0-9-]{8,64}$/, "must be 8-64 letters, digits or '-'"),
);

/**
 * The Redis epoch (key `epoch`): written once, with SET NX, by the first predictor process that
 * finds none. Redis keeps no flag saying it lost its data (a restart without persistence, a
 * FLUSHALL, a failover to an empty replica all look like a fresh start), so a process that saw
 * one epoch and then finds none, or another, knows the data it shared was lost. `lost` says which
 * epoch this one replaced and when that was noticed. See docs/architecture.md.
 */
export const redisEpochSchema = v.strictObject({
  id: epochId,
  startedAt: isoTimestamp,
  /** The epoch whose data was lost, when a process that had seen it started this one. */
  lost: v.optional(v.strictObject({ id: epochId, detectedAt: isoTimestamp })),
});

export type RedisEpoch = v.InferOutput<typeof redisEpochSchema>;

export function validateRedisEpoch(input: unknown): Validated<RedisEpoch> {
  return validateWith(redisEpochSchema, input);
}
