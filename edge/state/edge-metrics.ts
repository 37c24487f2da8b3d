import type { FailureKind } from "../resilience/retry-policy.ts";

/** Upper bounds (seconds) of the request duration histogram. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Answers of one (pool, origin): counts by status code and a duration histogram. Buckets are
 * kept per interval (one increment a request) and made cumulative only when rendered. */
export type RequestSeries = {
  readonly pool: string;
  readonly origin: string;
  readonly codes: Map<number, number>;
  /** Requests per duration interval; the last slot is above the largest bound. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
};

/** Why the edge answered a request itself instead of an origin. */
export type RejectReason =
  | "no_table"
  | "no_origin"
  | "overloaded"
  | "rate_limited"
  | "all_tries_failed"
  | "admin_token"
  | "refused_request";

/** The histogram slot of a duration: the first bound it does not exceed. */
function bucketOf(seconds: number): number {
  for (let k = 0; k < DURATION_BUCKETS.length; k++)
    if (seconds <= (DURATION_BUCKETS[k] ?? Infinity)) return k;
  return DURATION_BUCKETS.length;
}

/** This isolate's counters (Prometheus counters are per process; Prometheus sums isolates). The
 * hot path records into a series looked up once per table version, never by building a key. */
export class EdgeMetrics {
  readonly series = new Map<string, RequestSeries>();
  readonly upstreamErrors = new Map<string, { origin: string; kind: FailureKind; value: number }>();
  readonly retries = new Map<string, number>();
  readonly ejections = new Map<string, number>();
  readonly rejected = new Map<RejectReason, number>();
  retryBudgetExhausted = 0;
  /** Analytics Engine writes that threw (the requests were answered all the same). */
  analyticsWriteFailures = 0;

  /** The series of (pool, origin), created on first use. */
  seriesFor(pool: string, origin: string): RequestSeries {
    const key = `${pool}\u0000${origin}`;
    let found = this.series.get(key);
    if (!found) {
      found = {
        pool,
        origin,
        codes: new Map(),
        buckets: new Float64Array(DURATION_BUCKETS.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, found);
    }
    return found;
  }

  /** Counts one answered client request and its duration in `series`. */
  record(series: RequestSeries, status: number, seconds: number): void {
    series.codes.set(status, (series.codes.get(status) ?? 0) + 1);
    const slot = bucketOf(seconds);
    series.buckets[slot] = (series.buckets[slot] ?? 0) + 1;
    series.sum += seconds;
    series.count++;
  }

  /** Counts one answered client request and its duration. */
  request(pool: string, origin: string, status: number, seconds: number): void {
    this.record(this.seriesFor(pool, origin), status, seconds);
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
