import { describe, expect, it } from "vitest";
import { validateOriginTable } from "./origin-table.ts";

const table = (resilience: unknown) => ({
  version: 1,
  updatedAt: "2026-01-01T00:00:00Z",
  pools: [
    {
      name: "eu",
      location: { lat: 50, lon: 8 },
      origins: [{ id: "a", url: "http://127.0.0.1:1", weight: 1 }],
    },
  ],
  resilience,
});

describe("the table's resilience block", () => {
  it("is optional, and accepts any subset of its knobs", () => {
    expect(validateOriginTable({ ...table(undefined), resilience: undefined }).ok).toBe(true);
    expect(
      validateOriginTable(
        table({
          ejection: { consecutiveFailures: 3 },
          slowStartMs: 0,
          rateLimit: { requestsPerSecond: 5, burst: 10 },
        }),
      ).ok,
    ).toBe(true);
  });

  it("reports every bad knob with its path", () => {
    const result = validateOriginTable(
      table({
        panicThreshold: 2,
        retry: { maxAttempts: 0 },
        healthCheck: { timeoutMs: 120_000 },
        surprise: true,
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((issue) => issue.path).sort()).toEqual([
        "resilience.healthCheck.timeoutMs",
        "resilience.panicThreshold",
        "resilience.retry.maxAttempts",
        "resilience.surprise",
      ]);
  });

  it("checks the rules between knobs", () => {
    const result = validateOriginTable(
      table({
        ejection: { baseMs: 60_000, maxMs: 10_000 },
        retry: { backoffBaseMs: 100, backoffMaxMs: 10 },
        rateLimit: { requestsPerSecond: 1, burst: 1, by: "header" },
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((issue) => issue.path)).toEqual([
        "resilience.ejection.maxMs",
        "resilience.retry.backoffMaxMs",
        "resilience.rateLimit.header",
      ]);
  });
});

describe("the balancing and outlier knobs", () => {
  it("accepts them and reports each bad one with its path", () => {
    expect(
      validateOriginTable(
        table({
          balancing: { latencyTolerance: 3, failurePenalty: 0, failureWindowMs: 10_000, warmupSamples: 2 },
          ejection: { successRate: { windowMs: 10_000, minRequests: 50, gap: 0.1 }, latency: { factor: 0 } },
        }),
      ).ok,
    ).toBe(true);
    const result = validateOriginTable(
      table({
        balancing: { latencyTolerance: 0.5, failureWindowMs: 10 },
        ejection: { successRate: { gap: 1.5 }, latency: { factor: 1 } },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "resilience.balancing.latencyTolerance",
        "resilience.balancing.failureWindowMs",
        "resilience.ejection.successRate.gap",
        "resilience.ejection.latency.factor",
      ]),
    );
  });

  it("refuses a latency-ejection factor within the latency tolerance, saying why", () => {
    const result = validateOriginTable(
      table({ balancing: { latencyTolerance: 4 }, ejection: { latency: { factor: 3 } } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual({
      path: "resilience.ejection.latency.factor",
      message: expect.stringContaining("must be above balancing.latencyTolerance (4)") as string,
    });
  });
});
