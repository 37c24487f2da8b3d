/**
 * Peak EWMA latency, as in Finagle's PeakEwma and tower's (Linkerd's) `PeakEwma`: a new sample
 * above the estimate replaces it at once (peak-sensitive, so a slowing origin is avoided
 * immediately); a lower one is blended in by how much time has passed. While an origin is not
 * observed its estimate decays toward a reference, as theirs decays toward zero so that an
 * avoided origin is eventually probed again; ours decays toward the pool's typical latency
 * (`referenceMs`), so an origin that is merely picked less often (a small weight, sparse
 * traffic) is not mistaken for a fast one and the weights keep holding.
 */

/** Default decay time constant (Finagle and Linkerd use 10 s). */
export const DEFAULT_DECAY_MS = 10_000;

/** The estimate at `now`, decayed from the one stored at `at` toward `referenceMs`; an origin
 * never observed (estimate 0) is assumed to be at the reference. */
export function decayedLatency(
  estimateMs: number,
  at: number,
  now: number,
  decayMs: number,
  referenceMs = 0,
): number {
  if (estimateMs === 0) return referenceMs;
  const elapsed = now - at;
  return elapsed <= 0 ? estimateMs : referenceMs + (estimateMs - referenceMs) * Math.exp(-elapsed / decayMs);
}

/** A plain time-decayed EWMA (no peak): the typical latency of a pool, the reference its
 * origins' estimates decay toward. */
export function blendLatency(
  estimateMs: number,
  at: number,
  rttMs: number,
  now: number,
  decayMs: number,
): number {
  if (estimateMs === 0) return rttMs;
  const decay = Math.exp(-Math.max(0, now - at) / decayMs);
  return estimateMs * decay + rttMs * (1 - decay);
}

/** The estimate after observing `rttMs` at `now`. */
export function observeLatency(
  estimateMs: number,
  at: number,
  rttMs: number,
  now: number,
  decayMs: number,
): number {
  if (rttMs >= estimateMs) return rttMs;
  const elapsed = Math.max(0, now - at);
  const decay = Math.exp(-elapsed / decayMs);
  return estimateMs * decay + rttMs * (1 - decay);
}

/** Finagle's cost of sending one more request: latency x (in flight + 1). With no latency known
 * at all (nothing observed in the pool yet), in-flight requests get a large penalty so a burst
 * does not pile onto one origin before its first answer. */
export function peakEwmaCost(estimateMs: number, inflight: number): number {
  if (estimateMs === 0) return inflight === 0 ? 0 : PENDING_PENALTY_MS + inflight;
  return estimateMs * (inflight + 1);
}

const PENDING_PENALTY_MS = 1e9;
