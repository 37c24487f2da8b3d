import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import type { ForecastBand, Forecaster } from "../../predictor/models/index.ts";
import { awsPredictiveController } from "./aws-predictive.ts";
import type { FleetSettings } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";
import { loadAt } from "./trace-series.ts";

const DAY = Date.UTC(2026, 0, 5);
const at = (hour: number, minute = 0) => DAY + hour * 3_600_000 + minute * 60_000;
const STEP = 300;

/** A forecaster that believes `load(t)` for the bucket starting at t, whatever history it gets. */
function believing(load: (t: number) => number): Forecaster {
  return {
    kind: "seasonal-naive",
    version: "test",
    trainedAt: new Date(DAY).toISOString(),
    forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
      const from = history.start + history.values.length * history.stepSeconds * 1000;
      const mean = Array.from({ length: horizon }, (_, h) => load(from + h * history.stepSeconds * 1000));
      return Promise.resolve({ mean, lower: [...mean], upper: [...mean] });
    },
  };
}

/** One day at 5-minute buckets of `load(bucket start)`. */
function trace(load: (t: number) => number): LoadSeries {
  return {
    start: DAY,
    stepSeconds: STEP,
    values: Array.from({ length: 288 }, (_, i) => load(DAY + i * STEP * 1000)),
  };
}

// 10 rps per replica at a 50 % target: 5 rps per replica, so 100 rps needs 20 and 500 needs 100.
const FLEET: FleetSettings = {
  rpsPerReplica: 10,
  bootSeconds: 300,
  targetUtilization: 0.5,
  minReplicas: 1,
  maxReplicas: 1000,
  violationUtilization: 0.7,
  tickSeconds: 15,
};

/** Drives the controller from `from` to `to` with replicas serving as soon as asked (the
 * controller's decisions, not boot delays, are under test) and returns the count at each tick. */
async function drive(series: LoadSeries, forecaster: Forecaster, from: number, to: number) {
  const controller = awsPredictiveController(series, forecaster, FLEET, { historyBuckets: 24, horizon: 4 });
  let replicas = controller.initialReplicas(loadAt(series, from));
  const desired = new Map<number, number>();
  for (let now = from; now < to; now += FLEET.tickSeconds * 1000) {
    const load = loadAt(series, now);
    const next = await controller.tick({
      now,
      load,
      served: Math.min(load, replicas * FLEET.rpsPerReplica),
      serving: replicas,
      booting: 0,
      desired: replicas,
    });
    if (next !== undefined) replicas = next;
    desired.set(now, replicas);
  }
  return desired;
}

describe("AWS-style predictive baseline (predictive scaling + target tracking)", () => {
  it("schedules the peak forecast of an hour as its minimum, a boot time before the hour starts", async () => {
    // Ten minutes at 500 rps forecast at 10:40; the load itself stays at 100 rps.
    const series = trace(() => 100);
    const forecast = believing((t) => (t >= at(10, 40) && t < at(10, 50) ? 500 : 100));
    const desired = await drive(series, forecast, at(9), at(12));
    expect(desired.get(at(9, 54) + 45_000)).toBe(20);
    // From 09:55 (10:00 less the 300 s boot) the whole hour is held at 100 replicas ...
    expect(desired.get(at(9, 55))).toBe(100);
    expect(desired.get(at(10, 30))).toBe(100);
    expect(desired.get(at(10, 59) + 45_000)).toBe(100);
    // ... and the next hour's minimum (20) lets target tracking scale in when it begins.
    expect(desired.get(at(11, 0))).toBe(20);
  });

  it("never scales in below the scheduled minimum, though the load it was scheduled for never comes", async () => {
    const series = trace(() => 100);
    const forecast = believing((t) => (t >= at(10) && t < at(11) ? 500 : 100));
    const desired = await drive(series, forecast, at(9), at(12));
    const held = [...desired].filter(([t]) => t >= at(9, 55) && t < at(11)).map(([, n]) => n);
    expect(Math.min(...held)).toBe(100);
    expect(desired.get(at(11, 30))).toBe(20);
  });

  it("lets target tracking raise the fleet above the minimum on a burst the forecast missed", async () => {
    const burst = (t: number) => (t >= at(10, 30) && t < at(10, 45) ? 1000 : 100);
    const desired = await drive(
      trace(burst),
      believing(() => 100),
      at(9),
      at(12),
    );
    expect(desired.get(at(10, 15))).toBe(20);
    const during = [...desired].filter(([t]) => t >= at(10, 30) && t < at(10, 50)).map(([, n]) => n);
    // 1,000 rps at 5 rps a replica: 200, less the HPA's 10 % tolerance (it stops within it).
    expect(Math.max(...during)).toBeGreaterThanOrEqual(182);
    expect(Math.max(...during)).toBeLessThanOrEqual(200);
    // Target tracking scales back in after the burst (5 minutes of stabilisation).
    expect(desired.get(at(11, 30))).toBe(20);
  });
});
