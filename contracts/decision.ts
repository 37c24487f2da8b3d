import * as v from "valibot";
import { originId, poolName } from "./names.ts";
import { SLO_MODES } from "./slo.ts";
import type { Validated } from "./validation.ts";
import { isoTimestamp, validateWith } from "./validation.ts";

export const DECISION_ACTIONS = ["scale-out", "scale-in", "reweight", "spill", "hold"] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

const optionalFinite = v.optional(v.pipe(v.number(), v.finite()));

/** Schema of a scaling decision, applied or advised, as appended to the decisions stream. */
export const decisionSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  at: isoTimestamp,
  pool: poolName,
  origin: v.optional(originId),
  mode: v.picklist(SLO_MODES),
  action: v.picklist(DECISION_ACTIONS),
  reason: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
  forecastPeak: optionalFinite,
  capacity: optionalFinite,
  threshold: optionalFinite,
  from: v.optional(v.unknown()),
  to: v.optional(v.unknown()),
  applied: v.boolean(),
  error: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

export type Decision = v.InferOutput<typeof decisionSchema>;

/** Validates a decision. */
export function validateDecision(input: unknown): Validated<Decision> {
  return validateWith(decisionSchema, input);
}
