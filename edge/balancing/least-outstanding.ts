import { pickOfTwo, relativeInflight } from "./p2c-peak-ewma.ts";
import type { BalancingStrategy } from "./strategy.ts";

/** Least outstanding requests as Envoy's LEAST_REQUEST does it: two weighted draws, keep the
 * one with fewer requests in flight (relative to its weight). Blind to latency: a baseline for
 * the balancing benchmark. */
export const leastOutstanding: BalancingStrategy = {
  name: "least-outstanding",
  pick(candidates, load, context) {
    return pickOfTwo(candidates, load, context, (position) =>
      relativeInflight(candidates, position, load.loads[candidates.members[position] ?? -1]?.inflight ?? 0),
    );
  },
};
