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
