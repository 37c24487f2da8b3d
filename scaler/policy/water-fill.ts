import { MAX_WEIGHT_FACTOR } from "../../contracts/index.ts";

/** An origin taking part in a pool's traffic split: its operator weight and the load it can take
 * at the target utilisation (null when its capacity is unknown: it keeps its operator share). */
export type FillOrigin = { id: string; weight: number; allowed: number | null };

/** How a pool's demand splits over its origins, and what none of them can take. */
export type FillResult = { loads: Record<string, number>; excess: number };

/**
 * Splits `demand` over origins in proportion to their operator weights, capping each at what it
 * can take and pouring the overflow into the others by weight until none overflows (progressive
 * filling, as in max-min fair allocation). The split moves as little traffic as it can away from
 * the operator's weights. `excess` is what the whole pool cannot take.
 */
export function fillByWeight(demand: number, origins: readonly FillOrigin[]): FillResult {
  const loads: Record<string, number> = {};
  const total = origins.reduce((sum, o) => sum + o.weight, 0);
  if (total <= 0 || demand <= 0) {
    for (const o of origins) loads[o.id] = 0;
    return { loads, excess: Math.max(0, demand) };
  }
  let remaining = demand;
  let open = origins.filter((o) => {
    if (o.allowed !== null) return true;
    const share = (demand * o.weight) / total;
    loads[o.id] = share;
    remaining -= share;
    return false;
  });
  for (;;) {
    const weight = open.reduce((sum, o) => sum + o.weight, 0);
    if (open.length === 0 || weight <= 0) return { loads, excess: Math.max(0, remaining) };
    const over = open.filter((o) => (remaining * o.weight) / weight > (o.allowed ?? 0));
    if (over.length === 0) {
      for (const o of open) loads[o.id] = (remaining * o.weight) / weight;
      return { loads, excess: 0 };
    }
    for (const o of over) {
      const allowed = Math.max(0, o.allowed ?? 0);
      loads[o.id] = allowed;
      remaining -= allowed;
    }
    open = open.filter((o) => !over.includes(o));
  }
}

/** The weight factors that make the edge split traffic as `loads` says: an origin's effective
 * weight is its operator weight times its factor, so its share is weight·factor / Σ weight·factor. */
export function factorsForLoads(
  origins: readonly FillOrigin[],
  loads: Readonly<Record<string, number>>,
): Record<string, number> {
  const total = origins.reduce((sum, o) => sum + o.weight, 0);
  const served = origins.reduce((sum, o) => sum + (loads[o.id] ?? 0), 0);
  const factors: Record<string, number> = {};
  for (const o of origins) {
    const share = served > 0 ? (loads[o.id] ?? 0) / served : o.weight / total;
    const factor = total > 0 && o.weight > 0 ? share / (o.weight / total) : 1;
    factors[o.id] = Math.min(MAX_WEIGHT_FACTOR, Math.max(0, round3(factor)));
  }
  return factors;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
