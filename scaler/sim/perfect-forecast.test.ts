import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/random.ts";
import { costBounds } from "./clairvoyant.ts";
import { perfectForecaster } from "./perfect-forecast.ts";
import { DEFAULT_SIMULATE_OPTIONS, replayPlan, simulate, simulatePerfectForecast } from "./simulate.ts";
import { sliceSeries } from "./trace-series.ts";

const START = Date.UTC(2026, 0, 5);

describe("the perfect forecast", () => {
  const series = { start: START, stepSeconds: 60, values: [5, 6, 7, 8, 9, 10] };

  it("returns the buckets that follow the history, level after the trace ends, with no band", async () => {
    const band = await perfectForecaster(series).forecast(sliceSeries(series, 1, 3), 5);
    expect(band.mean).toEqual([8, 9, 10, 10, 10]);
    expect(band.upper).toEqual(band.mean);
    expect(band.lower).toEqual(band.mean);
  });

  it("refuses a history that was not cut from the trace", async () => {
    await expect(
      perfectForecaster(series).forecast({ start: START + 30_000, stepSeconds: 60, values: [1] }, 2),
    ).rejects.toThrow(/not cut from the trace/);
    await expect(
      perfectForecaster(series).forecast({ start: START, stepSeconds: 300, values: [1] }, 2),
    ).rejects.toThrow(/not cut from the trace/);
  });

  it("lets the policy keep every minute under target, at no less than the cheapest fleet that does", async () => {
    // Two days of a daily cycle with noise and a burst, one point a minute.
    const rng = seededRng(11);
    const values = Array.from({ length: 2 * 1440 }, (_, i) => {
      const daily = 600 + 400 * Math.sin((2 * Math.PI * i) / 1440);
      const burst = i >= 2000 && i < 2040 ? 500 : 0;
      return (daily + burst) * (0.95 + 0.1 * rng());
    });
    const trace = { start: START, stepSeconds: 60, values };
    const options = { ...DEFAULT_SIMULATE_OPTIONS, trainFraction: 0.5 };
    const perfect = await simulatePerfectForecast(trace, options);
    const reactive = await simulate(trace, "reactive", options);
    const plan = replayPlan(trace, options);
    const cheapest = costBounds(trace, plan.fromIndex, plan.fleet, 0).clairvoyantReplicaMinutes;
    expect(perfect.report.sloViolationMinutes).toBe(0);
    expect(reactive.report.sloViolationMinutes).toBeGreaterThan(0);
    expect(perfect.report.replicaMinutes).toBeGreaterThanOrEqual(cheapest - 1e-6);
    // Acting a lead ahead, the cooldown and the window cost something, but not a fleet's worth.
    expect(perfect.report.replicaMinutes).toBeLessThan(1.05 * cheapest);
  });
});
