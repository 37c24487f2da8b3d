import type { Candidates } from "./candidates.ts";
import { isAvailable } from "./load.ts";
import type { BalancingStrategy } from "./strategy.ts";

/** Smooth weighted round robin (nginx): each pick adds every member's weight to its running
 * score, takes the highest and subtracts the total, which interleaves members in proportion to
 * their weights. Blind to latency and load: the balancing benchmark's baseline. Keeps one score
 * array per candidate set; O(n) per pick. */
export function createRoundRobin(): BalancingStrategy {
  const scores = new WeakMap<Candidates, Float64Array>();
  return {
    name: "round-robin",
    pick(candidates, load, context) {
      const members = candidates.members;
      let current = scores.get(candidates);
      if (!current) {
        current = new Float64Array(members.length);
        scores.set(candidates, current);
      }
      let best = -1;
      let bestScore = -Infinity;
      let total = 0;
      for (let k = 0; k < members.length; k++) {
        if (!isAvailable(members[k] ?? -1, load, context)) continue;
        const weight = candidates.weights[k] ?? 0;
        const score = (current[k] ?? 0) + weight;
        current[k] = score;
        total += weight;
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      if (best < 0) return -1;
      current[best] = bestScore - total;
      return members[best] ?? -1;
    },
  };
}
