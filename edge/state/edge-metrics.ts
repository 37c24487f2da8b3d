import type { FailureKind } from "../resilience/retry-policy.ts";

/** Upper bounds (seconds) of the request duration histogram. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type Histogram = { counts: Float64Array; sum: number; count: number };

/** Why the edge answered a request itself instead of an origin. */
export type RejectReason = "no_table" | "no_origin" | "overloaded" | "rate_limited" | "all_tries_failed";

/** This isolate's counters (Prometheus counters are per process; Prometheus sums isolates). */
export class EdgeMetrics {
  readonly requests = new Map<string, { pool: string; origin: string; code: string; value: number }>();
  readonly durations = new Map<string, { pool: string; origin: string; histogram: Histogram }>();
  readonly upstreamErrors = new Map<string, { origin: string; kind: FailureKind; value: number }>();
  readonly retries = new Map<string, number>();
  readonly ejections = new Map<string, number>();
  readonly rejected = new Map<RejectReason, number>();
  retryBudgetExhausted = 0;

  /** Counts one answered client request and its duration. */
  request(pool: string, origin: string, status: number, seconds: number): void {
    const code = String(status);
    const key = `${pool}\u0000${origin}\u0000${code}`;
    const entry = this.requests.get(key);
    if (entry) entry.value++;
    else this.requests.set(key, { pool, origin, code, value: 1 });
    const durationKey = `${pool}\u0000${origin}`;
    let duration = this.durations.get(durationKey);
    if (!duration) {
      duration = { pool, origin, histogram: { counts: new Float64Array(DURATION_BUCKETS.length), sum: 0, count: 0 } };
      this.durations.set(durationKey, duration);
    }
    const histogram = duration.histogram;
    for (let k = 0; k < DURATION_BUCKETS.length; k++) {
      if (seconds <= (DURATION_BUCKETS[k] ?? Infinity)) histogram.counts[k] = (histogram.counts[k] ?? 0) + 1;
    }
    histogram.sum += seconds;
    histogram.count++;
  }

  /** Counts a failed try. */
  upstreamError(origin: string, kind: FailureKind): void {
    const key = `${origin}\u0000${kind}`;
    const entry = this.upstreamErrors.get(key);
    if (entry) entry.value++;
    else this.upstreamErrors.set(key, { origin, kind, value: 1 });
  }

  /** Counts a retry caused by `origin`'s failure. */
  retry(origin: string): void {
    this.retries.set(origin, (this.retries.get(origin) ?? 0) + 1);
  }

  /** Counts an ejection. */
  ejection(origin: string): void {
    this.ejections.set(origin, (this.ejections.get(origin) ?? 0) + 1);
  }

  /** Counts a request the edge answered itself. */
  reject(reason: RejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }
}
