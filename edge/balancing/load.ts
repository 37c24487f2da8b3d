import type { Rng } from "../../contracts/random.ts";

/** A latency estimate in ms as of `ewmaAt`; 0 before any observation. */
export type LatencyEstimate = { ewmaMs: number; ewmaAt: number };

/** One origin's load as this isolate sees it: requests in flight and its peak-EWMA latency. */
export type OriginLoad = LatencyEstimate & { inflight: number };

/** What a balancing strategy may read: the loads by origin index and the knobs that shape cost. */
export type LoadView = {
  readonly loads: readonly OriginLoad[];
  /** Each pool's typical latency (by pool index): what an unobserved origin is assumed to have. */
  readonly poolLatency: readonly LatencyEstimate[];
  /** In-flight cap per origin (0 = no cap): a capped origin is not available. */
  readonly maxInFlight: number;
  /** Decay time constant of the latency estimate, in ms. */
  readonly decayMs: number;
};

/** Everything a pick depends on besides the candidates: the time, the randomness, and the
 * origins already tried by this request (a retry never goes back to them). */
export type PickContext = {
  readonly now: number;
  readonly rng: Rng;
  readonly exclude: readonly number[];
};

/** True when the origin may take this request: not excluded and under its in-flight cap. */
export function isAvailable(origin: number, load: LoadView, context: PickContext): boolean {
  if (context.exclude.length > 0 && context.exclude.includes(origin)) return false;
  if (load.maxInFlight === 0) return true;
  const current = load.loads[origin];
  return current === undefined || current.inflight < load.maxInFlight;
}
