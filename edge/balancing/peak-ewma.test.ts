import { describe, expect, it } from "vitest";
import { decayedLatency, observeLatency, peakEwmaCost } from "./peak-ewma.ts";

describe("peak EWMA latency", () => {
  it("jumps to a slower sample at once", () => {
    expect(observeLatency(20, 0, 300, 10, 10_000)).toBe(300);
  });

  it("comes down gradually: a faster sample moves it by how much time has passed", () => {
    const soon = observeLatency(300, 0, 20, 100, 10_000);
    const later = observeLatency(300, 0, 20, 20_000, 10_000);
    expect(soon).toBeGreaterThan(290);
    expect(later).toBeLessThan(60);
    expect(later).toBeGreaterThan(20);
  });

  it("decays toward zero while an origin is not observed, so it is probed again", () => {
    expect(decayedLatency(200, 0, 0, 10_000)).toBe(200);
    expect(decayedLatency(200, 0, 10_000, 10_000)).toBeCloseTo(200 / Math.E, 6);
    expect(decayedLatency(200, 0, 100_000, 10_000)).toBeLessThan(0.01);
  });

  it("costs latency x (in flight + 1), and penalises in-flight requests to an origin never observed", () => {
    expect(peakEwmaCost(20, 0)).toBe(20);
    expect(peakEwmaCost(20, 4)).toBe(100);
    expect(peakEwmaCost(0, 0)).toBe(0);
    expect(peakEwmaCost(0, 1)).toBeGreaterThan(1e6);
  });
});
