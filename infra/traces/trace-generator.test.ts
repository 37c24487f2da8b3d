import { describe, expect, it } from "vitest";
import { parseTraceCsv, seededRng, validateScheduledEvent, ValidationError } from "../../contracts/index.ts";
import type { TracePoint } from "../../contracts/index.ts";
import { generateRampTrace } from "./ramp-trace.ts";
import { formatTraceCsv } from "./trace-csv-format.ts";
import { flashCrowdEvents, generateTrace } from "./trace-generator.ts";
import { DEFAULT_TRACE_START } from "./trace-options.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function meanBetween(points: readonly TracePoint[], from: number, to: number): number {
  const inside = points.filter((p) => p.t >= from && p.t < to);
  return inside.reduce((sum, p) => sum + p.value, 0) / inside.length;
}

function autocorrelation(values: readonly number[], lag: number): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    den += (v - mean) ** 2;
    const ahead = values[i + lag];
    if (ahead !== undefined) num += (v - mean) * (ahead - mean);
  });
  // Each sum is averaged over its own number of terms, so long lags are not biased towards 0.
  return num / (values.length - lag) / (den / values.length);
}

const clean = { noise: 0, flashCrowds: 0, trendPerDay: 0 };

describe("realistic trace generator", () => {
  it("repeats exactly for the same seed and differs for another", () => {
    const a = generateTrace({ days: 3 }, seededRng(7));
    const b = generateTrace({ days: 3 }, seededRng(7));
    const c = generateTrace({ days: 3 }, seededRng(8));
    expect(b.points).toEqual(a.points);
    expect(c.points).not.toEqual(a.points);
    expect(a.points).toHaveLength(3 * 24 * 60);
    expect(a.points[1]?.t).toBe(DEFAULT_TRACE_START + 60_000);
  });

  it("peaks in the morning and (higher) in the evening, with a night trough, every weekday", () => {
    const { points } = generateTrace({ ...clean, days: 5 }, seededRng(1));
    for (let day = 0; day < 5; day++) {
      const start = DEFAULT_TRACE_START + day * DAY;
      const night = meanBetween(points, start + 3 * HOUR, start + 5 * HOUR);
      const morning = meanBetween(points, start + 9 * HOUR, start + 10 * HOUR);
      const midday = meanBetween(points, start + 14 * HOUR, start + 15 * HOUR);
      const evening = meanBetween(points, start + 19.5 * HOUR, start + 20.5 * HOUR);
      expect(evening).toBeGreaterThan(3 * night);
      expect(morning).toBeGreaterThan(1.5 * midday);
      expect(evening).toBeGreaterThan(morning);
    }
  });

  it("makes weekends quieter than weekdays", () => {
    const { points } = generateTrace({ ...clean, days: 7 }, seededRng(1));
    const wednesday = meanBetween(points, DEFAULT_TRACE_START + 2 * DAY, DEFAULT_TRACE_START + 3 * DAY);
    const saturday = meanBetween(points, DEFAULT_TRACE_START + 5 * DAY, DEFAULT_TRACE_START + 6 * DAY);
    expect(saturday).toBeLessThan(0.85 * wednesday);
    expect(saturday).toBeGreaterThan(0.5 * wednesday);
  });

  it("keeps the daily and weekly cycles visible through the noise (autocorrelation)", () => {
    const { points } = generateTrace(
      { days: 28, stepSeconds: 600, trendPerDay: 0, flashCrowds: 0 },
      seededRng(3),
    );
    const values = points.map((p) => p.value);
    const day = 144;
    expect(autocorrelation(values, day)).toBeGreaterThan(0.6);
    expect(autocorrelation(values, day)).toBeGreaterThan(autocorrelation(values, day / 2) + 0.2);
    expect(autocorrelation(values, 7 * day)).toBeGreaterThan(autocorrelation(values, day));
  });

  it("adds noise that lingers from one minute to the next rather than white noise", () => {
    const noisy = generateTrace({ days: 2, flashCrowds: 0, trendPerDay: 0 }, seededRng(5)).points;
    const base = generateTrace({ ...clean, days: 2 }, seededRng(5)).points;
    const ratios = noisy.map((p, i) => Math.log(p.value / (base[i]?.value ?? 1)));
    expect(autocorrelation(ratios, 1)).toBeGreaterThan(0.9);
    const sd = Math.sqrt(ratios.reduce((sum, r) => sum + r * r, 0) / ratios.length);
    expect(sd).toBeGreaterThan(0.04);
    expect(sd).toBeLessThan(0.16);
  });

  it("grows with the trend", () => {
    const { points } = generateTrace({ ...clean, days: 8, trendPerDay: 0.05 }, seededRng(1));
    const firstMonday = meanBetween(points, DEFAULT_TRACE_START, DEFAULT_TRACE_START + DAY);
    const nextMonday = meanBetween(points, DEFAULT_TRACE_START + 7 * DAY, DEFAULT_TRACE_START + 8 * DAY);
    expect(nextMonday / firstMonday).toBeCloseTo(1.35, 1);
  });

  it("adds a flash crowd that rises within minutes and decays exponentially", () => {
    const at = DEFAULT_TRACE_START + 3 * HOUR;
    const crowd = { at, magnitude: 2, riseMinutes: 4, decayMinutes: 20 };
    const surge = generateTrace({ ...clean, days: 1, flashCrowdsAt: [crowd] }, seededRng(1)).points;
    const calm = generateTrace({ ...clean, days: 1 }, seededRng(1)).points;
    const excessAt = (minutes: number): number => {
      const i = surge.findIndex((p) => p.t === at + minutes * 60_000);
      return (surge[i]?.value ?? 0) - (calm[i]?.value ?? 0);
    };
    expect(excessAt(-1)).toBe(0);
    expect(excessAt(4)).toBeCloseTo(200, 0);
    expect(excessAt(4) / (calm.find((p) => p.t === at)?.value ?? 1)).toBeGreaterThan(5);
    expect(excessAt(4 + 20) / excessAt(4)).toBeCloseTo(Math.exp(-1), 2);
    expect(excessAt(4 + 60) / excessAt(4)).toBeLessThan(0.06);
  });

  it("places the asked number of random flash crowds inside the trace", () => {
    const trace = generateTrace({ days: 7, flashCrowds: 3 }, seededRng(4));
    expect(trace.flashCrowds).toHaveLength(3);
    for (const crowd of trace.flashCrowds) {
      expect(crowd.at).toBeGreaterThan(DEFAULT_TRACE_START);
      expect(crowd.at).toBeLessThan(DEFAULT_TRACE_START + 7 * DAY);
    }
    // The noise is an independent stream: the same seed without crowds leaves it unchanged away from them.
    const none = generateTrace({ days: 7, flashCrowds: 0 }, seededRng(4));
    expect(none.points[10]).toEqual(trace.points[10]);
  });

  it("schedules its flash crowds as an operator would: from each start until it has mostly decayed, expecting the highest load there", () => {
    const trace = generateTrace({ days: 7, flashCrowds: 3 }, seededRng(4));
    const events = flashCrowdEvents(trace);
    expect(events.map((e) => e.id)).toEqual(["flash-crowd-1", "flash-crowd-2", "flash-crowd-3"]);
    events.forEach((event, i) => {
      const crowd = trace.flashCrowds[i];
      if (!crowd) throw new Error("no crowd");
      expect(validateScheduledEvent({ ...event, pool: "sim" }).ok).toBe(true);
      expect(Date.parse(event.start)).toBe(crowd.at);
      const end = Date.parse(event.end);
      expect(end).toBeGreaterThanOrEqual(crowd.at + (crowd.riseMinutes + 2 * crowd.decayMinutes) * 60_000);
      const inside = trace.points.filter((p) => p.t >= crowd.at && p.t < end).map((p) => p.value);
      expect(event.expectedRps).toBeCloseTo(Math.max(...inside), 2);
      // The crest is well above the load just before the crowd.
      expect(event.expectedRps).toBeGreaterThan(meanBetween(trace.points, crowd.at - HOUR, crowd.at) * 1.3);
    });
  });

  it("refuses bad options, naming each", () => {
    expect(() => generateTrace({ days: 0, stepSeconds: 1.5, noise: -1 }, seededRng(1))).toThrow(
      ValidationError,
    );
    try {
      generateTrace({ days: 0, stepSeconds: 1.5, profile: { weekendLevel: -1 } }, seededRng(1));
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
        "days",
        "stepSeconds",
        "profile.weekendLevel",
      ]);
    }
  });

  it("writes CSV that the shared trace parser reads back unchanged", () => {
    const { points } = generateTrace({ days: 1, stepSeconds: 300 }, seededRng(2));
    const parsed = parseTraceCsv(formatTraceCsv(points));
    expect(parsed.points).toEqual(points);
    expect(parsed.valueColumn).toBe("value");
  });
});

describe("ramp trace", () => {
  it("is flat, ramps linearly, then flat again", () => {
    const points = generateRampTrace(
      { minutes: 30, from: 10, to: 70, rampAtMinutes: 10, rampOverMinutes: 6 },
      seededRng(1),
    );
    const values = points.map((p) => p.value);
    expect(values).toHaveLength(30);
    expect(values.slice(0, 11)).toEqual(Array<number>(11).fill(10));
    expect(values.slice(11, 16)).toEqual([20, 30, 40, 50, 60]);
    expect(values.slice(16)).toEqual(Array<number>(14).fill(70));
  });
});
