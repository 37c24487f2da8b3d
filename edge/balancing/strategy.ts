import type { Candidates } from "./candidates.ts";
import type { LoadView, PickContext } from "./load.ts";

/**
 * A balancing strategy: picks one origin of a pool's candidates, or -1 when none is available
 * (all excluded or at their in-flight cap). Strategies are interchangeable behind this interface
 * and all pass one shared table of cases (strategies.case.test.ts).
 */
export interface BalancingStrategy {
  readonly name: string;
  pick(candidates: Candidates, load: LoadView, context: PickContext): number;
}
