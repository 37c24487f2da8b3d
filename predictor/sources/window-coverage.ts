import type { RangePoint } from "./prometheus-range.ts";

/**
 * Which steps of a `query_range` answer rest on windows the source fully observed. `rate(x[1m])`
 * over a window that lost samples (Prometheus down, the target not scraped) extrapolates from
 * what is left and reads low: an origin at a steady 16 rps came back as 6.9, 5.5, 4.1, 2.5 around
 * a Prometheus restart. So each range selector of the expression is counted too
 * (`max(count_over_time(x[1m]))` at the same steps), and a step whose window holds fewer samples
 * than usual is left empty: a gap, which models and the scaler read as unknown, not as low load.
 */

const DURATION = String.raw`(?:\d+(?:ms|[smhdwy]))+`;
const SELECTOR = new RegExp(
  String.raw`((?:[a-zA-Z_:][a-zA-Z0-9_:]*)?(?:\{[^{}]*\})?)\s*\[\s*(${DURATION})\s*\](\s+offset\s+-?${DURATION})?`,
  "g",
);

/** The range selectors of an expression (`x{a="b"}[5m]`, with their offset), subqueries left out. */
export function rangeSelectors(query: string): string[] {
  const found = new Set<string>();
  for (const match of query.matchAll(SELECTOR)) {
    const [, selector = "", window = "", offset = ""] = match;
    if (selector.trim() === "") continue;
    found.add(`${selector}[${window}]${offset}`);
  }
  return [...found];
}

/** The expression counting the samples in each window of one range selector. */
export function coverageQuery(rangeSelector: string): string {
  return `max(count_over_time(${rangeSelector}))`;
}

/**
 * The steps whose window count is the usual one: at least the median count (less one when
 * windows hold four or more samples, as a scrape can fall either side of a window's edge).
 */
export function completeSteps(coverage: readonly RangePoint[]): Set<number> {
  const counts = coverage.map((p) => p.value).sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)] ?? 0;
  const needed = median >= 4 ? median - 1 : median;
  return new Set(coverage.filter((p) => p.value >= needed).map((p) => p.t));
}
