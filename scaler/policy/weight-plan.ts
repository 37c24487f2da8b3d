import type { ScheduledEvent, Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import { capacityAt } from "./origin-view.ts";
import type { PoolDemand } from "./pool-demand.ts";
import { poolDemand } from "./pool-demand.ts";
import type { PolicyTuning, PoolWeights } from "./types.ts";
import type { FillOrigin } from "./water-fill.ts";
import { factorsForLoads, fillByWeight } from "./water-fill.ts";

/** The weights a pool should have: factors for its origins and the share spilled to its fallback. */
export type WeightPlan = PoolWeights & {
  /** The demand of the most constrained moment in the horizon, and when it starts. */
  demand: PoolDemand;
  at: number;
  /** Share the pool could not take at that moment, before the spill limits. */
  shortfall: number;
  /** True when the plan protects an origin or the pool (applied at once); false when it eases
   * back toward the operator's weights. */
  protective: boolean;
};

/** True when weights differ from the operator's (a factor away from 1 or any spill). */
export function isShifted(weights: PoolWeights): boolean {
  return weights.spill > 0 || Object.values(weights.factors).some((f) => Math.abs(f - 1) > 1e-9);
}

type PlanArgs = {
  views: readonly OriginView[];
  slo: Slo;
  tuning: PolicyTuning;
  now: number;
  horizonEnd: number;
  /** Spill the edge applies now (the pool's origins do not see that traffic). */
  liveSpill: number;
  /** The weights in force (act) or last advised (advise). */
  baseline: PoolWeights;
  /** Until when the baseline's shift is held (stabilisation window). */
  holdUntil: number | undefined;
  /** Load the fallback pool can still take at its target, or null when the pool has none. */
  fallbackHeadroom: number | null;
  /** The pool's scheduled events (each raises the demand over its stretch). */
  events: readonly ScheduledEvent[];
};

/** A weight plan and the pool's new hold deadline. */
export type WeightOutcome = { plan: WeightPlan | undefined; holdUntil: number | undefined };

/**
 * Plans a pool's weights over the horizon [now, end of the lead window). The horizon is cut where
 * booting replicas arrive; in each piece the demand is split by progressive filling over what
 * each origin can take then at the target utilisation, and the piece that needs the largest shift
 * wins. So a shortage the requested replicas will cover in time shifts nothing, and one they
 * cannot cover is met at once by weight toward origins with headroom and, past the pool's
 * capacity, a spill to the fallback. A shift is held while it is still needed and for
 * `weightHoldSeconds` after (a stabilisation window, like the HPA's for scale-down); then the
 * weights move half-way back toward the operator's per evaluation, so a forecast hovering at the
 * threshold cannot make them flap.
 */
export function planWeights(args: PlanArgs): WeightOutcome {
  const { views, slo, tuning, now, horizonEnd, baseline } = args;
  const threshold = slo.targetUtilization;
  const cuts = [
    now,
    ...views.flatMap((v) =>
      v.request && v.request.readyAt > now && v.request.readyAt < horizonEnd ? [v.request.readyAt] : [],
    ),
  ];
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  let worst: (WeightPlan & { deviation: number; fill: FillOrigin[] }) | undefined;
  points.forEach((from, i) => {
    const to = points[i + 1] ?? horizonEnd;
    const demand = poolDemand(views, from, to, now, args.liveSpill, tuning, args.events);
    if (!demand) return;
    const fill: FillOrigin[] = views.map((v) => {
      const capacity = capacityAt(v, from);
      return { id: v.id, weight: v.weight, allowed: capacity === undefined ? null : threshold * capacity };
    });
    const { loads, excess } = fillByWeight(demand.total, fill);
    const shortfall = demand.total > 0 ? excess / demand.total : 0;
    const room =
      args.fallbackHeadroom === null || demand.total <= 0 ? 0 : args.fallbackHeadroom / demand.total;
    const spill = round3(Math.min(shortfall, tuning.maxSpill, room));
    const factors = factorsForLoads(fill, loads);
    const deviation = maxDeviation(factors);
    if (
      !worst ||
      shortfall > worst.shortfall ||
      (shortfall === worst.shortfall && deviation > worst.deviation)
    ) {
      worst = { factors, spill, demand, at: from, shortfall, protective: false, deviation, fill };
    }
  });
  if (!worst) return { plan: undefined, holdUntil: args.holdUntil };
  const { deviation: _deviation, fill, ...plan } = worst;
  const holdFor = tuning.weightHoldSeconds * 1000;
  plan.protective = plan.spill > baseline.spill + 0.005 || overloadedUnder(baseline, fill, plan.demand.total);
  if (plan.protective) return { plan, holdUntil: now + holdFor };
  if (!isShifted(baseline)) return { plan: undefined, holdUntil: undefined };
  const easing =
    plan.spill < baseline.spill - 0.005 ||
    maxDeviation(plan.factors) < maxDeviation(baseline.factors) - 0.005;
  if (!easing) return { plan: undefined, holdUntil: now + holdFor };
  if (args.holdUntil !== undefined && now < args.holdUntil)
    return { plan: undefined, holdUntil: args.holdUntil };
  return { plan: relax(plan, baseline), holdUntil: args.holdUntil };
}

function maxDeviation(factors: Readonly<Record<string, number>>): number {
  return Math.max(0, ...Object.values(factors).map((f) => Math.abs(f - 1)));
}

/** True when the baseline weights would load some origin past what it can take. */
function overloadedUnder(baseline: PoolWeights, fill: readonly FillOrigin[], demand: number): boolean {
  const served = demand * (1 - baseline.spill);
  const total = fill.reduce((sum, o) => sum + o.weight * (baseline.factors[o.id] ?? 1), 0);
  if (total <= 0) return false;
  return fill.some(
    (o) =>
      o.allowed !== null &&
      (served * o.weight * (baseline.factors[o.id] ?? 1)) / total > o.allowed * (1 + 1e-6),
  );
}

/** Moves half-way from the baseline toward the plan, snapping when close. */
function relax(plan: WeightPlan, baseline: PoolWeights): WeightPlan {
  const factors: Record<string, number> = {};
  for (const [id, target] of Object.entries(plan.factors)) {
    const from = baseline.factors[id] ?? 1;
    const next = from + (target - from) / 2;
    factors[id] = Math.abs(next - target) <= 0.05 ? target : round3(next);
  }
  const half = baseline.spill + (plan.spill - baseline.spill) / 2;
  const spill = Math.abs(half - plan.spill) <= 0.02 ? plan.spill : round3(half);
  return { ...plan, factors, spill };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
