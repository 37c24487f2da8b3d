import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster } from "../../predictor/models/index.ts";
import { memoizeForecaster } from "./memo-forecaster.ts";
import type { SimulateOptions } from "./simulate.ts";
import { DEFAULT_SIMULATE_OPTIONS, sharedForecaster, simulate, trainOnHead } from "./simulate.ts";
import type { LoadSeries } from "./trace-series.ts";

const START = Date.UTC(2026, 0, 5);

/** A forecaster that counts its calls: the mean is the last value plus the step number. */
function counting(): Forecaster & { calls: number } {
  const f = {
    kind: "seasonal-naive" as const,
    version: "test",
    trainedAt: new Date(START).toISOString(),
    calls: 0,
    forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
      f.calls++;
      const last = history.values[history.values.length - 1] ?? 0;
      const mean = Array.from({ length: horizon }, (_, h) => last + h + 1);
      return Promise.resolve({ mean, lower: [...mean], upper: [...mean] });
    },
  };
  return f;
}

describe("memoizing forecaster", () => {
  it("forecasts each distinct history and horizon once, and hands every caller its own copy", async () => {
    const inner = counting();
    const memo = memoizeForecaster(inner);
    const history = { start: START, stepSeconds: 60, values: [1, 2, 3] };
    const a = await memo.forecast(history, 2);
    a.mean[0] = -1;
    const b = await memo.forecast({ ...history, values: [1, 2, 3] }, 2);
    expect(b.mean).toEqual([4, 5]);
    expect(inner.calls).toBe(1);
    await memo.forecast(history, 3);
    await memo.forecast({ ...history, values: [1, 2, 4] }, 2);
    await memo.forecast({ ...history, start: START + 60_000 }, 2);
    expect(inner.calls).toBe(4);
    expect(memo.stats()).toEqual({ requests: 5, hits: 1, hitRate: 0.2 });
  });

  it("lets the AWS-style baseline at five targets share the policy's forecasts: no model call past the first target", async () => {
    // Eight days of a daily cycle at 5-minute steps.
    const values = Array.from({ length: 8 * 288 }, (_, i) => 100 + 80 * Math.sin((2 * Math.PI * i) / 288));
    const series: LoadSeries = { start: START, stepSeconds: 300, values };
    const options: SimulateOptions = {
      ...DEFAULT_SIMULATE_OPTIONS,
      trainFraction: 0.5,
      rpsPerReplica: 10,
      kinds: ["seasonal-naive"],
    };
    const trained = await trainOnHead(series, options);
    const memo = sharedForecaster(trained);
    await simulate(series, "predictive", options, trained);
    const policy = memo.stats();
    // The policy asks once per bucket of the replayed half: 4 days of 288.
    expect(policy.requests).toBe(4 * 288);
    expect(policy.hits).toBe(0);
    await simulate(series, "aws-predictive", { ...options, targetUtilization: 0.7 }, trained);
    const first = memo.stats();
    const modelCalls = (s: { requests: number; hits: number }) => s.requests - s.hits;
    // Each hour's schedule starts from the policy's forecast at that bucket (a hit), extended by
    // recursive forecasts the policy never asked for (misses).
    const awsRequests = first.requests - policy.requests;
    expect(first.hits).toBeGreaterThanOrEqual(4 * 24);
    for (const target of [0.6, 0.5, 0.4, 0.3])
      await simulate(series, "aws-predictive", { ...options, targetUtilization: target }, trained);
    const all = memo.stats();
    expect(modelCalls(all)).toBe(modelCalls(first));
    expect(all.requests).toBe(first.requests + 4 * awsRequests);
    // Recorded for the report: the share of all requests the cache answered.
    expect(all.hitRate).toBeGreaterThan(0.5);
  });
});
