import { build } from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";

/** Why a request did not succeed. `capped`: not sent, the concurrency cap was full (an open-loop
 * client drops rather than queues, so a slow target cannot hide its latency). */
export const FAILURE_KINDS = ["timeout", "connect", "http-5xx", "http-4xx", "capped", "other"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The outcome of one request as the sender saw it. */
export type SendResult =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; kind: Exclude<FailureKind, "capped">; status?: number; latencyMs: number; message?: string };

/** Latency percentiles in milliseconds. */
export type LatencyPercentiles = { p50: number; p95: number; p99: number; max: number };

/** A point-in-time view of the counters. */
export type StatsSnapshot = {
  sent: number;
  ok: number;
  failed: number;
  failures: Record<FailureKind, number>;
  inFlight: number;
  latency: LatencyPercentiles;
};

function newHistogram(): Histogram {
  // Microseconds from 1 µs to one hour, 2 significant digits (1 % resolution).
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
  });
}

function percentiles(histogram: Histogram): LatencyPercentiles {
  if (histogram.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const ms = (us: number): number => Math.round(us / 10) / 100;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}

/** Live counters of a replay: totals since the start, and an interval window for live lines.
 * Latency (HdrHistogram) counts every answered request, failed ones included. */
export class ReplayStats {
  sent = 0;
  ok = 0;
  inFlight = 0;
  readonly failures: Record<FailureKind, number> = {
    timeout: 0,
    connect: 0,
    "http-5xx": 0,
    "http-4xx": 0,
    capped: 0,
    other: 0,
  };
  readonly byCity = new Map<string, number>();
  readonly byStatus = new Map<number, number>();
  readonly #total = newHistogram();
  readonly #interval = newHistogram();
  #intervalCounts = { sent: 0, ok: 0, failed: 0 };

  /** Counts a request as it leaves. */
  recordSent(city: string): void {
    this.sent++;
    this.inFlight++;
    this.#intervalCounts.sent++;
    this.byCity.set(city, (this.byCity.get(city) ?? 0) + 1);
  }

  /** Counts an arrival dropped because the concurrency cap was full. */
  recordCapped(): void {
    this.failures.capped++;
    this.#intervalCounts.failed++;
  }

  /** Counts a request's outcome. */
  recordResult(result: SendResult): void {
    this.inFlight--;
    if (result.status !== undefined)
      this.byStatus.set(result.status, (this.byStatus.get(result.status) ?? 0) + 1);
    if (result.ok) {
      this.ok++;
      this.#intervalCounts.ok++;
    } else {
      this.failures[result.kind]++;
      this.#intervalCounts.failed++;
    }
    const us = Math.max(1, Math.round(result.latencyMs * 1000));
    this.#total.recordValue(us);
    this.#interval.recordValue(us);
  }

  /** Failed requests of every kind, capped ones included. */
  get failed(): number {
    return FAILURE_KINDS.reduce((sum, kind) => sum + this.failures[kind], 0);
  }

  /** Totals since the start. */
  snapshot(): StatsSnapshot {
    return {
      sent: this.sent,
      ok: this.ok,
      failed: this.failed,
      failures: { ...this.failures },
      inFlight: this.inFlight,
      latency: percentiles(this.#total),
    };
  }

  /** Counts and latency since the previous call, then starts a new window. */
  takeInterval(): { sent: number; ok: number; failed: number; latency: LatencyPercentiles } {
    const out = { ...this.#intervalCounts, latency: percentiles(this.#interval) };
    this.#interval.reset();
    this.#intervalCounts = { sent: 0, ok: 0, failed: 0 };
    return out;
  }
}
