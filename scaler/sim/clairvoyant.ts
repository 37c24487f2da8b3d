import type { FleetSettings } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";
import { loadAt } from "./trace-series.ts";

/** What any policy, even one that knows the future, must pay over a replay. */
export type CostBounds = {
  /** Replica-minutes of the cheapest fleet with no SLO-violation minute: a replica serving at t
   * was started a boot time before and paid since, so at every moment the fleet holds at least
   * the most replicas needed over the next boot time (and this suffices). */
  clairvoyantReplicaMinutes: number;
  /** Replica-minutes every policy pays at least when it may violate the SLO for
   * `allowedViolationMinutes`: each minute outside them needs its replicas serving, those
   * inside at least the minimum (boot time left out, so the bound is loose but certain). */
  lowerBoundReplicaMinutes: number;
};

/** Replicas a moment's load needs to stay under the SLO's violation threshold. */
function needAt(load: number, fleet: FleetSettings): number {
  return Math.min(fleet.maxReplicas, Math.max(fleet.minReplicas, Math.ceil(load / (fleet.rpsPerReplica * fleet.violationUtilization) - 1e-9)));
}

/** Bounds on the replica-minutes of a replay from bucket `fromIndex`, on the replay's own ticks. */
export function costBounds(series: LoadSeries, fromIndex: number, fleet: FleetSettings, allowedViolationMinutes: number): CostBounds {
  const tickMs = fleet.tickSeconds * 1000;
  const start = series.start + fromIndex * series.stepSeconds * 1000;
  const end = series.start + series.values.length * series.stepSeconds * 1000;
  const needs: number[] = [];
  const minutes: number[] = [];
  for (let t = start; t < end; t += tickMs) {
    needs.push(needAt(loadAt(series, t), fleet));
    minutes.push(Math.min(tickMs, end - t) / 60_000);
  }
  const bootTicks = Math.ceil((fleet.bootSeconds * 1000) / tickMs);
  let clairvoyant = 0;
  // Sliding maximum over [i, i + bootTicks] with a monotonic deque of indices.
  const deque: number[] = [];
  let next = 0;
  for (let i = 0; i < needs.length; i++) {
    for (; next < needs.length && next <= i + bootTicks; next++) {
      while (deque.length > 0 && (needs[deque[deque.length - 1] ?? 0] ?? 0) <= (needs[next] ?? 0)) deque.pop();
      deque.push(next);
    }
    while ((deque[0] ?? i) < i) deque.shift();
    clairvoyant += (needs[deque[0] ?? i] ?? 0) * (minutes[i] ?? 0);
  }
  // Dropping the ticks with the most replicas above the minimum saves the most.
  const order = needs.map((_, i) => i).sort((a, b) => (needs[b] ?? 0) - (needs[a] ?? 0));
  let lower = needs.reduce((sum, n, i) => sum + n * (minutes[i] ?? 0), 0);
  let allowance = allowedViolationMinutes;
  for (const i of order) {
    const m = Math.min(allowance, minutes[i] ?? 0);
    if (m <= 0) break;
    lower -= ((needs[i] ?? 0) - fleet.minReplicas) * m;
    allowance -= m;
  }
  return { clairvoyantReplicaMinutes: clairvoyant, lowerBoundReplicaMinutes: lower };
}
