import type { LoadView, OriginLoad, PoolEstimate } from "./load.ts";
import { DEFAULT_DECAY_MS, blendLatency, observeLatency } from "./peak-ewma.ts";

/**
 * What the weight-first rule believes about one origin, from what this isolate has seen: a
 * smoothed latency that one sample cannot make true (a warm-up prior at the pool's typical
 * latency), and the share of its recent tries that failed. Pure functions of plain data; the
 * caller supplies `now`.
 */

/** Smoothing of the latency estimate: a slower sample moves it half way at once (an overloaded
 * origin is seen quickly), a faster one a quarter (one quick answer is not a recovery). */
const RISE = 0.5;
const FALL = 0.25;

/** How one try ended, as the balancer learns from it: the time to the answer's headers (null
 * when none came or it was a 5xx, whose speed says nothing good), and whether it failed. */
export type TryObservation = { readonly rttMs: number | null; readonly failed: boolean };

/** Pool samples over which an unobserved origin's estimate decays by a factor e, at least: with
 * sparse traffic (an isolate among thousands) a decay by time alone would probe an avoided origin
 * with a larger share of the isolate's requests, and a whole fleet of isolates would overload it
 * with probes. Dense traffic decays by time (`decayMs`), as Finagle does. */
export const PROBE_SAMPLES = 200;

/** The smoothed estimate at `now`, decayed toward `referenceMs` by the time and the pool
 * samples that passed since it was updated, whichever decays it less. */
function decayedSmooth(
  load: OriginLoad,
  pool: PoolEstimate | undefined,
  now: number,
  decayMs: number,
): number {
  const referenceMs = pool?.ewmaMs ?? 0;
  const byTime = Math.max(0, now - load.smoothAt) / decayMs;
  const bySamples = Math.max(0, (pool?.samples ?? 0) - load.smoothSeq) / PROBE_SAMPLES;
  const exponent = Math.min(byTime, bySamples);
  return exponent <= 0 ? load.smoothMs : referenceMs + (load.smoothMs - referenceMs) * Math.exp(-exponent);
}

/** Decay factor of counts last updated at `at`, over a window of `windowMs`. */
function countDecay(at: number, now: number, windowMs: number): number {
  const elapsed = now - at;
  return elapsed <= 0 ? 1 : Math.exp(-elapsed / windowMs);
}

/** The latency the rule compares at `now`: the smoothed estimate, decayed toward the pool's
 * typical latency while unobserved, and blended with it as if the pool had given
 * `warmupSamples` samples of its own (so one answer over a new connection is not the truth). */
export function estimatedLatency(
  load: OriginLoad,
  pool: PoolEstimate | undefined,
  now: number,
  view: LoadView,
): number {
  const referenceMs = pool?.ewmaMs ?? 0;
  if (load.samples === 0) return referenceMs;
  const own = decayedSmooth(load, pool, now, view.decayMs);
  if (referenceMs <= 0) return own;
  const prior = view.knobs.warmupSamples;
  return (load.samples * own + prior * referenceMs) / (load.samples + prior);
}

/** The share of recent tries that failed, with one success assumed (so one failure in a cold
 * isolate counts as half, not as all). */
export function failureShare(load: OriginLoad, now: number, windowMs: number): number {
  if (load.failures <= 0) return 0;
  const decay = countDecay(load.outcomesAt, now, windowMs);
  return (load.failures * decay) / (load.tries * decay + 1);
}

/** The factor (0, 1] an origin's weight is taken at: 1 / (1 + penalty x failure share). */
export function healthFactor(load: OriginLoad, now: number, view: LoadView): number {
  const penalty = view.knobs.failurePenalty;
  if (penalty === 0 || load.failures <= 0) return 1;
  return 1 / (1 + penalty * failureShare(load, now, view.knobs.failureWindowMs));
}

/** Updates an origin's load (and its pool's typical latency) after one try. Failures never make
 * an origin look faster: only answers that were not 5xx give a latency sample, and a timeout's
 * sample is the whole timeout. */
export function observeTry(
  load: OriginLoad,
  pool: PoolEstimate | undefined,
  outcome: TryObservation,
  now: number,
  view: LoadView,
): void {
  const rtt = outcome.rttMs;
  if (rtt !== null) {
    const decayMs = view.decayMs || DEFAULT_DECAY_MS;
    load.ewmaMs = observeLatency(load.ewmaMs, load.ewmaAt, rtt, now, decayMs);
    load.ewmaAt = now;
    if (load.samples === 0) load.smoothMs = rtt;
    else {
      const base = decayedSmooth(load, pool, now, decayMs);
      load.smoothMs = base + (rtt > base ? RISE : FALL) * (rtt - base);
    }
    load.smoothAt = now;
    load.samples++;
    if (pool) {
      pool.samples = (pool.samples ?? 0) + 1;
      load.smoothSeq = pool.samples;
      pool.ewmaMs = blendLatency(pool.ewmaMs, pool.ewmaAt, rtt, now, decayMs);
      pool.ewmaAt = now;
    }
  }
  const decay = load.tries > 0 ? countDecay(load.outcomesAt, now, view.knobs.failureWindowMs) : 0;
  load.tries = load.tries * decay + 1;
  load.failures = load.failures * decay + (outcome.failed ? 1 : 0);
  load.outcomesAt = now;
}
