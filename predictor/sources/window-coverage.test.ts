import { describe, expect, it } from "vitest";
import { completeSteps, coverageQuery, rangeSelectors } from "./window-coverage.ts";

describe("rangeSelectors", () => {
  it("finds every range selector with its offset, and leaves subqueries out", () => {
    expect(
      rangeSelectors(
        'sum(rate(http_requests_total{job="o", code=~"5.."}[1m])) / sum(rate(http_requests_total[1m] offset 5m)) + max_over_time(up[5m:1m])',
      ),
    ).toEqual(['http_requests_total{job="o", code=~"5.."}[1m]', "http_requests_total[1m] offset 5m"]);
    expect(rangeSelectors("sum(up)")).toEqual([]);
    expect(coverageQuery("x[1m]")).toBe("max(count_over_time(x[1m]))");
  });
});

describe("completeSteps", () => {
  it("keeps steps whose window holds the usual count and drops those that lost samples", () => {
    const coverage = [4, 4, 5, 4, 2, 1, 3, 4, 4].map((value, i) => ({ t: i, value }));
    // Median 4: a window may miss one sample at its edge, not two.
    expect([...completeSteps(coverage)]).toEqual([0, 1, 2, 3, 6, 7, 8]);
    const sparse = [2, 2, 1, 2].map((value, i) => ({ t: i, value }));
    expect([...completeSteps(sparse)]).toEqual([0, 1, 3]);
    expect(completeSteps([]).size).toBe(0);
  });
});
