import type { Rng } from "../../contracts/random.ts";

/** A latency estimate in ms as of `ewmaAt`; 0 before any observation. */
export type LatencyEstimate = { ewmaMs: number; ewmaAt: number };

/** A pool's typical latency, with the number of latency samples its origins have given. */
export type PoolEstimate = LatencyEstimate & { samples?: number };

/** One origin's load as this isolate sees it: requests in flight, its peak-EWMA latency, a
 * smoothed latency with its sample count (the weight-first rule's estimate) and its recent tries
 * and failures (counts decayed over the failure window, as of `outcomesAt`). */
export type OriginLoad = LatencyEstimate & {
  inflight: number;
  smoothMs: number;
  smoothAt: number;
  samples: number;
  /** The pool's sample count when `smoothMs` was last updated. */
  smoothSeq: number;
  tries: number;
  failures: number;
  outcomesAt: number;
};

/** The load of an origin nothing is known about yet. */
export function unknownLoad(): OriginLoad {
  return {
    inflight: 0,
    ewmaMs: 0,
    ewmaAt: 0,
    smoothMs: 0,
    smoothAt: 0,
    samples: 0,
    smoothSeq: 0,
    tries: 0,
    failures: 0,
    outcomesAt: 0,
  };
}

/** The weight-first rule's knobs (resilience.balancing in the table). */
export type ChoiceKnobs = {
  readonly latencyTolerance: number;
  readonly latencyMarginMs: number;
  readonly failurePenalty: number;
  readonly failureWindowMs: number;
  readonly warmupSamples: number;
};

/** What a balancing strategy may read: the loads by origin index and the knobs that shape cost. */
export type LoadView = {
  readonly loads: readonly OriginLoad[];
  /** Each pool's typical latency (by pool index): what an unobserved origin is assumed to have. */
  readonly poolLatency: readonly PoolEstimate[];
  /** In-flight cap per origin (0 = no cap): a capped origin is not available. */
  readonly maxInFlight: number;
  /** Decay time constant of the latency estimate, in ms. */
  readonly decayMs: number;
  readonly knobs: ChoiceKnobs;
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
