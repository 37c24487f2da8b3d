import { describe, expect, it } from "vitest";
import { ElasticityMeter } from "./elasticity-metrics.ts";

describe("elasticity metrics", () => {
  it("follows the SPEC RG definitions on a hand-computed replay", () => {
    // 100 rps per replica at a 50 % target: 100 rps needs 2 replicas, 350 rps needs 7.
    const meter = new ElasticityMeter(100, 0.5, 0.5);
    meter.add(60, 100, 2, 2); // exact: d = s = 2
    meter.add(60, 350, 3, 5); // under: d = 7, s = 3 (2 booting), violation and overload
    meter.add(120, 100, 4, 4); // over: d = 2, s = 4
    const report = meter.report(3);
    expect(report).toEqual({
      sloViolationMinutes: 1,
      overProvisionedReplicaMinutes: 4,
      replicaMinutes: 2 + 5 + 8,
      scalingActions: 3,
      thetaU: Math.round(((100 * ((7 - 3) / 7) * 60) / 240) * 1000) / 1000,
      thetaO: (100 * ((4 - 2) / 2) * 120) / 240,
      tauU: 25,
      tauO: 50,
    });
    expect(meter.overloadMinutes).toBe(1);
  });
});
