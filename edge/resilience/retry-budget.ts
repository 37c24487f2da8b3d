/**
 * A retry budget, as Finagle's RetryBudget and Linkerd's: over a sliding window of ten one-second
 * buckets, retries may not exceed `ratio` x requests + `minPerSecond` x window. An outage then
 * adds at most that share of extra load instead of multiplying it by the attempt count.
 * The state is plain data; functions update it in place (it sits on every request's path).
 */

const BUCKETS = 10;
const BUCKET_MS = 1_000;

export type RetryBudget = { requests: Float64Array; retries: Float64Array; second: number };

export type RetryBudgetConfig = { budgetRatio: number; minPerSecond: number };

/** An empty budget. */
export function createRetryBudget(): RetryBudget {
  return { requests: new Float64Array(BUCKETS), retries: new Float64Array(BUCKETS), second: -Infinity };
}

/** Moves the window to `now`, clearing buckets that fell out of it; returns the current slot. */
function advance(budget: RetryBudget, now: number): number {
  const second = Math.floor(now / BUCKET_MS);
  if (second > budget.second) {
    if (!Number.isFinite(budget.second) || second - budget.second >= BUCKETS) {
      budget.requests.fill(0);
      budget.retries.fill(0);
    } else {
      for (let s = budget.second + 1; s <= second; s++) {
        const slot = s % BUCKETS;
        budget.requests[slot] = 0;
        budget.retries[slot] = 0;
      }
    }
    budget.second = second;
  }
  // A clock that steps back a little (requests finishing out of order) counts in the newest bucket.
  return budget.second % BUCKETS;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** Counts one client request (a deposit). */
export function depositRequest(budget: RetryBudget, now: number): void {
  const slot = advance(budget, now);
  budget.requests[slot] = (budget.requests[slot] ?? 0) + 1;
}

/** Retries still allowed in the window at `now`. */
export function retriesLeft(budget: RetryBudget, now: number, config: RetryBudgetConfig): number {
  advance(budget, now);
  const allowance =
    config.budgetRatio * sum(budget.requests) + (config.minPerSecond * (BUCKETS * BUCKET_MS)) / 1000;
  return Math.max(0, Math.floor(allowance - sum(budget.retries)));
}

/** Takes one retry from the budget; false (and nothing taken) when it is spent. */
export function withdrawRetry(budget: RetryBudget, now: number, config: RetryBudgetConfig): boolean {
  if (retriesLeft(budget, now, config) < 1) return false;
  const slot = advance(budget, now);
  budget.retries[slot] = (budget.retries[slot] ?? 0) + 1;
  return true;
}
