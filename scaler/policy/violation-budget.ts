import type { Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import { peakAtQuantile } from "./forecast-peak.ts";
import { replicasFor } from "./replica-plan.ts";
import type { OriginState, PolicyTuning } from "./types.ts";

/** The highest quantile the budget may push sizing to: the 99th percentile of the forecast,
 * about 1.8 times the distance from the mean to the upper bound of the 80 % band. */
export const MAX_ADAPTED_QUANTILE = 0.99;
/** Sizing never goes under the forecast's mean. */
export const MIN_ADAPTED_QUANTILE = 0.5;

/**
 * True when the load the origin serves is more than it would have been sized to carry even at the
 * top of the adapted range: its own forecast of now until the next evaluation, read at the 99th
 * percentile (the band capped as for sizing) and rounded up to whole replicas at the target. The
 * forecast read is the freshest there is, so a burst already in the data the forecast saw counts. Without a load, a forecast
 * covering now or a known rate per replica, nothing can be said and the moment counts.
 */
export function beyondReach(
  view: OriginView,
  slo: Slo,
  now: number,
  tuning: Pick<PolicyTuning, "evaluationSeconds" | "bandCap">,
): boolean {
  const { forecast, rps: load } = view.observation;
  const perReplica = view.perReplica;
  if (load === undefined || !forecast || perReplica === undefined || perReplica <= 0) return false;
  const top = peakAtQuantile(
    forecast,
    now,
    now + tuning.evaluationSeconds * 1000,
    MAX_ADAPTED_QUANTILE,
    tuning.bandCap,
  );
  if (!top) return false;
  return (
    load > slo.targetUtilization * replicasFor(top.value, perReplica, slo.targetUtilization) * perReplica
  );
}

/**
 * Spends a violation budget `budget`: the share of time an origin may run above its SLO's target
 * utilisation (see tradeOffOf for where it comes from). At each evaluation of a pool in `act` or `advise` mode, the quantile of the forecast the origin is
 * sized for moves up after a moment above the target and down after one under it,
 * q <- q + gain * (violating - budget), from the internal `sizingQuantile`, the update of adaptive conformal inference (Gibbs &
 * Candes 2021) applied to the sizing quantile. Whatever the forecast's errors, the long-run share
 * of evaluations above the target then approaches the budget while the quantile stays inside
 * [0.5, 0.99]: an origin whose forecast is sharp is sized near its mean, one whose load keeps
 * escaping the forecast near the top of the band. A moment counts only when both the load served
 * and the capacity serving it are known, and only when sizing could have prevented it (see
 * beyondReach): a burst that even the top of the range would not have carried says nothing about
 * the quantile, and counting it would pin a bursty origin at the top of its band, paying for the
 * whole band all the time without preventing the bursts. Returns the origin's new quantile
 * (unchanged when the moment cannot be judged). Advise mode adapts the same way, so it records
 * the decisions act mode would make in the same situation.
 */
export function spendViolationBudget(
  view: OriginView,
  slo: Slo,
  budget: number,
  tuning: Pick<PolicyTuning, "evaluationSeconds" | "bandCap" | "violationBudgetGain" | "sizingQuantile">,
  memory: OriginState,
  now: number,
): number {
  const current = memory.sizingQuantile ?? tuning.sizingQuantile;
  const load = view.observation.rps;
  if (
    budget <= 0 ||
    slo.mode === "off" ||
    load === undefined ||
    view.capacityNow === undefined ||
    view.capacityNow <= 0
  )
    return current;
  const above = load > slo.targetUtilization * view.capacityNow;
  if (above && beyondReach(view, slo, now, tuning)) return current;
  const violating = above ? 1 : 0;
  const next = Math.min(
    MAX_ADAPTED_QUANTILE,
    Math.max(MIN_ADAPTED_QUANTILE, current + tuning.violationBudgetGain * (violating - budget)),
  );
  memory.sizingQuantile = next;
  return next;
}
