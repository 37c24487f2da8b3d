import { describe, expect, it } from "vitest";
import { costBounds } from "./clairvoyant.ts";
import type { FleetSettings } from "./replay.ts";

const fleet: FleetSettings = { rpsPerReplica: 10, bootSeconds: 120, targetUtilization: 0.5, minReplicas: 1, maxReplicas: 100, violationUtilization: 0.5, tickSeconds: 60 };
const START = Date.UTC(2026, 0, 1);

describe("costBounds", () => {
  it("pays for a spike from a boot time before it until it ends, and no more", () => {
    // One-minute buckets (load is linear between bucket centres, so flat runs stay flat):
    // 5 rps (1 replica at 50 %) except 40 rps (8 replicas) for minutes 10-14.
    const values = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 15 ? 40 : 5));
    const series = { start: START, stepSeconds: 60, values };
    const { clairvoyantReplicaMinutes, lowerBoundReplicaMinutes } = costBounds(series, 0, fleet, 0);
    // Ticks at the start of each minute read the load at the bucket's start, half-way between
    // centres: minutes 10 and 15 are at 22.5 rps (5 replicas), minutes 11-14 at 40 (8).
    const needs = values.map((_, i) => (i === 10 || i === 15 ? 5 : i >= 11 && i <= 14 ? 8 : 1));
    expect(lowerBoundReplicaMinutes).toBeCloseTo(needs.reduce((a, b) => a + b, 0), 9);
    const held = needs.map((_, i) => Math.max(...needs.slice(i, i + 3)));
    expect(clairvoyantReplicaMinutes).toBeCloseTo(held.reduce((a, b) => a + b, 0), 9);
    expect(clairvoyantReplicaMinutes).toBeGreaterThan(lowerBoundReplicaMinutes);
  });

  it("lets the minutes allowed to violate drop the most expensive ones from the lower bound", () => {
    const values = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 15 ? 40 : 5));
    const series = { start: START, stepSeconds: 60, values };
    const none = costBounds(series, 0, fleet, 0).lowerBoundReplicaMinutes;
    // Two minutes at 8 replicas dropped to the minimum of 1: 14 replica-minutes fewer.
    expect(costBounds(series, 0, fleet, 2).lowerBoundReplicaMinutes).toBeCloseTo(none - 14, 9);
    expect(costBounds(series, 0, fleet, 1e9).lowerBoundReplicaMinutes).toBeCloseTo(30, 9);
  });
});
