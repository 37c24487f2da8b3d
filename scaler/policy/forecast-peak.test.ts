import { describe, expect, it } from "vitest";
import type { Forecast } from "../../contracts/index.ts";
import { forecastPeak } from "./forecast-peak.ts";

const T0 = Date.UTC(2026, 2, 2, 12, 0);
const MIN = 60_000;

/** A forecast from T0 whose bucket means are `mean` and upper bounds `upper` (default: the mean). */
function forecast(stepSeconds: number, mean: number[], upper: number[] = mean): Forecast {
  return {
    origin: "o-1",
    metric: "rps",
    generatedAt: new Date(T0).toISOString(),
    start: new Date(T0).toISOString(),
    stepSeconds,
    mean,
    lower: mean,
    upper,
    model: { kind: "seasonal-naive", version: "fixture", trainedAt: new Date(T0).toISOString() },
    accuracy: { mase: 1, smape: 10, byModel: {} },
  };
}

describe("forecastPeak reads the forecast as the load curve its bucket means describe", () => {
  it("runs straight between bucket middles, so a range early in a coarse bucket is not sized for the next one", () => {
    // 30-minute buckets: 100 from 12:00, 400 from 12:30. The curve climbs from 100 at 12:15 to
    // 400 at 12:45; at 12:20-12:20:30 it stands at 150-155, not at the next bucket's 400.
    const f = forecast(1800, [100, 400]);
    const peak = forecastPeak(f, T0 + 20 * MIN, T0 + 20.5 * MIN);
    expect(peak?.value).toBeCloseTo(100 + (300 * 5.5) / 30, 9);
    expect(peak?.at).toBe(T0 + 20.5 * MIN);
  });

  it("finds the peak at a bucket middle inside the range", () => {
    const f = forecast(60, [100, 300, 200, 250]);
    expect(forecastPeak(f, T0, T0 + 4 * MIN)).toEqual({ value: 300, at: T0 + 1.5 * MIN });
    // Between the middles of the last two buckets the curve climbs from 200 to 250.
    expect(forecastPeak(f, T0 + 2.5 * MIN, T0 + 3 * MIN)).toEqual({ value: 225, at: T0 + 3 * MIN });
  });

  it("holds the first and last values level beyond the first and last middles", () => {
    const f = forecast(60, [100, 300]);
    expect(forecastPeak(f, T0, T0 + 0.25 * MIN)?.value).toBe(100);
    expect(forecastPeak(f, T0 + 1.6 * MIN, T0 + 1.9 * MIN)?.value).toBe(300);
  });

  it("reads each point at the position between mean and upper bound", () => {
    const f = forecast(60, [100, 100], [140, 180]);
    expect(forecastPeak(f, T0 + 1.5 * MIN, T0 + 1.9 * MIN, 0.5)?.value).toBe(140);
    expect(forecastPeak(f, T0 + 1.5 * MIN, T0 + 1.9 * MIN, 0)?.value).toBe(100);
  });

  it("reads a band wider than bandCap times the mean as that wide, and leaves a narrower one as served", () => {
    // The second bucket's band reaches 4 times its mean: capped at 0.6, its top is read at 160.
    const f = forecast(60, [100, 100], [140, 400]);
    expect(forecastPeak(f, T0 + 0.5 * MIN, T0 + 0.6 * MIN, 1, 0.6)?.value).toBeCloseTo(140 + 0.1 * 20, 9);
    expect(forecastPeak(f, T0 + 1.5 * MIN, T0 + 1.9 * MIN, 1, 0.6)?.value).toBe(160);
    expect(forecastPeak(f, T0 + 1.5 * MIN, T0 + 1.9 * MIN, 0.5, 0.6)?.value).toBe(130);
    // 0 reads the band as served.
    expect(forecastPeak(f, T0 + 1.5 * MIN, T0 + 1.9 * MIN, 1, 0)?.value).toBe(400);
  });

  it("is undefined for a range the forecast does not reach", () => {
    const f = forecast(60, [100, 300]);
    expect(forecastPeak(f, T0 + 2 * MIN, T0 + 3 * MIN)).toBeUndefined();
    expect(forecastPeak(f, T0 - 2 * MIN, T0 - MIN)).toBeUndefined();
    expect(forecastPeak(forecast(60, []), T0, T0 + MIN)).toBeUndefined();
  });

  it("clips a range that runs past the forecast's end to it", () => {
    const f = forecast(60, [100, 300]);
    expect(forecastPeak(f, T0 + 1.2 * MIN, T0 + 5 * MIN)).toEqual({ value: 300, at: T0 + 1.5 * MIN });
  });
});
