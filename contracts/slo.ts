import * as v from "valibot";
import { poolName } from "./names.ts";
import type { Validated } from "./validation.ts";
import { boundedInteger, boundedNumber, keyFromPath, validateWith } from "./validation.ts";

export const SLO_MODES = ["off", "advise", "act"] as const;
export type SloMode = (typeof SLO_MODES)[number];

/** The range of an SLO's violation budget: a share of time. */
export const VIOLATION_BUDGET_RANGE = { min: 0, max: 0.5 } as const;
/** The range of an SLO's spend ceiling: replica-minutes paid per replica-minute the load needs. */
export const SPEND_CEILING_RANGE = { min: 1, max: 10 } as const;

/** Schema of a pool's SLO, set by operators on the dashboard; drives the scaler. It states at most
 * one trade-off between violations and spend (see docs/scaling-policy.md#the-one-trade-off). */
export const sloSchema = v.pipe(
  v.strictObject({
    pool: poolName,
    mode: v.picklist(SLO_MODES, "must be one of off, advise, act"),
    targetUtilization: boundedNumber(0.05, 1),
    p95LatencyMs: v.optional(boundedNumber(1, 600_000)),
    maxErrorRate: v.optional(boundedNumber(0, 1)),
    leadSeconds: boundedInteger(0, 86_400),
    scaleInCooldownSeconds: boundedInteger(0, 86_400),
    /** Share of time an origin of the pool may run above the target where sizing could have
     * prevented it. */
    violationBudget: v.optional(boundedNumber(VIOLATION_BUDGET_RANGE.min, VIOLATION_BUDGET_RANGE.max)),
    /** Most the pool may spend: replica-minutes provisioned per replica-minute its load needs at
     * the target utilisation. */
    spendCeiling: v.optional(boundedNumber(SPEND_CEILING_RANGE.min, SPEND_CEILING_RANGE.max)),
  }),
  v.forward(
    v.partialCheck(
      [["violationBudget"], ["spendCeiling"]],
      (slo) => slo.violationBudget === undefined || slo.spendCeiling === undefined,
      "cannot be set together with violationBudget: an SLO states one trade-off, a violation budget or a spend ceiling",
    ),
    ["spendCeiling"],
  ),
);

export type Slo = v.InferOutput<typeof sloSchema>;

/** Validates an SLO; with `poolFromPath`, the body's pool (when given) must match it. */
export function validateSlo(input: unknown, poolFromPath?: string): Validated<Slo> {
  const { body, issues } =
    poolFromPath === undefined ? { body: input, issues: [] } : keyFromPath(input, "pool", poolFromPath);
  const result = validateWith(sloSchema, body);
  if (result.ok && issues.length === 0) return result;
  return { ok: false, issues: [...(result.ok ? [] : result.issues), ...issues] };
}
