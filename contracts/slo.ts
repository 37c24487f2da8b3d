import * as v from "valibot";
import { poolName } from "./names.ts";
import type { Validated } from "./validation.ts";
import { boundedInteger, boundedNumber, keyFromPath, validateWith } from "./validation.ts";

export const SLO_MODES = ["off", "advise", "act"] as const;
export type SloMode = (typeof SLO_MODES)[number];

/** Schema of a pool's SLO, set by operators on the dashboard; drives the scaler. */
export const sloSchema = v.strictObject({
  pool: poolName,
  mode: v.picklist(SLO_MODES, "must be one of off, advise, act"),
  targetUtilization: boundedNumber(0.05, 1),
  p95LatencyMs: v.optional(boundedNumber(1, 600_000)),
  maxErrorRate: v.optional(boundedNumber(0, 1)),
  leadSeconds: boundedInteger(0, 86_400),
  scaleInCooldownSeconds: boundedInteger(0, 86_400),
});

export type Slo = v.InferOutput<typeof sloSchema>;

/** Validates an SLO; with `poolFromPath`, the body's pool (when given) must match it. */
export function validateSlo(input: unknown, poolFromPath?: string): Validated<Slo> {
  const { body, issues } =
    poolFromPath === undefined ? { body: input, issues: [] } : keyFromPath(input, "pool", poolFromPath);
  const result = validateWith(sloSchema, body);
  if (result.ok && issues.length === 0) return result;
  return { ok: false, issues: [...(result.ok ? [] : result.issues), ...issues] };
}
