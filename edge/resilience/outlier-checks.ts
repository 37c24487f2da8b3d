import type { LatencyOutlierConfig, SuccessRateConfig } from "../../contracts/outlier-settings.ts";

/**
 * Outlier checks beside consecutive failures, after Envoy's outlier detection: success rate
 * (an origin well below the rest of its pool, over a window, with a minimum volume) and latency
 * (an origin far slower than its pool's typical latency for a sustained time; Envoy's issue
 * #288 has asked for this since 2016). Both compare an origin with its own pool, so a pool
 * failing or slowing as a whole (a shared database down) ejects nobody. Pure: the caller keeps
 * the counts and supplies `now`.
 */

/** Tries and failures decayed exponentially over a window (time constant `windowMs`), as of `at`:
 * a sliding window without buckets. Counts of a pool are the sums of its origins'. */
export type WindowCounts = { tries: number; failures: number; at: number };

/** Empty counts. */
export function emptyCounts(): WindowCounts {
  return { tries: 0, failures: 0, at: 0 };
}

/** Brings counts to `now` (in place). */
export function decayCounts(counts: WindowCounts, now: number, windowMs: number): void {
  const elapsed = now - counts.at;
  if (elapsed > 0) {
    const decay = Math.exp(-elapsed / windowMs);
    counts.tries *= decay;
    counts.failures *= decay;
    counts.at = now;
  }
}

/** Adds one try's outcome at `now` (in place). */
export function countOutcome(counts: WindowCounts, failed: boolean, now: number, windowMs: number): void {
  decayCounts(counts, now, windowMs);
  counts.at = Math.max(counts.at, now);
  counts.tries += 1;
  if (failed) counts.failures += 1;
}

/** Removes `part` (brought to the same time) from `whole`, as when an ejected origin's counts
 * start again. */
export function subtractCounts(whole: WindowCounts, part: WindowCounts, now: number, windowMs: number): void {
  decayCounts(whole, now, windowMs);
  decayCounts(part, now, windowMs);
  whole.tries = Math.max(0, whole.tries - part.tries);
  whole.failures = Math.max(0, whole.failures - part.failures);
}

/** The verdict of the success-rate check, with the rates it compared. */
export type SuccessRateVerdict = { outlier: boolean; own: number; rest: number };

/** Is an origin with counts `own`, in a pool with counts `pool` (its own included, both as of the
 * same time), a success-rate outlier? Both it and the rest of the pool need `minRequests` tries. */
export function successRateOutlier(
  own: WindowCounts,
  pool: WindowCounts,
  config: SuccessRateConfig,
): SuccessRateVerdict {
  const restTries = pool.tries - own.tries;
  const ownRate = own.tries > 0 ? 1 - own.failures / own.tries : 1;
  const restRate = restTries > 0 ? 1 - Math.max(0, pool.failures - own.failures) / restTries : 1;
  const enough =
    config.gap > 0 &&
    config.minRequests > 0 &&
    own.tries >= config.minRequests &&
    restTries >= config.minRequests;
  return { outlier: enough && ownRate < restRate - config.gap, own: ownRate, rest: restRate };
}

/** The latency check after one answer (a difference within `marginMs`, the choice rule's margin, is
 * never slow): `slowSince` is when the origin was first seen above the
 * threshold in the current stretch (-1: it is not), returned updated with the verdict. */
export function latencyOutlier(
  slowSince: number,
  ownMs: number,
  poolMs: number,
  samples: number,
  now: number,
  config: LatencyOutlierConfig,
  marginMs = 0,
): { slowSince: number; outlier: boolean } {
  const slow = ownMs > config.factor * poolMs && ownMs - poolMs > marginMs;
  if (config.factor === 0 || poolMs <= 0 || samples < config.minRequests || !slow)
    return { slowSince: -1, outlier: false };
  const since = slowSince < 0 ? now : slowSince;
  return { slowSince: since, outlier: now - since >= config.sustainMs };
}
