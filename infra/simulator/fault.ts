import * as v from "valibot";
import type { Validated } from "../../contracts/index.ts";
import { boundedInteger, boundedNumber, validateWith } from "../../contracts/index.ts";

const seconds = v.optional(boundedNumber(0.001, 86_400));

/**
 * Body of `POST /__sim/fault`. `seconds` clears the fault after that long (required for
 * `refuse`, since the origin stops listening and could not hear the request that ends it).
 * - none: behave normally
 * - refuse: stop listening (clients get ECONNREFUSED; open connections are reset)
 * - error: answer every request (and /healthz) with `status` (default 503) at once
 * - slow: multiply service times by `factor` (default 5), so capacity falls by as much
 * - hang: accept requests (and /healthz) and never answer; connections are reset when it clears
 */
export const faultSchema = v.variant(
  "mode",
  [
    v.strictObject({ mode: v.literal("none") }, 'mode "none" takes no other field'),
    v.strictObject(
      { mode: v.literal("refuse"), seconds: boundedNumber(0.001, 86_400) },
      'mode "refuse" takes seconds (required: the origin stops listening, so only time can end it)',
    ),
    v.strictObject(
      { mode: v.literal("error"), status: v.optional(boundedInteger(500, 599)), seconds },
      'mode "error" takes status (500-599) and seconds, both optional',
    ),
    v.strictObject(
      { mode: v.literal("slow"), factor: v.optional(boundedNumber(1, 1000)), seconds },
      'mode "slow" takes factor (1-1000) and seconds, both optional',
    ),
    v.strictObject({ mode: v.literal("hang"), seconds }, 'mode "hang" takes seconds, optional'),
  ],
  "must be one of none, refuse, error, slow, hang",
);

export type Fault = v.InferOutput<typeof faultSchema>;
export type FaultMode = Fault["mode"];

/** The fault in force and, when it clears itself, when (ISO-8601). */
export type FaultState = { mode: FaultMode; status?: number; factor?: number; until?: string };

/** Validates a fault request body. */
export function validateFault(input: unknown): Validated<Fault> {
  return validateWith(faultSchema, input);
}
