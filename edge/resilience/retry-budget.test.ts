import { describe, expect, it } from "vitest";
import { createRetryBudget, depositRequest, retriesLeft, withdrawRetry } from "./retry-budget.ts";

const config = { budgetRatio: 0.2, minPerSecond: 1 };

describe("retry budget", () => {
  it("allows the floor with no traffic", () => {
    const budget = createRetryBudget();
    expect(retriesLeft(budget, 0, config)).toBe(10);
  });

  it("caps retries at ratio x requests plus the floor during a full outage", () => {
    const budget = createRetryBudget();
    let granted = 0;
    for (let i = 0; i < 1_000; i++) {
      const now = i * 5; // 200 requests a second for 5 s
      depositRequest(budget, now);
      for (let attempt = 0; attempt < 2; attempt++) if (withdrawRetry(budget, now, config)) granted++;
    }
    expect(granted).toBeLessThanOrEqual(10 + 0.2 * 1_000);
    expect(granted).toBeGreaterThan(0.2 * 1_000);
  });

  it("refills as old requests and retries leave the ten-second window", () => {
    const budget = createRetryBudget();
    for (let i = 0; i < 10; i++) expect(withdrawRetry(budget, 0, config)).toBe(true);
    expect(withdrawRetry(budget, 0, config)).toBe(false);
    expect(withdrawRetry(budget, 9_999, config)).toBe(false);
    expect(withdrawRetry(budget, 10_000, config)).toBe(true);
    expect(retriesLeft(budget, 60_000, config)).toBe(10);
  });
});
