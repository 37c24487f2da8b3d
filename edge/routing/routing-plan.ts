import type { Candidates } from "../balancing/candidates.ts";
import { buildCandidates } from "../balancing/candidates.ts";
import { rampFactor } from "../resilience/slow-start.ts";
import type { CompiledTable } from "./compiled-table.ts";

/** What the plan needs to know about one origin beyond the table. */
export type OriginStanding = {
  /** Active health (true when no fresh report says otherwise). */
  readonly healthy: boolean;
  readonly ejectedUntil: number;
  /** When its slow-start ramp began (-Infinity: no ramp). */
  readonly rampStart: number;
  /** Overlay factor (1 without an active overlay). */
  readonly factor: number;
};

export type PoolPlan = {
  /** The origins requests may go to, with effective weights (operator x overlay x slow start). */
  readonly candidates: Candidates;
  /** Rendezvous seeds of the candidates, position by position (for session affinity). */
  readonly seeds: Uint32Array;
  /** Healthy, not ejected origins with an effective weight. */
  readonly serving: number;
  /** Enabled origins with a weight: the pool's size for the ejection cap. */
  readonly eligible: number;
  /** serving >= minHealthy: the pool is not passed over. */
  readonly qualifies: boolean;
};

/**
 * The routing plan: everything per-table work produces, rebuilt only when an input changes (a
 * document, an ejection, a slow-start step, an overlay expiry), never per request.
 */
export type RoutingPlan = {
  readonly pools: readonly PoolPlan[];
  /** True when too few origins of the table are healthy and health is ignored (panic mode). */
  readonly panic: boolean;
  readonly healthyShare: number;
  /** Effective weight by origin index (0 for origins that take no traffic). */
  readonly weights: Float64Array;
  /** 1 where the origin is healthy, not ejected and weighted. */
  readonly serving: Uint8Array;
  /** The plan must be rebuilt at or after this time. */
  readonly validUntil: number;
};

/** True when an origin takes traffic outside panic mode. */
export function isServing(
  table: CompiledTable,
  origin: number,
  standing: OriginStanding,
  now: number,
): boolean {
  const compiled = table.origins[origin];
  if (!compiled?.enabled) return false;
  return compiled.weight * standing.factor > 0 && standing.healthy && standing.ejectedUntil <= now;
}

/** Builds the plan at `now`; `expiresAt` is when an outside input (overlay, health report) lapses. */
export function buildRoutingPlan(
  table: CompiledTable,
  standings: readonly OriginStanding[],
  now: number,
  expiresAt = Infinity,
): RoutingPlan {
  const count = table.origins.length;
  const weights = new Float64Array(count);
  const serving = new Uint8Array(count);
  const eligible = new Uint8Array(count);
  const ramped = new Float64Array(count);
  let validUntil = expiresAt;
  let eligibleCount = 0;
  let servingCount = 0;
  for (const origin of table.origins) {
    const standing = standings[origin.index];
    if (!standing || !origin.enabled) continue;
    const configured = origin.weight * standing.factor;
    if (configured <= 0) continue;
    eligible[origin.index] = 1;
    eligibleCount++;
    const ramp = rampFactor(standing.rampStart, now, table.config.slowStartMs);
    ramped[origin.index] = configured * ramp.factor;
    if (ramp.nextChangeAt < validUntil) validUntil = ramp.nextChangeAt;
    if (standing.ejectedUntil > now && standing.ejectedUntil < validUntil) validUntil = standing.ejectedUntil;
    if (standing.healthy && standing.ejectedUntil <= now) {
      serving[origin.index] = 1;
      servingCount++;
    }
  }
  const healthyShare = eligibleCount === 0 ? 1 : servingCount / eligibleCount;
  const panic = eligibleCount > 0 && healthyShare < table.config.panicThreshold;
  const usable = panic ? eligible : serving;
  const pools = table.pools.map((pool): PoolPlan => {
    const members: number[] = [];
    const memberWeights: number[] = [];
    let poolServing = 0;
    let poolEligible = 0;
    for (const origin of pool.origins) {
      poolServing += serving[origin] ?? 0;
      poolEligible += eligible[origin] ?? 0;
      if (usable[origin] !== 1) continue;
      members.push(origin);
      memberWeights.push(ramped[origin] ?? 0);
      weights[origin] = ramped[origin] ?? 0;
    }
    const candidates = buildCandidates(members, memberWeights, pool.index);
    const effectiveServing = panic ? candidates.members.length : poolServing;
    const seeds = Uint32Array.from(candidates.members, (origin) => table.origins[origin]?.seed ?? 0);
    return {
      candidates,
      seeds,
      serving: effectiveServing,
      eligible: poolEligible,
      qualifies: effectiveServing >= pool.minHealthy && candidates.total > 0,
    };
  });
  return { pools, panic, healthyShare, weights, serving, validUntil };
}
