import { describe, expect, it } from "vitest";
import type { CurvePoint, SpendPoint } from "./frontier.ts";
import {
  EXTENSION_TARGETS,
  FRONTIER_TARGETS,
  FRUGAL_TARGETS,
  compareToCurve,
  lowerHull,
  sweepFrontier,
} from "./frontier.ts";

const point = (replicaMinutes: number, sloViolationMinutes: number): SpendPoint => ({
  replicaMinutes,
  sloViolationMinutes,
});

describe("reading a policy against a baseline's frontier", () => {
  it("interpolates linearly between the neighbouring points by spend, both ways", () => {
    const curve = [
      point(100_000, 6_000),
      point(131_000, 3_907),
      point(171_000, 2_527),
      point(220_000, 1_000),
    ];
    const c = compareToCurve(curve, point(154_000, 1_557));
    // 3,907 + (154 - 131) / (171 - 131) x (2,527 - 3,907) = 3,113.5
    expect(c.frontierViolationsAtSpend).toBeCloseTo(3_113.5, 6);
    expect(c.violationRatioAtEqualSpend).toBeCloseTo(1_557 / 3_113.5, 9);
    // 1,557 lies between 2,527 (171k) and 1,000 (220k): 171k + (2,527 - 1,557) / 1,527 x 49k.
    expect(c.frontierSpendAtViolations).toBeCloseTo(171_000 + (970 / 1_527) * 49_000, 6);
    expect(c.spendRatioAtEqualViolations).toBeCloseTo(154_000 / (171_000 + (970 / 1_527) * 49_000), 9);
    expect(c.notes).toEqual([]);
  });

  it("reads a non-monotone curve by its lower hull: a point beaten on both spend and violations is dropped", () => {
    // 0.5 costs more than 0.6 and violates more: the best at 140k is between 0.6 and 0.4.
    const curve = [point(100, 50), point(120, 30), point(130, 40), point(160, 10)];
    expect(lowerHull(curve)).toEqual([point(100, 50), point(120, 30), point(160, 10)]);
    expect(compareToCurve(curve, point(140, 20)).frontierViolationsAtSpend).toBeCloseTo(20, 9);
    // An equal-spend tie keeps the fewer violations.
    expect(lowerHull([point(100, 50), point(100, 40)])).toEqual([point(100, 40)]);
  });

  it("returns null with a reason outside the curve's range", () => {
    const curve = [point(100, 50), point(200, 10)];
    const cheap = compareToCurve(curve, point(80, 60));
    expect(cheap.frontierViolationsAtSpend).toBeNull();
    expect(cheap.violationRatioAtEqualSpend).toBeNull();
    expect(cheap.frontierSpendAtViolations).toBeNull();
    expect(cheap.notes).toEqual([
      "80 replica-minutes is below the frontier's cheapest point (100)",
      "60 violation minutes is more than the frontier's cheapest point has (50)",
    ]);
    const lavish = compareToCurve(curve, point(250, 5));
    expect(lavish.frontierViolationsAtSpend).toBeNull();
    expect(lavish.spendRatioAtEqualViolations).toBeNull();
    expect(lavish.notes).toEqual([
      "250 replica-minutes is beyond the frontier's dearest point (200)",
      "5 violation minutes is fewer than the frontier reaches (10 at 200 replica-minutes)",
    ]);
  });

  it("treats a frontier at zero violations honestly: it stays there at more spend, and no ratio divides by it", () => {
    const curve = [point(100, 50), point(200, 0), point(300, 0)];
    expect(lowerHull(curve)).toEqual([point(100, 50), point(200, 0)]);
    const c = compareToCurve(curve, point(250, 3));
    expect(c.frontierViolationsAtSpend).toBe(0);
    expect(c.violationRatioAtEqualSpend).toBeNull();
    expect(c.notes).toEqual(["the frontier has no violation minutes at 250 replica-minutes: no ratio"]);
    // 3 violation minutes: 100 + (50 - 3) / 50 x 100 = 194 replica-minutes.
    expect(c.frontierSpendAtViolations).toBeCloseTo(194, 9);
    // A policy with none is matched by the cheapest point with none.
    const clean = compareToCurve(curve, point(260, 0));
    expect(clean.frontierSpendAtViolations).toBe(200);
    expect(clean.spendRatioAtEqualViolations).toBeCloseTo(1.3, 9);
    expect(clean.notes).toEqual([
      "the frontier has no violation minutes at 260 replica-minutes, nor has the policy: no ratio",
    ]);
  });
});

describe("sweeping a baseline over targets", () => {
  /** A baseline whose spend doubles and violations halve with each 0.1 off the target. */
  const replay = (target: number): Promise<CurvePoint> => {
    const steps = (0.7 - target) * 10;
    return Promise.resolve({
      target,
      replicaMinutes: 100 * 2 ** steps,
      sloViolationMinutes: 64 / 2 ** steps,
    });
  };

  it("replays the five frontier targets and no more when the policy's point lies within the curve", async () => {
    const f = await sweepFrontier(replay, point(500, 10));
    expect(f.curve.map((p) => p.target)).toEqual([...FRONTIER_TARGETS]);
    expect(f.extended).toBe(false);
  });

  it("extends to lower targets, one at a time, only until the point is within the curve", async () => {
    // The curve ends at 1,600 replica-minutes and 4 violation minutes (0.3); 0.25 reaches ~2,263
    // and ~2.8, 0.2 reaches 3,200 and 2.
    const f = await sweepFrontier(replay, point(1_700, 3));
    expect(f.curve.map((p) => p.target)).toEqual([...FRONTIER_TARGETS, 0.25]);
    expect(f.extended).toBe(true);
    const fewer = await sweepFrontier(replay, point(1_000, 1.9));
    expect(fewer.curve.map((p) => p.target)).toEqual([...FRONTIER_TARGETS, 0.25, 0.2, 0.15]);
    const never = await sweepFrontier(replay, point(1_000_000, 0));
    expect(never.curve.map((p) => p.target)).toEqual([...FRONTIER_TARGETS, ...EXTENSION_TARGETS]);
    expect(compareToCurve(never.curve, point(1_000_000, 0)).frontierViolationsAtSpend).toBeNull();
  });

  it("extends to higher targets when the point spends less than the curve's most frugal replay", async () => {
    // 0.7 spends 100 with 64 violation minutes; 0.8 spends 50 with 128, 0.9 spends 25 with 256.
    const f = await sweepFrontier(replay, point(60, 90));
    expect(f.curve.map((p) => p.target)).toEqual([0.8, ...FRONTIER_TARGETS]);
    expect(f.extended).toBe(true);
    const reading = compareToCurve(f.curve, point(60, 90));
    expect(reading.frontierViolationsAtSpend).toBeCloseTo(128 - (10 / 50) * 64, 9);
    const worse = await sweepFrontier(replay, point(40, 300));
    expect(worse.curve.map((p) => p.target)).toEqual([...[...FRUGAL_TARGETS].reverse(), ...FRONTIER_TARGETS]);
  });
});
