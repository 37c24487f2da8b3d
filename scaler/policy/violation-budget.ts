import type { Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import type { OriginScaling, OriginState, PolicyTuning } from "./types.ts";

/** The highest quantile the budget may push sizing to: the 99th percentile of the forecast,
 * about 1.8 times the distance from the mean to the upper bound of the 80 % band. */
export const MAX_ADAPTED_QUANTILE = 0.99;
/** Sizing never goes under the forecast's mean. */
export const MIN_ADAPTED_QUANTILE = 0.5;

/** The policy's knobs as they apply to one origin: its own violation budget, when its scaling
 * configuration sets one, replaces the policy's. Loads differ in how far their forecasts can be
 * trusted, and so in what a given budget costs (see BENCHMARKS.md). */
export function originTuning(tuning: PolicyTuning, scaling: OriginScaling | undefined): PolicyTuning {
  const own = scaling?.violationBudget;
  return own === undefined || own === tuning.violationBudget ? tuning : { ...tuning, violationBudget: own };
}

/** The quantile an origin is sized for: its adapted one when a violation budget is set, else the
 * configured `sizingQuantile`. */
export function sizingQuantileOf(memory: OriginState | undefined, tuning: PolicyTuning): number {
  if (tuning.violationBudget <= 0) return tuning.sizingQuantile;
  return memory?.sizingQuantile ?? tuning.sizingQuantile;
}

/**
 * Spends a violation budget: the share of time an origin may run above its SLO's target
 * utilisation. At each evaluation of a pool in `act` or `advise` mode, the quantile of the forecast the origin is
 * sized for moves up after a moment above the target and down after one under it,
 * q <- q + gain * (violating - budget), the update of adaptive conformal inference (Gibbs &
 * Candes 2021) applied to the sizing quantile. Whatever the forecast's errors, the long-run share
 * of evaluations above the target then approaches the budget while the quantile stays inside
 * [0.5, 0.99]: an origin whose forecast is sharp is sized near its mean, one whose load keeps
 * escaping the forecast near the top of the band. A moment counts only when both the load served
 * and the capacity serving it are known. Returns the origin's new quantile (unchanged when it
 * cannot be judged). Advise mode adapts the same way, so it records the decisions act mode would
 * make in the same situation.
 */
export function spendViolationBudget(view: OriginView, slo: Slo, tuning: PolicyTuning, memory: OriginState): number {
  const current = sizingQuantileOf(memory, tuning);
  const load = view.observation.rps;
  if (tuning.violationBudget <= 0 || slo.mode === "off" || load === undefined || view.capacityNow === undefined || view.capacityNow <= 0) return current;
  const violating = load > slo.targetUtilization * view.capacityNow ? 1 : 0;
  const next = Math.min(MAX_ADAPTED_QUANTILE, Math.max(MIN_ADAPTED_QUANTILE, current + tuning.violationBudgetGain * (violating - tuning.violationBudget)));
  memory.sizingQuantile = next;
  return next;
}

