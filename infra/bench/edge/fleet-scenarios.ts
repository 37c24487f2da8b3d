import type { BalancingStrategy } from "../../../edge/balancing/strategy.ts";
import type { FleetOutcome, FleetScenario } from "./fleet-simulation.ts";
import { simulateFleet } from "./fleet-simulation.ts";
import { quantile } from "./pool-simulation.ts";

/** The fleet benchmark's three pools, each run at a given number of isolates. */

const BASE = {
  utilisation: 0.6,
  isolateLifetimeMs: 60_000,
  connectMs: 10,
  clientTimeoutMs: 1_000,
  slow: null,
  failing: null,
} as const;

/** Ten equal origins; one turns 10x slower for the middle half of the run. */
export function slowScenario(isolates: number, durationMs: number, seed: number): FleetScenario {
  return {
    ...BASE,
    origins: Array.from({ length: 10 }, () => ({ weight: 100, workers: 4, serviceMs: 10 })),
    durationMs,
    isolates,
    slow: { origin: 0, factor: 10, fromMs: durationMs * 0.25, toMs: durationMs * 0.75 },
    seed,
  };
}

/** Four healthy origins weighted 60/25/10/5, each with capacity in proportion to its weight (so
 * equally healthy); their latencies still differ by queueing noise and connection set-up. */
export const WEIGHTED = [60, 25, 10, 5];
export function weightsScenario(isolates: number, durationMs: number, seed: number): FleetScenario {
  return {
    ...BASE,
    origins: WEIGHTED.map((weight) => ({ weight, workers: weight, serviceMs: 25 })),
    durationMs,
    isolates,
    seed,
  };
}

/** Three equal origins of 20 ms, sized so the pool takes the same arrivals as the other two
 * (2,400 a second at 60 %); the first answers 503 at once on 15 % of its requests. */
export const FAIL_SHARE = 0.15;
export function failingScenario(isolates: number, durationMs: number, seed: number): FleetScenario {
  return {
    ...BASE,
    origins: Array.from({ length: 3 }, () => ({ weight: 100, workers: 27, serviceMs: 20 })),
    durationMs,
    isolates,
    failing: { origin: 0, share: FAIL_SHARE, answerMs: 1 },
    seed,
  };
}

/** What the fleet table reports for one strategy at one fleet size. */
export type FleetRow = {
  p50: number;
  p99: number;
  p999: number;
  slowShare: number;
  /** Largest gap, in points, between an origin's share and its weight share (weights pool). */
  adherenceGap: number;
  /** The fast-failing origin's share of requests, over its weight share. */
  failingShareOfWeight: number;
  /** Client-visible failures in the failing pool. */
  failingClientFailures: number;
  coldStarts: number;
};

function shares(outcome: FleetOutcome): number[] {
  return Array.from(outcome.picks, (picks) => picks / Math.max(1, outcome.requests));
}

/** Runs the three pools for one strategy at one fleet size. */
export function fleetRow(
  make: () => BalancingStrategy,
  isolates: number,
  durationMs: number,
  seed: number,
): FleetRow {
  const slow = simulateFleet(make, slowScenario(isolates, durationMs, seed));
  const sorted = slow.latencies.slice().sort();
  const weighted = simulateFleet(make, weightsScenario(isolates, durationMs, seed + 1));
  const total = WEIGHTED.reduce((sum, w) => sum + w, 0);
  const gap = Math.max(...shares(weighted).map((share, k) => Math.abs(share - (WEIGHTED[k] ?? 0) / total)));
  const failing = simulateFleet(make, failingScenario(isolates, durationMs, seed + 2));
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    slowShare: slow.toSlowDuringSlowdown / Math.max(1, slow.duringSlowdown),
    adherenceGap: 100 * gap,
    failingShareOfWeight: (shares(failing)[0] ?? 0) * 3,
    failingClientFailures: failing.failed / Math.max(1, failing.requests),
    coldStarts: slow.coldStarts,
  };
}
