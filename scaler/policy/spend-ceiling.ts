import type { Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import { isScalable, replicasFor } from "./replica-plan.ts";
import type { OriginState, PolicyTuning } from "./types.ts";
import { MAX_ADAPTED_QUANTILE, MIN_ADAPTED_QUANTILE } from "./violation-budget.ts";

/** Replicas the load needs at the target utilisation (at least one), as a replay counts them. */
export function replicasNeeded(load: number, perReplica: number, targetUtilization: number): number {
  return Math.max(1, replicasFor(load, perReplica, targetUtilization));
}

/** Replicas an origin pays for now: those serving and, during a scale-out, those booting. */
export function replicasProvisioned(view: OriginView & { serving: number }): number {
  return Math.max(view.serving, view.request?.replicas ?? 0);
}

/**
 * Holds an origin to a spend ceiling `ceiling`: the most it may pay in replica-minutes per
 * replica-minute its load needs at the SLO's target. It is the loop of the violation budget (see
 * spendViolationBudget) driven by spend instead of violations. At each evaluation, with `p` the
 * replicas provisioned (serving and booting), `n` those the load served needs at the target
 * (at least one, as a replay counts them) and `s` a slow running mean of `n`,
 *
 *   q <- q - gain * (p - ceiling * n) / (ceiling * s)
 *
 * within [0.5, 0.99]: down while the origin spends above the ceiling, up while under it, so it
 * spends what the ceiling leaves to cut violations. As in adaptive conformal inference, the
 * quantile stays in its range, so the sum of the corrections stays bounded and their mean goes to
 * zero: over any stretch where `s` holds steady, total provisioned replica-minutes approach
 * `ceiling` times those needed. `s` is the mean of every `n` so far until a week of evaluations,
 * then an exponential mean over a week, steady across a day's cycle, so the ratio of the sums is
 * what the loop holds. Clipped at 0.99 the origin spends less than the ceiling (even the top of
 * the range is cheaper); clipped at 0.5 it spends more (what sizing at the forecast's mean, the
 * observed load, the replica bounds and the cooldown cost is beyond the quantile's reach).
 * Only an origin the policy resizes, with its load known, is judged. Returns the new quantile.
 */
export function holdSpendCeiling(
  view: OriginView,
  slo: Slo,
  ceiling: number,
  tuning: Pick<PolicyTuning, "spendCeilingGain" | "evaluationSeconds" | "sizingQuantile">,
  memory: OriginState,
): number {
  const current = memory.sizingQuantile ?? tuning.sizingQuantile;
  const load = view.observation.rps;
  if (slo.mode === "off" || load === undefined || !isScalable(view)) return current;
  const need = replicasNeeded(load, view.perReplica, slo.targetUtilization);
  const samples = Math.min((memory.spendSamples ?? 0) + 1, SPEND_SCALE_SECONDS / tuning.evaluationSeconds);
  const scale = (memory.spendScale ?? need) + (need - (memory.spendScale ?? need)) / samples;
  memory.spendScale = scale;
  memory.spendSamples = samples;
  const excess = (replicasProvisioned(view) - ceiling * need) / (ceiling * scale);
  const next = Math.min(
    MAX_ADAPTED_QUANTILE,
    Math.max(MIN_ADAPTED_QUANTILE, current - tuning.spendCeilingGain * excess),
  );
  memory.sizingQuantile = next;
  return next;
}

/** How long the mean of the need that scales the spend loop's steps remembers: a week, so it
 * holds steady across a day's cycle. */
const SPEND_SCALE_SECONDS = 7 * 86_400;
