import type { Candidates } from "./candidates.ts";
import { positionAt, positionOtherThan } from "./candidates.ts";
import type { LoadView, PickContext } from "./load.ts";
import { isAvailable } from "./load.ts";
import { decayedLatency, peakEwmaCost } from "./peak-ewma.ts";
import type { BalancingStrategy } from "./strategy.ts";

/**
 * In-flight requests relative to the origin's weight share: an origin weighted twice the pool's
 * mean is expected to carry twice the requests, so its in-flight count is halved before costs
 * compare. Under weight-proportional traffic the load terms then tie and the weighted draw
 * decides, so weights hold at any concurrency; an origin loaded beyond its share looks busy.
 * (With equal weights this is the plain in-flight count of Finagle and Linkerd.)
 */
export function relativeInflight(candidates: Candidates, position: number, inflight: number): number {
  const weight = candidates.weights[position] ?? 0;
  if (inflight === 0 || weight <= 0) return inflight;
  return (inflight * candidates.total) / (candidates.members.length * weight);
}

/** Peak-EWMA cost of the origin at `position`: decayed latency x (relative in flight + 1). */
function cost(candidates: Candidates, position: number, load: LoadView, now: number): number {
  const current = load.loads[candidates.members[position] ?? -1];
  if (!current) return 0;
  const reference = load.poolLatency[candidates.pool]?.ewmaMs ?? 0;
  return peakEwmaCost(
    decayedLatency(current.ewmaMs, current.ewmaAt, now, load.decayMs, reference),
    relativeInflight(candidates, position, current.inflight),
  );
}

/** Costs closer than this (relative) count as equal for P2C peak-EWMA: latency noise of a few
 * tens of percent then cannot override the operator's weights, while a clearly slower or
 * busier origin still loses. */
export const COST_TOLERANCE = 0.25;

/** Power of two choices: two distinct origins drawn by weight; the second replaces the first
 * only when its score is lower by more than `tolerance` (so with equal scores the shares follow
 * the weights exactly). When draws keep hitting unavailable origins, take the lowest-scoring
 * available one. */
export function pickOfTwo(
  candidates: Candidates,
  load: LoadView,
  context: PickContext,
  score: (position: number) => number,
  tolerance = 0,
): number {
  const members = candidates.members;
  const size = members.length;
  if (size === 0) return -1;
  if (size === 1) {
    const only = members[0] ?? -1;
    return isAvailable(only, load, context) ? only : -1;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = positionAt(candidates, context.rng() * candidates.total);
    const second = positionOtherThan(candidates, first, context.rng());
    const a = members[first] ?? -1;
    const b = members[second] ?? -1;
    const okA = isAvailable(a, load, context);
    const okB = isAvailable(b, load, context);
    if (okA && okB) return score(second) * (1 + tolerance) < score(first) ? b : a;
    if (okA) return a;
    if (okB) return b;
  }
  let best = -1;
  let bestScore = Infinity;
  for (let k = 0; k < size; k++) {
    const origin = members[k] ?? -1;
    if (!isAvailable(origin, load, context)) continue;
    const s = score(k);
    if (s < bestScore) {
      best = origin;
      bestScore = s;
    }
  }
  return best;
}

/** The product's strategy: P2C over peak-EWMA cost (Finagle's and Linkerd's balancer), with
 * weighted draws and weight-relative in-flight counts. */
export const p2cPeakEwma: BalancingStrategy = {
  name: "p2c-peak-ewma",
  pick(candidates, load, context) {
    return pickOfTwo(
      candidates,
      load,
      context,
      (position) => cost(candidates, position, load, context.now),
      COST_TOLERANCE,
    );
  },
};
