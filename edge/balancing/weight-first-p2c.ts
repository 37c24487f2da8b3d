import type { Candidates } from "./candidates.ts";
import { positionAt, positionOtherThan } from "./candidates.ts";
import type { LoadView, PickContext } from "./load.ts";
import { isAvailable } from "./load.ts";
import { estimatedLatency, healthFactor } from "./origin-estimates.ts";
import type { BalancingStrategy } from "./strategy.ts";

/**
 * Weight-first P2C, the product's choice rule. The operator's weights decide first; latency and
 * load overrule them only where an origin is clearly worse; failures scale weight down.
 *
 * 1. The first origin is drawn by weight and kept with probability 1 / (1 + penalty x its recent
 *    failure share), else drawn again (rejection sampling, so shares follow weight x health
 *    exactly while a binary search per draw keeps it O(log n)). The idea is Envoy's client-side
 *    weighted round robin (errors charged against an endpoint's weight) and Linkerd's failure
 *    penalty, applied to the weights instead of to a latency that a fast 5xx would make cheap.
 * 2. A second origin is drawn by weight among the others (power of two choices, as Finagle and
 *    Linkerd). It replaces the first only when its cost is lower by more than COST_TOLERANCE.
 * 3. The cost is latency excess x (in flight relative to weight x health + 1): latencies within
 *    `latencyTolerance` of the pair's faster one, or within `latencyMarginMs` of it, count as equal
 *    (excess 1), so noise and connection set-up cannot overrule weights; beyond it the excess is the ratio over the tolerance. In-flight
 *    counts are relative to the origin's share, as Cloudflare's least-outstanding steering scales
 *    outstanding requests by weight and Envoy's least request divides weight by active requests.
 * With nothing in flight and latencies alike, both costs tie and the weighted draw decides alone.
 */

/** Between a clearly slower origin and the other, costs closer than this (relative) tie. */
export const COST_TOLERANCE = 0.25;

/** Between origins of alike latency, the first gives way only when it carries more than this many
 * requests beyond its weight's part of the pair's in-flight requests: at low concurrency one
 * request in flight says nothing about overload, and counting it would move traffic from heavy
 * origins (often busy) to light ones (rarely), against the weights. */
const LOAD_SLACK = 1;

/** Draws of the first origin before taking the healthiest of those drawn. */
const MAX_DRAWS = 4;

/** The latency the rule compares for the origin at `position`. */
function latencyAt(candidates: Candidates, position: number, load: LoadView, now: number): number {
  const pool = load.poolLatency[candidates.pool];
  const current = load.loads[candidates.members[position] ?? -1];
  return current ? estimatedLatency(current, pool, now, load) : (pool?.ewmaMs ?? 0);
}

/** The weight the origin at `position` is taken at: its effective weight x its health. */
function weightAt(candidates: Candidates, position: number, load: LoadView, now: number): number {
  const current = load.loads[candidates.members[position] ?? -1];
  const weight = candidates.weights[position] ?? 0;
  return current ? weight * healthFactor(current, now, load) : weight;
}

/** Does the second origin replace the first? See the rule above. */
function secondWins(
  candidates: Candidates,
  first: number,
  second: number,
  load: LoadView,
  now: number,
): boolean {
  const loadA = load.loads[candidates.members[first] ?? -1];
  const loadB = load.loads[candidates.members[second] ?? -1];
  if (!loadA || !loadB) return false;
  const weightA = weightAt(candidates, first, load, now);
  const weightB = weightAt(candidates, second, load, now);
  if (weightA <= 0 || weightB <= 0) return weightA <= 0 && weightB > 0;
  const latencyA = latencyAt(candidates, first, load, now);
  const latencyB = latencyAt(candidates, second, load, now);
  const { latencyTolerance: tolerance, latencyMarginMs: margin } = load.knobs;
  if (latencyB > 0 && latencyA > tolerance * latencyB && latencyA - latencyB > margin) {
    // The first is clearly slower: latency x (in flight per unit of weight + 1) decides, as
    // peak EWMA's cost does, so a fast origin with a queue can still lose to an idle slower one.
    const excess = latencyA / (tolerance * latencyB);
    const unit = candidates.total / candidates.members.length;
    const costA = excess * ((loadA.inflight * unit) / weightA + 1);
    const costB = (loadB.inflight * unit) / weightB + 1;
    return costA > (1 + COST_TOLERANCE) * costB;
  }
  if (latencyA > 0 && latencyB > tolerance * latencyA && latencyB - latencyA > margin) return false;
  // Latencies alike: only load beyond the weights' split of the pair's requests counts.
  const excess = (loadA.inflight * weightB - loadB.inflight * weightA) / (weightA + weightB);
  return excess > LOAD_SLACK;
}

/** The first origin: drawn by weight, kept in proportion to its health. */
function drawFirst(candidates: Candidates, load: LoadView, context: PickContext): number {
  let fallback = -1;
  let fallbackHealth = -1;
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const position = positionAt(candidates, context.rng() * candidates.total);
    const origin = candidates.members[position] ?? -1;
    if (!isAvailable(origin, load, context)) continue;
    const current = load.loads[origin];
    const health = current ? healthFactor(current, context.now, load) : 1;
    if (health >= 1 || context.rng() < health) return position;
    if (health > fallbackHealth) {
      fallback = position;
      fallbackHealth = health;
    }
  }
  return fallback;
}

/** When the draws found nothing available: the available origin with the fewest requests in
 * flight per unit of weight x health, by a scan. */
function scanBest(candidates: Candidates, load: LoadView, context: PickContext): number {
  let best = -1;
  let bestCost = Infinity;
  for (let k = 0; k < candidates.members.length; k++) {
    const origin = candidates.members[k] ?? -1;
    if (!isAvailable(origin, load, context)) continue;
    const cost = ((load.loads[origin]?.inflight ?? 0) + 1) / weightAt(candidates, k, load, context.now);
    if (cost < bestCost) {
      best = origin;
      bestCost = cost;
    }
  }
  return best;
}

/** Weight-first P2C (see above). */
export const weightFirstP2c: BalancingStrategy = {
  name: "weight-first-p2c",
  pick(candidates, load, context) {
    const members = candidates.members;
    if (members.length === 0) return -1;
    if (members.length === 1) {
      const only = members[0] ?? -1;
      return isAvailable(only, load, context) ? only : -1;
    }
    const first = drawFirst(candidates, load, context);
    if (first < 0) return scanBest(candidates, load, context);
    const a = members[first] ?? -1;
    const second = positionOtherThan(candidates, first, context.rng());
    const b = members[second] ?? -1;
    if (!isAvailable(b, load, context)) return a;
    return secondWins(candidates, first, second, load, context.now) ? b : a;
  },
};
