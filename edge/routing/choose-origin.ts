import type { LoadView, PickContext } from "../balancing/load.ts";
import { isAvailable } from "../balancing/load.ts";
import { rendezvousPick } from "../balancing/rendezvous.ts";
import type { BalancingStrategy } from "../balancing/strategy.ts";
import type { CompiledTable } from "./compiled-table.ts";
import type { RoutingPlan } from "./routing-plan.ts";

/** Where one try goes, or why it cannot go anywhere. */
export type Choice =
  | { readonly ok: true; readonly origin: number; readonly pool: number; readonly spilled: boolean }
  | { readonly ok: false; readonly reason: "overloaded" | "no-origin" };

export type ChooseInput = {
  readonly table: CompiledTable;
  readonly plan: RoutingPlan;
  /** Pools in this client's order, each followed by its fallback chain. */
  readonly sequence: Int32Array;
  readonly strategy: BalancingStrategy;
  readonly load: LoadView;
  readonly context: PickContext;
  /** Hash of the client's affinity key, when the table asks for affinity and the client has one. */
  readonly affinityKey: number | null;
  /** Spill shares by pool index (from an active overlay); only a first try spills. */
  readonly spill: Float64Array | null;
};

/** One pool's pick: the client's rendezvous origin when affinity applies (skipping origins that
 * are excluded or full, so a drained or ejected origin's sessions move), else the strategy's. */
function pickInPool(input: ChooseInput, pool: number): number {
  const poolPlan = input.plan.pools[pool];
  const candidates = poolPlan?.candidates;
  if (!poolPlan || !candidates || candidates.total <= 0) return -1;
  if (input.affinityKey !== null) {
    const members = candidates.members;
    const position = rendezvousPick(input.affinityKey, poolPlan.seeds, candidates.weights, (k) =>
      isAvailable(members[k] ?? -1, input.load, input.context),
    );
    return position < 0 ? -1 : (members[position] ?? -1);
  }
  return input.strategy.pick(candidates, input.load, input.context);
}

/**
 * Chooses the origin for a try: the overlay's spill share goes to the first pool's fallback;
 * otherwise the first pool in the client's sequence with at least `minHealthy` serving origins,
 * then any pool with a serving origin; pools whose origins are all at their in-flight cap are
 * passed over like unhealthy ones.
 */
export function chooseOrigin(input: ChooseInput): Choice {
  const { plan, sequence } = input;
  let sawCandidates = false;
  const first = sequence[0] ?? -1;
  const share = first >= 0 ? (input.spill?.[first] ?? 0) : 0;
  const fallback = first >= 0 ? (input.table.pools[first]?.fallback ?? -1) : -1;
  if (share > 0 && fallback >= 0 && input.context.rng() < share) {
    const origin = pickInPool(input, fallback);
    if (origin >= 0) return { ok: true, origin, pool: fallback, spilled: true };
  }
  for (const pass of [true, false]) {
    for (const pool of sequence) {
      const poolPlan = plan.pools[pool];
      if (!poolPlan || poolPlan.qualifies !== pass || poolPlan.candidates.total <= 0) continue;
      sawCandidates = true;
      const origin = pickInPool(input, pool);
      if (origin >= 0) return { ok: true, origin, pool, spilled: false };
    }
  }
  return { ok: false, reason: sawCandidates ? "overloaded" : "no-origin" };
}
