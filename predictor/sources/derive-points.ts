import type { MetricName } from "../../contracts/index.ts";
import type { OriginSample } from "./origin-sample.ts";

/**
 * Turns two consecutive scrapes of an origin into one point per series, the way PromQL's
 * `rate()` and `histogram_quantile()` do. A label set seen for the first time counts from zero.
 * A counter that went down means the origin restarted in between: what it counted from the
 * previous scrape to its restart is lost, so the rates of that interval would read low (the dip
 * an outage leaves in `rate()`); they are left out, a gap, as they are on the first scrape and
 * after too long a silence. Gaps are unknown load, never zero.
 */
export function derivePoints(
  previous: OriginSample | null,
  current: OriginSample,
  maxIntervalMs: number,
): Partial<Record<MetricName, number>> {
  const points: Partial<Record<MetricName, number>> = {};
  if (current.cpu !== undefined) points.cpu = current.cpu;
  if (!previous) return points;
  const elapsed = (current.at - previous.at) / 1000;
  if (elapsed <= 0 || elapsed * 1000 > maxIntervalMs) return points;
  if (restarted(previous, current)) return points;
  let total = 0;
  let errors = 0;
  let sawRequests = false;
  for (const [key, now] of Object.entries(current.requests)) {
    sawRequests = true;
    const increase = counterIncrease(previous.requests[key]?.value, now.value);
    total += increase;
    if (now.code.startsWith("5")) errors += increase;
  }
  if (sawRequests) {
    points.rps = total / elapsed;
    points.error_rate = total > 0 ? errors / total : 0;
  }
  const p95 = histogramQuantile(0.95, bucketIncreases(previous, current));
  if (p95 !== null) points.p95_ms = p95 * 1000;
  return points;
}

/** Whether a request counter or a latency histogram's count went down between the scrapes. */
export function restarted(previous: OriginSample, current: OriginSample): boolean {
  for (const [key, now] of Object.entries(current.requests)) {
    const before = previous.requests[key];
    if (before && now.value < before.value) return true;
  }
  for (const [key, now] of Object.entries(current.durations)) {
    const before = previous.durations[key];
    if (before && now.count < before.count) return true;
  }
  return false;
}

/** Increase of a counter between two readings; a drop means a reset, counted from zero. */
export function counterIncrease(before: number | undefined, after: number): number {
  if (before === undefined || after < before) return after;
  return after - before;
}

/** Per upper bound, the requests that fell at or below it between the scrapes, summed over label
 * sets (each label set's reset detected on its own, by its count going down). */
export function bucketIncreases(previous: OriginSample, current: OriginSample): Map<number, number> {
  const sums = new Map<number, number>();
  for (const [key, now] of Object.entries(current.durations)) {
    const before = previous.durations[key];
    const reset = !before || now.count < before.count;
    for (const [le, value] of Object.entries(now.buckets)) {
      const increase = reset ? value : counterIncrease(before.buckets[le], value);
      const bound = Number(le);
      sums.set(bound, (sums.get(bound) ?? 0) + increase);
    }
  }
  return sums;
}

/**
 * The q-quantile of a cumulative histogram, by linear interpolation inside the bucket it falls
 * in, as Prometheus's `histogram_quantile` does: below the first bound it interpolates from 0;
 * in the +Inf bucket it answers the highest finite bound. Null when no observation happened.
 */
export function histogramQuantile(q: number, cumulative: Map<number, number>): number | null {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const last = bounds[bounds.length - 1];
  if (last !== Number.POSITIVE_INFINITY || bounds.length < 2) return null;
  // Rounding can make a cumulative count dip; counts never go down in a valid histogram.
  let running = 0;
  const counts = bounds.map((b) => (running = Math.max(running, cumulative.get(b) ?? 0)));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  const index = counts.findIndex((c) => c >= rank);
  const upper = bounds[index] ?? Number.POSITIVE_INFINITY;
  if (upper === Number.POSITIVE_INFINITY) return bounds[bounds.length - 2] ?? null;
  const lower = index > 0 ? (bounds[index - 1] ?? 0) : Math.min(0, upper);
  const below = index > 0 ? (counts[index - 1] ?? 0) : 0;
  const inBucket = (counts[index] ?? 0) - below;
  if (index === 0 && upper <= 0) return upper;
  return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
}
