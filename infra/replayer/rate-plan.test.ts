import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import type { TracePoint } from "../../contracts/index.ts";
import { generateRampTrace } from "../traces/ramp-trace.ts";
import { PoissonArrivals } from "./arrivals.ts";
import { RatePlan } from "./rate-plan.ts";

const T0 = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;
// 60 one-minute points: 20 until minute 20, a ramp to 100 by minute 30, then 100.
const ramp = generateRampTrace(
  { start: T0, minutes: 60, from: 20, to: 100, rampAtMinutes: 20, rampOverMinutes: 10 },
  seededRng(1),
);

describe("rate plan", () => {
  it("plays one trace minute per real second at speed 60, scaled so the peak is the configured rate", () => {
    const plan = new RatePlan(ramp, { speed: 60, peakRps: 200, startAt: T0, loop: false });
    expect(plan.traceTimeAt(1000)).toBe(T0 + MINUTE);
    expect(plan.rateAt(0)).toBe(40);
    expect(plan.rateAt(25_000)).toBe(120);
    expect(plan.rateAt(25_500)).toBe(128);
    expect(plan.rateAt(45_000)).toBe(200);
    expect(plan.durationMs).toBe(59_000);
    expect(plan.rateAt(60_000)).toBe(0);
  });

  it("starts part-way through and stops after the asked duration", () => {
    const plan = new RatePlan(ramp, {
      speed: 120,
      peakRps: 100,
      startAt: T0 + 30 * MINUTE,
      durationMs: 5_000,
      loop: false,
    });
    expect(plan.traceTimeAt(0)).toBe(T0 + 30 * MINUTE);
    expect(plan.traceTimeAt(5_000)).toBe(T0 + 40 * MINUTE);
    expect(plan.durationMs).toBe(5_000);
  });

  it("wraps a looping trace back to its start", () => {
    const plan = new RatePlan(ramp, { speed: 60, peakRps: 100, startAt: T0 + 59 * MINUTE, loop: true });
    expect(plan.durationMs).toBe(Number.POSITIVE_INFINITY);
    expect(plan.traceTimeAt(1000)).toBe(T0);
    expect(plan.rateAt(500)).toBe(60);
  });

  it("refuses traces it cannot play, saying why", () => {
    expect(() => new RatePlan([], { speed: 60, peakRps: 10, startAt: T0, loop: false })).toThrow(/no points/);
    expect(
      () =>
        new RatePlan(
          [
            { t: T0, value: 0 },
            { t: T0 + MINUTE, value: 0 },
          ],
          { speed: 60, peakRps: 10, startAt: T0, loop: false },
        ),
    ).toThrow(/no positive value/);
    expect(() => new RatePlan(ramp, { speed: 60, peakRps: 10, startAt: T0 - MINUTE, loop: false })).toThrow(
      /outside the trace/,
    );
  });

  it("backfills the compressed history before the start, ending now, at the asked step", () => {
    const plan = new RatePlan(ramp, { speed: 60, peakRps: 100, startAt: T0 + 40 * MINUTE, loop: false });
    const now = Date.UTC(2026, 5, 1, 12, 0, 0);
    const history = plan.backfill({ endAt: now, stepSeconds: 5, historySeconds: 3600 });
    // 40 trace minutes before the start are 40 real seconds: 8 buckets of 5 s, the last ending at or before now.
    expect(history).toHaveLength(8);
    const last = history[history.length - 1];
    expect(last?.t).toBe(Date.UTC(2026, 5, 1, 11, 59, 55));
    expect(history.every((p) => p.t % 5000 === 0)).toBe(true);
    expect(history[0]?.value).toBe(20);
    expect(last?.value).toBe(100);
    const sampled = plan.backfill({ endAt: now, stepSeconds: 5, historySeconds: 3600, rng: seededRng(3) });
    expect(sampled.map((p) => p.t)).toEqual(history.map((p) => p.t));
    expect(sampled.some((p, i) => p.value !== history[i]?.value)).toBe(true);
  });
});

describe("Poisson arrivals (thinning)", () => {
  it("follows a changing rate: about rate x time arrivals in each stretch", () => {
    const arrivals = new PoissonArrivals({
      rateAt: (t) => (t < 5000 ? 50 : 150),
      maxRate: 150,
      rng: seededRng(8),
      endMs: 10_000,
    });
    const times: number[] = [];
    while (arrivals.peek() !== Number.POSITIVE_INFINITY) times.push(arrivals.take());
    const early = times.filter((t) => t < 5000).length;
    const late = times.length - early;
    // Poisson counts: mean 250 and 750, standard deviations about 16 and 27.
    expect(Math.abs(early - 250)).toBeLessThan(64);
    expect(Math.abs(late - 750)).toBeLessThan(110);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("repeats exactly for the same seed", () => {
    const run = (): TracePoint[] => {
      const arrivals = new PoissonArrivals({ rateAt: () => 10, maxRate: 10, rng: seededRng(2), endMs: 2000 });
      const out: TracePoint[] = [];
      while (arrivals.peek() !== Number.POSITIVE_INFINITY) out.push({ t: arrivals.take(), value: 1 });
      return out;
    };
    expect(run()).toEqual(run());
  });
});
