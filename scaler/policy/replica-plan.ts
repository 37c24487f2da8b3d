import type { Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import { isScalingOut } from "./origin-view.ts";
import type { OriginState, OriginScaling, PolicyTuning } from "./types.ts";
import { fillByWeight } from "./water-fill.ts";

/** A replica change for one origin, and why. */
export type ReplicaChange = {
  origin: string;
  kind: "scale-out" | "scale-in";
  from: number;
  to: number;
  trigger: "demand" | "breach" | "low-demand" | "bounds";
  /** For a breach: what broke ("p95 latency 840 ms breaks the 500 ms SLO"). */
  breach?: string;
};

/** An origin the policy can resize: configured, with a known replica count. */
export type Scalable = OriginView & { scaling: OriginScaling; serving: number; perReplica: number };

export function isScalable(view: OriginView): view is Scalable {
  return (
    view.scaling !== undefined &&
    view.serving !== undefined &&
    view.perReplica !== undefined &&
    view.perReplica > 0
  );
}

/** Replicas needed to carry `load` at `utilisation` per replica. */
export function replicasFor(load: number, perReplica: number, utilisation: number): number {
  return Math.max(0, Math.ceil(load / (perReplica * utilisation) - 1e-9));
}

/**
 * The load each resizable origin must be sized for: the pool's demand split by operator weight
 * with progressive filling, where an origin can take at most `threshold` of its largest capacity
 * (max replicas for a resizable origin, today's capacity for a fixed one; an origin of unknown
 * capacity keeps its share). So when one origin is at its ceiling, the others grow for it.
 */
export function scalableLoads(
  views: readonly OriginView[],
  demand: number,
  threshold: number,
): Map<string, number> {
  const fill = views.map((view) => {
    if (isScalable(view))
      return {
        id: view.id,
        weight: view.weight,
        allowed: threshold * view.scaling.maxReplicas * view.perReplica,
      };
    return {
      id: view.id,
      weight: view.weight,
      allowed: view.capacityNow === undefined ? null : threshold * view.capacityNow,
    };
  });
  const { loads } = fillByWeight(demand, fill);
  const out = new Map<string, number>();
  for (const view of views) if (isScalable(view)) out.set(view.id, loads[view.id] ?? 0);
  return out;
}

/** What the SLO's latency or error objective says about an origin right now, if broken. */
export function breachOf(view: OriginView, slo: Slo): string | undefined {
  const { p95Ms, errorRate } = view.observation;
  if (slo.p95LatencyMs !== undefined && p95Ms !== undefined && p95Ms > slo.p95LatencyMs)
    return `${view.id} p95 latency ${Math.round(p95Ms)} ms breaks the ${slo.p95LatencyMs} ms SLO`;
  if (slo.maxErrorRate !== undefined && errorRate !== undefined && errorRate > slo.maxErrorRate)
    return `${view.id} error rate ${(errorRate * 100).toFixed(1)} % breaks the ${(slo.maxErrorRate * 100).toFixed(1)} % SLO`;
  return undefined;
}

const clamp = (n: number, s: OriginScaling) => Math.min(s.maxReplicas, Math.max(s.minReplicas, n));

/**
 * Scale-out: enough replicas for the origin's share of the window's demand at the target
 * utilisation, so they have booted when the load arrives; when the SLO already breaks with no
 * request in flight, at least `breachStep` more. The target counts replicas already on the way,
 * so a repeated evaluation never asks twice.
 */
export function planScaleOut(
  view: Scalable,
  load: number,
  slo: Slo,
  tuning: PolicyTuning,
): ReplicaChange | undefined {
  const inFlight = isScalingOut(view);
  const current = inFlight && view.request ? view.request.replicas : view.serving;
  const needed = replicasFor(load, view.perReplica, slo.targetUtilization);
  const breach = inFlight ? undefined : breachOf(view, slo);
  const breachNeed = breach ? view.serving + Math.max(1, Math.ceil(view.serving * tuning.breachStep)) : 0;
  const desired = clamp(Math.max(needed, breachNeed), view.scaling);
  if (desired <= current) return undefined;
  const trigger =
    needed >= breachNeed
      ? current < view.scaling.minReplicas && needed <= view.scaling.minReplicas
        ? "bounds"
        : "demand"
      : "breach";
  return {
    origin: view.id,
    kind: "scale-out",
    from: current,
    to: desired,
    trigger,
    ...(trigger === "breach" && breach ? { breach } : {}),
  };
}

/**
 * Scale-in: only once the replicas needed for the whole horizon (now until the end of the lead
 * window), at the target lowered by the hysteresis band, have stayed below those serving for the
 * cooldown; then down to the most needed over that time, never below the minimum. Never while a
 * scale-out is in flight in the pool or the SLO breaks. Updates the origin's low-load memory.
 */
export function planScaleIn(
  view: Scalable,
  horizonLoad: number,
  slo: Slo,
  tuning: PolicyTuning,
  memory: OriginState,
  poolBusy: boolean,
  now: number,
): ReplicaChange | undefined {
  const needed = clamp(
    replicasFor(horizonLoad, view.perReplica, slo.targetUtilization * (1 - tuning.hysteresis)),
    view.scaling,
  );
  if (poolBusy || view.request !== undefined || needed >= view.serving || breachOf(view, slo) !== undefined) {
    delete memory.lowSince;
    delete memory.lowNeed;
    return undefined;
  }
  memory.lowSince ??= now;
  memory.lowNeed = Math.max(memory.lowNeed ?? 0, needed);
  if (now - memory.lowSince < slo.scaleInCooldownSeconds * 1000) return undefined;
  const to = memory.lowNeed;
  delete memory.lowSince;
  delete memory.lowNeed;
  return {
    origin: view.id,
    kind: "scale-in",
    from: view.serving,
    to,
    trigger:
      view.serving > view.scaling.maxReplicas && to === view.scaling.maxReplicas ? "bounds" : "low-demand",
  };
}
