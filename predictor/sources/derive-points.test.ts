import { describe, expect, it } from "vitest";
import { counterIncrease, derivePoints, histogramQuantile } from "./derive-points.ts";
import { parseExposition } from "./exposition.ts";
import { originSampleOf } from "./origin-sample.ts";

/** An origin's /metrics page with `ok` 2xx and `failed` 5xx requests and a latency histogram. */
function page(ok: number, failed: number, buckets: [number, number, number], extra = ""): string {
  return [
    "# TYPE http_requests_total counter",
    `http_requests_total{code="200"} ${ok}`,
    ...(failed > 0 ? [`http_requests_total{code="503"} ${failed}`] : []),
    "# TYPE http_request_duration_seconds histogram",
    `http_request_duration_seconds_bucket{le="0.1"} ${buckets[0]}`,
    `http_request_duration_seconds_bucket{le="0.5"} ${buckets[1]}`,
    `http_request_duration_seconds_bucket{le="+Inf"} ${buckets[2]}`,
    `http_request_duration_seconds_count ${buckets[2]}`,
    extra,
  ].join("\n");
}
const sampleAt = (at: number, text: string) => originSampleOf(parseExposition(text), at);

describe("derivePoints", () => {
  it("turns two scrapes 60 s apart into request rate, error rate and p95 latency", () => {
    const before = sampleAt(0, page(1000, 0, [900, 990, 1000]));
    const after = sampleAt(60_000, page(1570, 30, [1400, 1560, 1600]));
    const points = derivePoints(before, after, 300_000);
    // 600 requests in 60 s, 30 of them 5xx (a code seen for the first time counts from zero).
    expect(points.rps).toBeCloseTo(10);
    expect(points.error_rate).toBeCloseTo(0.05);
    // Increases: <=0.1 s: 500, <=0.5 s: 570, all: 600. Rank 0.95 x 600 = 570 falls exactly at the
    // top of the 0.1-0.5 bucket.
    expect(points.p95_ms).toBeCloseTo(500);
  });

  it("leaves a gap, never a dip, across a restart of the origin (a counter that went down)", () => {
    const before = sampleAt(0, page(50_000, 0, [40_000, 49_000, 50_000], "process_cpu_utilization 0.4"));
    // Restarted 50 s into the interval at a steady 10 rps: 100 requests counted since, 500 lost.
    const after = sampleAt(60_000, page(100, 0, [90, 99, 100], "process_cpu_utilization 0.4"));
    const points = derivePoints(before, after, 300_000);
    expect(points).toEqual({ cpu: 0.4 });
    // The next interval is whole again: 600 requests in 60 s.
    const next = sampleAt(120_000, page(700, 0, [690, 699, 700]));
    expect(derivePoints(after, next, 300_000).rps).toBeCloseTo(10);
  });

  it("leaves a gap, never a zero, on the first scrape and after a long silence", () => {
    const first = sampleAt(0, page(10, 0, [10, 10, 10], "process_cpu_utilization 0.25"));
    expect(derivePoints(null, first, 300_000)).toEqual({ cpu: 0.25 });
    const muchLater = sampleAt(3_600_000, page(20, 0, [20, 20, 20]));
    expect(derivePoints(first, muchLater, 300_000)).toEqual({});
  });

  it("reports no latency when no request finished in the interval", () => {
    const before = sampleAt(0, page(10, 0, [10, 10, 10]));
    const after = sampleAt(60_000, page(10, 0, [10, 10, 10]));
    const points = derivePoints(before, after, 300_000);
    expect(points.rps).toBe(0);
    expect(points.error_rate).toBe(0);
    expect(points.p95_ms).toBeUndefined();
  });
});

describe("histogramQuantile", () => {
  it("interpolates inside the bucket and answers the highest finite bound for the +Inf bucket", () => {
    const cumulative = new Map([
      [0.1, 50],
      [0.2, 90],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(histogramQuantile(0.5, cumulative)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.7, cumulative)).toBeCloseTo(0.15);
    expect(histogramQuantile(0.95, cumulative)).toBe(0.2);
    expect(
      histogramQuantile(
        0.95,
        new Map([
          [0.1, 0],
          [Number.POSITIVE_INFINITY, 0],
        ]),
      ),
    ).toBeNull();
  });
});

describe("counterIncrease", () => {
  it("is the difference, or the new value after a reset", () => {
    expect(counterIncrease(10, 15)).toBe(5);
    expect(counterIncrease(10, 3)).toBe(3);
    expect(counterIncrease(undefined, 4)).toBe(4);
  });
});
