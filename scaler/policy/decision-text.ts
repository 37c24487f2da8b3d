import type { Decision, Pool, Slo } from "../../contracts/index.ts";
import type { PoolPlan } from "./plan-pool.ts";
import { clock, duration, overloadPhrase, percent, replicas, rps } from "./reasons.ts";
import type { ReplicaChange } from "./replica-plan.ts";
import type { PoolWeights } from "./types.ts";
import type { WeightPlan } from "./weight-plan.ts";

/** What the weight change does, as a clause: "shifting 20 % to us-east". */
export function weightClause(pool: Pool, plan: WeightPlan, baseline: PoolWeights): string {
  const fallback = pool.fallback ?? "the fallback pool";
  if (plan.spill > baseline.spill + 0.01) return `shifting ${percent(plan.spill)} to ${fallback}`;
  if (plan.spill < baseline.spill - 0.01) {
    if (plan.spill <= 0) return `ending the spill to ${fallback}`;
    const limited = plan.shortfall > plan.spill + 0.005 ? `, all the room ${fallback} has left` : "";
    return `reducing the share spilled to ${fallback} to ${percent(plan.spill)}${limited}`;
  }
  const moved = Object.entries(plan.factors).filter(
    ([id, f]) => Math.abs(f - (baseline.factors[id] ?? 1)) > 0.02,
  );
  if (!plan.protective) return "returning weights toward the operator's";
  const up = moved
    .filter(([id, f]) => f > (baseline.factors[id] ?? 1))
    .map(([id, f]) => `${id} (x${f.toFixed(2)})`);
  const down = moved
    .filter(([id, f]) => f < (baseline.factors[id] ?? 1))
    .map(([id, f]) => `${id} (x${f.toFixed(2)})`);
  return `shifting weight${up.length ? ` toward ${up.join(", ")}` : ""}${up.length && down.length ? " and" : ""}${down.length ? ` away from ${down.join(", ")}` : ""}`;
}

/** The head of a reason: what crossed which threshold, when. */
function head(
  pool: Pool,
  slo: Slo,
  plan: PoolPlan,
  change: ReplicaChange | undefined,
  hysteresis: number,
): string {
  if (change?.trigger === "breach" && change.breach) return change.breach;
  if (change?.trigger === "bounds")
    return `${change.origin} serves ${replicas(change.from)}, outside its configured range`;
  if (change?.trigger === "low-demand") {
    const what = { forecast: "forecast", observed: "observed load", event: "scheduled load" }[
      plan.horizon.source.kind
    ];
    return `${pool.name} ${what} has stayed under ${percent(slo.targetUtilization * (1 - hysteresis))} of capacity for ${duration(slo.scaleInCooldownSeconds)} (peak ${rps(plan.horizon.total)} until ${clock(plan.windowEnd)})`;
  }
  if (plan.weights && !plan.weights.protective && plan.weights.shortfall <= 0)
    return `${pool.name} capacity ${rps(plan.capacity)} now keeps ${rps(plan.window.total)} under ${percent(slo.targetUtilization)} utilisation`;
  const source = plan.weights?.protective ? { ...plan.weights.demand.source } : plan.window.source;
  return overloadPhrase(pool.name, source, slo.targetUtilization, plan.capacity);
}

type DecisionBase = Pick<
  Decision,
  "at" | "pool" | "mode" | "forecastPeak" | "capacity" | "threshold" | "applied"
>;

/** The decisions of one pool's plan: one per replica change, the first carrying the weight
 * clause, and one for the weights when they change without a replica change. */
export function poolDecisions(
  pool: Pool,
  slo: Slo,
  plan: PoolPlan,
  baseline: PoolWeights,
  evaluation: number,
  at: string,
  hysteresis: number,
): { scale: Map<string, Decision>; weights: Decision | null } {
  const base: DecisionBase = {
    at,
    pool: pool.name,
    mode: slo.mode,
    forecastPeak: round1(plan.window.total),
    capacity: round1(plan.capacity),
    threshold: slo.targetUtilization,
    applied: false,
  };
  const clause = plan.weights ? weightClause(pool, plan.weights, baseline) : "";
  const scale = new Map<string, Decision>();
  plan.changes.forEach((change, i) => {
    const tail = i === 0 && clause ? `, ${clause}` : "";
    scale.set(change.origin, {
      ...base,
      id: `${evaluation}-${pool.name}-${change.kind}-${change.origin}`,
      origin: change.origin,
      action: change.kind,
      reason: `${head(pool, slo, plan, change, hysteresis)}; scaling ${change.origin} from ${change.from} to ${replicas(change.to)}${tail}`,
      from: { replicas: change.from },
      to: { replicas: change.to },
    });
  });
  if (!plan.weights) return { scale, weights: null };
  const spillMoved = Math.abs(plan.weights.spill - baseline.spill) > 0.01;
  const weights: Decision = {
    ...base,
    id: `${evaluation}-${pool.name}-weights`,
    action: spillMoved ? "spill" : "reweight",
    reason: `${head(pool, slo, plan, undefined, hysteresis)}; ${clause}`,
    from: { factors: baseline.factors, spill: baseline.spill },
    to: { factors: plan.weights.factors, spill: plan.weights.spill },
  };
  return { scale, weights };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
