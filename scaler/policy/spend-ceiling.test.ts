import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { PolicyWorld } from "../../test/scaler/policy-world.ts";
import type { OriginView } from "./origin-view.ts";
import { sloOf, tableOf } from "./policy-fixtures.ts";
import { bandPosition } from "./sizing-quantile.ts";
import { holdSpendCeiling, replicasNeeded } from "./spend-ceiling.ts";
import type { OriginState, PolicyTuning } from "./types.ts";
import { DEFAULT_TUNING } from "./types.ts";
import { MAX_ADAPTED_QUANTILE, MIN_ADAPTED_QUANTILE } from "./violation-budget.ts";

const T0 = Date.UTC(2026, 2, 2, 0, 0);
const knobs: PolicyTuning = { ...DEFAULT_TUNING, spendCeilingGain: 0.01, evaluationSeconds: 30 };
const SCALING = { rpsPerReplica: 10, minReplicas: 0, maxReplicas: 10_000, bootSeconds: 60 };

/** An origin of 10 rps per replica serving `rps` on `serving` replicas, `booting` more on their way. */
const viewOf = (rps: number, serving: number, booting = 0): OriginView => ({
  id: "eu-1",
  weight: 100,
  scaling: SCALING,
  observation: { rps },
  serving,
  perReplica: 10,
  capacityNow: serving * 10,
  requestStatus: booting > 0 ? "in-flight" : "none",
  ...(booting > 0
    ? {
        request: {
          seq: 1,
          from: serving,
          replicas: serving + booting,
          at: T0,
          readyAt: T0 + 60_000,
          mode: "act" as const,
        },
      }
    : {}),
});

describe("spend ceiling", () => {
  it("lowers the sizing quantile while the origin spends above the ceiling and raises it while under", () => {
    const slo = sloOf("eu-west");
    // 700 rps needs 100 replicas of 10 at 70 %; 130 serving and booting spend 1.3 times that.
    const over: OriginState = { seq: 0 };
    expect(holdSpendCeiling(viewOf(700, 120, 10), slo, 1.2, knobs, over)).toBeCloseTo(
      0.9 - 0.01 * ((130 - 120) / 120),
      12,
    );
    expect(over.spendScale).toBe(100);
    const under: OriginState = { seq: 0 };
    expect(holdSpendCeiling(viewOf(700, 110), slo, 1.2, knobs, under)).toBeCloseTo(
      0.9 + 0.01 * ((120 - 110) / 120),
      12,
    );
  });

  it("leaves the quantile alone for an origin it does not resize, an unknown load or an SLO that is off", () => {
    const slo = sloOf("eu-west");
    const memory: OriginState = { seq: 0, sizingQuantile: 0.8 };
    const { scaling: _scaling, ...fixed } = viewOf(700, 200);
    expect(holdSpendCeiling(fixed, slo, 1.2, knobs, memory)).toBe(0.8);
    expect(holdSpendCeiling({ ...viewOf(700, 200), observation: {} }, slo, 1.2, knobs, memory)).toBe(0.8);
    expect(holdSpendCeiling(viewOf(700, 200), sloOf("eu-west", { mode: "off" }), 1.2, knobs, memory)).toBe(
      0.8,
    );
    expect(memory).toEqual({ seq: 0, sizingQuantile: 0.8 });
  });

  it("holds the long-run spend at the ceiling over a daily cycle, and below it when even the 99th percentile is cheaper", () => {
    // The load follows a daily cycle from 500 to 1,500 rps with errors of sd 100 around the
    // forecast mean; the forecast's band is drawn for errors of sd 150. Sizing at the forecast
    // mean spends about 1.0 times the need, at the 99th percentile about 1.27 times.
    for (const [ceiling, reachable] of [
      [1, true],
      [1.1, true],
      [1.2, true],
      [1.5, false],
    ] as const) {
      const run = spendRun(ceiling);
      if (reachable) {
        expect(Math.abs(run.ratio - ceiling)).toBeLessThan(0.01 * ceiling);
        expect(run.quantile).toBeGreaterThan(MIN_ADAPTED_QUANTILE);
        expect(run.quantile).toBeLessThan(MAX_ADAPTED_QUANTILE);
      } else {
        expect(run.quantile).toBe(MAX_ADAPTED_QUANTILE);
        expect(run.ratio).toBeLessThan(ceiling);
        expect(run.ratio).toBeGreaterThan(1.3);
      }
    }
  });

  it("keeps the quantile between the forecast's mean and its 99th percentile", () => {
    const slo = sloOf("eu-west");
    const lavish: OriginState = { seq: 0 };
    const thrifty: OriginState = { seq: 0 };
    for (let i = 0; i < 1000; i++) {
      holdSpendCeiling(viewOf(700, 300), slo, 1.2, knobs, lavish);
      holdSpendCeiling(viewOf(700, 100), slo, 1.2, knobs, thrifty);
    }
    expect(lavish.sizingQuantile).toBe(MIN_ADAPTED_QUANTILE);
    expect(thrifty.sizingQuantile).toBe(MAX_ADAPTED_QUANTILE);
  });

  it("applies the pool's trade-off to each of its origins", () => {
    // Three pools of two origins, each offered 610 rps with a forecast band 10 % wide: its top
    // needs 10 replicas of 100 at 70 %, its mean 9 (and 9 carry the load under the target).
    const world = new PolicyWorld({
      table: tableOf([
        {
          name: "thrifty",
          origins: [
            ["t-1", 100],
            ["t-2", 100],
          ],
        },
        {
          name: "lavish",
          origins: [
            ["l-1", 100],
            ["l-2", 100],
          ],
        },
        {
          name: "budget",
          origins: [
            ["b-1", 100],
            ["b-2", 100],
          ],
        },
        {
          name: "default",
          origins: [
            ["d-1", 100],
            ["d-2", 100],
          ],
        },
      ]),
      slos: {
        thrifty: sloOf("thrifty", { scaleInCooldownSeconds: 300, spendCeiling: 1 }),
        lavish: sloOf("lavish", { scaleInCooldownSeconds: 300, spendCeiling: 3 }),
        budget: sloOf("budget", { scaleInCooldownSeconds: 300, violationBudget: 0.02 }),
        default: sloOf("default", { scaleInCooldownSeconds: 300 }),
      },
      scaling: Object.fromEntries(
        ["t-1", "t-2", "l-1", "l-2", "b-1", "b-2", "d-1", "d-2"].map((id) => [
          id,
          { rpsPerReplica: 100, minReplicas: 1, maxReplicas: 20, bootSeconds: 300 },
        ]),
      ),
      replicas: { "t-1": 10, "t-2": 10, "l-1": 10, "l-2": 10, "b-1": 10, "b-2": 10, "d-1": 10, "d-2": 10 },
      load: () => 1220,
      start: T0,
      // The scaler's default for SLOs that state no trade-off: here none, a fixed quantile.
      tuning: { violationBudget: 0 },
    });
    world.run(24 * 3600, 30);
    const quantile = (id: string) => world.state.origins[id]?.sizingQuantile;
    // A ceiling of 1 is met by 9 replicas, what the load needs: the quantile comes down to where
    // sizing asks for 9, and rests there.
    expect(quantile("t-1")).toBeLessThan(0.67);
    expect(quantile("t-2")).toBe(quantile("t-1"));
    expect([world.serving("t-1"), world.serving("t-2")]).toEqual([9, 9]);
    // A ceiling of 3 is never reached: sized at the 99th percentile, 720.7 rps, 11 replicas.
    expect([quantile("l-1"), quantile("l-2")]).toEqual([MAX_ADAPTED_QUANTILE, MAX_ADAPTED_QUANTILE]);
    expect([world.serving("l-1"), world.serving("l-2")]).toEqual([11, 11]);
    // The budget is not spent, so both drift toward the mean.
    expect(quantile("b-1")).toBeLessThan(0.67);
    expect(quantile("b-2")).toBeLessThan(0.67);
    expect([world.serving("b-1"), world.serving("b-2")]).toEqual([9, 9]);
    expect([quantile("d-1"), quantile("d-2")]).toEqual([undefined, undefined]);
    expect([world.serving("d-1"), world.serving("d-2")]).toEqual([10, 10]);
  });
});

/**
 * Ten days of a load with a daily cycle, served by an origin sized at its adapted quantile of a
 * forecast whose band is too wide (sd 150 for errors of sd 100): the replicas it provisions are
 * those the quantile asks for, as the policy would size them. Returns the spend ratio of the last
 * five days (provisioned over needed replica-evaluations) and the final quantile.
 */
function spendRun(ceiling: number): { ratio: number; quantile: number } {
  const rng = seededRng(3);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const slo = sloOf("eu-west");
  const memory: OriginState = { seq: 0 };
  const day = 86_400 / knobs.evaluationSeconds;
  let provisioned = 0;
  let needed = 0;
  for (let i = 0; i < 10 * day; i++) {
    const mean = 1000 + 500 * Math.sin((2 * Math.PI * i) / day);
    const quantile = memory.sizingQuantile ?? knobs.sizingQuantile;
    const sized = mean + bandPosition(quantile) * 1.2816 * 150;
    const replicas = Math.ceil(sized / (10 * slo.targetUtilization));
    const load = Math.max(0, mean + 100 * gaussian());
    if (i >= 5 * day) {
      provisioned += replicas;
      needed += replicasNeeded(load, 10, slo.targetUtilization);
    }
    holdSpendCeiling(viewOf(load, replicas), slo, ceiling, knobs, memory);
  }
  return { ratio: provisioned / needed, quantile: memory.sizingQuantile ?? knobs.sizingQuantile };
}
