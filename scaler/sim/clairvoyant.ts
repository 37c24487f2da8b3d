import type { FleetSettings } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";
import { loadAt } from "./trace-series.ts";

/** What any policy, even one that knows the future, must pay over a replay. */
export type CostBounds = {
  /** Replica-minutes of the cheapest fleet with no SLO-violation minute: a replica serving at t
   * was started a boot time before and paid since, so at every moment the fleet holds at least
   * the most replicas needed over the next boot time (and this suffices); with a cooldown, also
   * the most needed over the cooldown just past. */
  clairvoyantReplicaMinutes: number;
  /** Replica-minutes of the cheapest fleet found that knows the future and stays within
   * `allowedViolationMinutes` (a plan a clairvoyant platform could carry out). */
  allowanceReplicaMinutes: number;
  /** Replica-minutes every policy pays at least when it may violate the SLO for
   * `allowedViolationMinutes`, boot time paid: a certain bound (Lagrangian dual), at most
   * `allowanceReplicaMinutes`. */
  lowerBoundReplicaMinutes: number;
  /** Violation minutes of the plan behind `allowanceReplicaMinutes`. */
  allowanceViolationMinutes: number;
};

/** Replicas a moment's load needs to stay under the SLO's violation threshold (unclamped). */
function rawNeed(load: number, fleet: FleetSettings): number {
  return Math.max(0, Math.ceil(load / (fleet.rpsPerReplica * fleet.violationUtilization) - 1e-9));
}

/** The replay's ticks from bucket `fromIndex`: each one's need and length in minutes. */
function replayTicks(
  series: LoadSeries,
  fromIndex: number,
  fleet: FleetSettings,
): { needs: Int32Array; minutes: Float64Array } {
  const tickMs = fleet.tickSeconds * 1000;
  const start = series.start + fromIndex * series.stepSeconds * 1000;
  const end = series.start + series.values.length * series.stepSeconds * 1000;
  const count = Math.max(0, Math.ceil((end - start) / tickMs));
  const needs = new Int32Array(count);
  const minutes = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = start + i * tickMs;
    needs[i] = rawNeed(loadAt(series, t), fleet);
    minutes[i] = Math.min(tickMs, end - t) / 60_000;
  }
  return { needs, minutes };
}

/** Replica-minutes of the cheapest fleet with no violation: the sliding maximum of the clamped
 * need over [t - cooldown, t + boot] (a replica is paid from a boot time before it is needed
 * until a cooldown after), with a monotonic deque of indices. */
function noViolationCost(
  needs: Int32Array,
  minutes: Float64Array,
  fleet: FleetSettings,
  cooldownSeconds: number,
): number {
  const bootTicks = Math.ceil(fleet.bootSeconds / fleet.tickSeconds);
  const cooldownTicks = Math.ceil(cooldownSeconds / fleet.tickSeconds);
  const clamped = Array.from(needs, (n) => Math.min(fleet.maxReplicas, Math.max(fleet.minReplicas, n)));
  let cost = 0;
  const deque: number[] = [];
  let head = 0;
  let next = 0;
  for (let i = 0; i < clamped.length; i++) {
    for (; next < clamped.length && next <= i + bootTicks; next++) {
      while (deque.length > head && (clamped[deque[deque.length - 1] ?? 0] ?? 0) <= (clamped[next] ?? 0))
        deque.pop();
      deque.push(next);
    }
    while (head < deque.length && (deque[head] ?? i) < i - cooldownTicks) head++;
    cost += (clamped[deque[head] ?? i] ?? 0) * (minutes[i] ?? 0);
  }
  return cost;
}

type Relaxed = { value: number; cost: number; violations: number };

/**
 * The cheapest serving profile s(t) when each violation minute is charged `price` replica-minutes:
 * minimises Σ s(t)·Δt + boot·Σ max(0, s(t) - s(t-1)) + release·Σ max(0, s(t-1) - s(t))
 * + price·Σ [s(t) < need(t)]·Δt by dynamic programming over the replica count (the starting fleet
 * is free). The first two terms are a lower bound on what any fleet serving s(t) pays (every
 * replica that joins was paid while it booted) and exactly what a clairvoyant one pays, starting
 * each replica a boot time ahead. `release` (minutes) is what each replica let go costs: 0 for a
 * fleet free to shrink at once, the cooldown for one that lets a replica go only after the load
 * stayed low enough without it for the cooldown (those minutes are paid and buy nothing).
 */
function relaxed(
  needs: Int32Array,
  minutes: Float64Array,
  fleet: FleetSettings,
  levels: number,
  price: number,
  release: number,
): Relaxed {
  const boot = fleet.bootSeconds / 60;
  // Per replica count (minReplicas + k): the cheapest path's replica-minutes and violation minutes.
  let cost = new Float64Array(levels);
  let viol = new Float64Array(levels);
  let nextCost = new Float64Array(levels);
  let nextViol = new Float64Array(levels);
  const fromBelow = new Int32Array(levels);
  // The priced total of each path, derived from the two after every tick.
  const priced = new Float64Array(levels);
  for (let i = 0; i < needs.length; i++) {
    const dt = minutes[i] ?? 0;
    const need = needs[i] ?? 0;
    if (i > 0) {
      // Growing to k pays the boot of each added replica: running minimum of priced(k') - boot·k'.
      let below = 0;
      for (let k = 0; k < levels; k++) {
        if ((priced[k] ?? 0) - boot * k < (priced[below] ?? 0) - boot * below) below = k;
        fromBelow[k] = below;
      }
      // Shrinking to k pays each release: running minimum of priced(k') + release·k' from the top.
      let above = levels - 1;
      for (let k = levels - 1; k >= 0; k--) {
        if ((priced[k] ?? 0) + release * k <= (priced[above] ?? 0) + release * above) above = k;
        const up = fromBelow[k] ?? k;
        const booted = boot * (k - up);
        const released = release * (above - k);
        if ((priced[up] ?? 0) + booted < (priced[above] ?? 0) + released) {
          nextCost[k] = (cost[up] ?? 0) + booted;
          nextViol[k] = viol[up] ?? 0;
        } else {
          nextCost[k] = (cost[above] ?? 0) + released;
          nextViol[k] = viol[above] ?? 0;
        }
      }
      [cost, nextCost] = [nextCost, cost];
      [viol, nextViol] = [nextViol, viol];
    }
    for (let k = 0; k < levels; k++) {
      cost[k] = (cost[k] ?? 0) + (fleet.minReplicas + k) * dt;
      if (fleet.minReplicas + k < need) viol[k] = (viol[k] ?? 0) + dt;
      priced[k] = (cost[k] ?? 0) + price * (viol[k] ?? 0);
    }
  }
  let arg = 0;
  for (let k = 1; k < levels; k++) if ((priced[k] ?? 0) < (priced[arg] ?? 0)) arg = k;
  return { value: priced[arg] ?? 0, cost: cost[arg] ?? 0, violations: viol[arg] ?? 0 };
}

/** Bisection steps on the price of a violation minute. */
const PRICE_STEPS = 40;

/**
 * Bounds on the replica-minutes of a replay from bucket `fromIndex`, on the replay's own ticks.
 * With `cooldownSeconds` above 0 they bound the policies that let a replica go only after the
 * load stayed low enough without it for the cooldown (as the policy's scale-in rule does): such a
 * fleet, with each release moved a cooldown earlier, serves no less than the load needs and has
 * the same violations, so what it pays is at least what the cheaper fleet pays plus the cooldown
 * for each replica released, which is the problem solved here.
 */
export function costBounds(
  series: LoadSeries,
  fromIndex: number,
  fleet: FleetSettings,
  allowedViolationMinutes: number,
  cooldownSeconds = 0,
): CostBounds {
  const { needs, minutes } = replayTicks(series, fromIndex, fleet);
  const clairvoyantReplicaMinutes = noViolationCost(needs, minutes, fleet, cooldownSeconds);
  const top = Math.min(
    fleet.maxReplicas,
    needs.reduce((most, n) => Math.max(most, n), fleet.minReplicas),
  );
  const levels = top - fleet.minReplicas + 1;
  // Weak duality: for every price λ ≥ 0, min over profiles of cost + λ·(violations - allowed) is
  // at most the cheapest cost within the allowance. The dual is concave in λ; bisection on its
  // slope (violations - allowed) finds its top, and every profile met within the allowance is a
  // plan a clairvoyant fleet could follow.
  let unavoidable = 0;
  needs.forEach((need, i) => {
    if (need > top) unavoidable += minutes[i] ?? 0;
  });
  const allowed = Math.max(allowedViolationMinutes, unavoidable);
  let lower = 0;
  let plan = { cost: clairvoyantReplicaMinutes, violations: 0 };
  const consider = (price: number): number => {
    const r = relaxed(needs, minutes, fleet, levels, price, cooldownSeconds / 60);
    lower = Math.max(lower, r.value - price * allowed);
    if (r.violations <= allowed + 1e-9 && r.cost < plan.cost)
      plan = { cost: r.cost, violations: r.violations };
    return r.violations - allowed;
  };
  let low = 0;
  let high = 1;
  consider(low);
  while (consider(high) > 0 && high < 1e12) {
    low = high;
    high *= 4;
  }
  for (let step = 0; step < PRICE_STEPS && high - low > 1e-9 * high; step++) {
    const mid = (low + high) / 2;
    if (consider(mid) > 0) low = mid;
    else high = mid;
  }
  return {
    clairvoyantReplicaMinutes,
    allowanceReplicaMinutes: plan.cost,
    lowerBoundReplicaMinutes: Math.min(lower, plan.cost),
    allowanceViolationMinutes: plan.violations,
  };
}
