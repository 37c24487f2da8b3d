import type { EjectionChange, EjectionState } from "../resilience/ejection.ts";
import { ejectOutlier, recordOutcome } from "../resilience/ejection.ts";
import type { WindowCounts } from "../resilience/outlier-checks.ts";
import {
  countOutcome,
  decayCounts,
  emptyCounts,
  latencyOutlier,
  subtractCounts,
  successRateOutlier,
} from "../resilience/outlier-checks.ts";
import type { FailureKind } from "../resilience/retry-policy.ts";
import type { Routing } from "./edge-state.ts";
import type { OriginRuntime } from "./origin-runtime.ts";

/**
 * The outlier checks after one try, in order: consecutive failures, success rate, latency
 * (docs/resilience.md). Each updates the origin's ejection state in place and says what changed
 * and why; the caller reports it. The algorithms are the pure ones of edge/resilience.
 */

/** A change of an origin's standing, with why and the pool's ejected count at the time. */
export type Verdict = {
  readonly change: Exclude<EjectionChange, null>;
  readonly state: EjectionState;
  readonly why: string;
  readonly pool: { ejected: number; size: number };
};

/** Ejected origins of a pool and its size, for the ejection cap. */
function poolStanding(routing: Routing, pool: number, now: number): { ejected: number; size: number } {
  let ejected = 0;
  for (const member of routing.table.pools[pool]?.origins ?? [])
    if ((routing.runtimes[member]?.ejection.ejectedUntil ?? 0) > now) ejected++;
  return { ejected, size: routing.plan.pools[pool]?.eligible ?? 0 };
}

const percent = (rate: number): string => `${(100 * rate).toFixed(1)} %`;

/** Judges one try of `runtime` (an origin of pool `pool`); `counts` are the pool's window counts. */
export function judgeTry(
  routing: Routing,
  runtime: OriginRuntime,
  pool: number,
  outcome: { failure: FailureKind | null; rttMs: number | null },
  counts: WindowCounts | undefined,
  now: number,
): Verdict[] {
  const config = routing.table.config.ejection;
  const windowMs = config.successRate.windowMs;
  const failed = outcome.failure !== null;
  const verdicts: Verdict[] = [];
  const apply = (result: { state: EjectionState; change: EjectionChange }, why: string): boolean => {
    runtime.ejection = result.state;
    if (result.change === null) return false;
    verdicts.push({
      change: result.change,
      state: result.state,
      why,
      pool: poolStanding(routing, pool, now),
    });
    return result.change === "ejected";
  };
  countOutcome(runtime.window, failed, now, windowMs);
  if (counts) countOutcome(counts, failed, now, windowMs);
  if (failed || runtime.ejection.consecutiveFailures > 0) {
    const result = recordOutcome(runtime.ejection, failed, now, config, poolStanding(routing, pool, now));
    apply(result, `${config.consecutiveFailures} consecutive failures (last: ${outcome.failure ?? "?"})`);
  }
  if (failed && counts && runtime.ejection.ejectedUntil <= now) {
    decayCounts(counts, now, windowMs);
    const verdict = successRateOutlier(runtime.window, counts, config.successRate);
    if (verdict.outlier) {
      const result = ejectOutlier(runtime.ejection, now, config, poolStanding(routing, pool, now));
      const why = `success rate ${percent(verdict.own)} over the last ${windowMs / 1000} s, against ${percent(verdict.rest)} for the rest of the pool (gap allowed: ${percent(config.successRate.gap)})`;
      if (apply(result, why)) {
        // Back from ejection, it is judged on fresh tries only.
        subtractCounts(counts, runtime.window, now, windowMs);
        Object.assign(runtime.window, emptyCounts(), { at: now });
      }
    }
  }
  const poolMs = routing.load.poolLatency[pool]?.ewmaMs ?? 0;
  if (outcome.rttMs !== null && runtime.ejection.ejectedUntil <= now) {
    const own = runtime.load.smoothMs;
    const check = latencyOutlier(
      runtime.slowSince,
      own,
      poolMs,
      runtime.load.samples,
      now,
      config.latency,
      routing.table.config.balancing.latencyMarginMs,
    );
    runtime.slowSince = check.slowSince;
    if (check.outlier) {
      const result = ejectOutlier(runtime.ejection, now, config, poolStanding(routing, pool, now));
      const why = `latency ${own.toFixed(1)} ms, above ${config.latency.factor}x the pool's typical ${poolMs.toFixed(1)} ms for ${((now - check.slowSince) / 1000).toFixed(0)} s`;
      if (apply(result, why)) runtime.slowSince = -1;
    }
  }
  return verdicts;
}
