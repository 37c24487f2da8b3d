import { describe, expect, it } from "vitest";
import { LATENCY_OUTLIER_DEFAULTS, SUCCESS_RATE_DEFAULTS } from "../../contracts/outlier-settings.ts";
import { NOT_EJECTED, ejectOutlier } from "./ejection.ts";
import type { WindowCounts } from "./outlier-checks.ts";
import { countOutcome, emptyCounts, latencyOutlier, successRateOutlier } from "./outlier-checks.ts";

const WINDOW = SUCCESS_RATE_DEFAULTS.windowMs;

/** Counts of `tries` outcomes one every 10 ms, failing where `fails(i)`. */
function counts(tries: number, fails: (i: number) => boolean): WindowCounts {
  const out = emptyCounts();
  for (let i = 0; i < tries; i++) countOutcome(out, fails(i), 10 * i, WINDOW);
  return out;
}

function pool(...members: WindowCounts[]): WindowCounts {
  return members.reduce(
    (sum, c) => ({ tries: sum.tries + c.tries, failures: sum.failures + c.failures, at: c.at }),
    emptyCounts(),
  );
}

describe("success-rate outlier", () => {
  const healthy = counts(100, () => false);

  it("flags an origin failing 30 % while the rest of a pool of two succeeds", () => {
    const failing = counts(100, (i) => i % 10 < 3);
    const verdict = successRateOutlier(failing, pool(failing, healthy), SUCCESS_RATE_DEFAULTS);
    expect(verdict.outlier).toBe(true);
    expect(verdict.own).toBeCloseTo(0.7, 1);
    expect(verdict.rest).toBe(1);
  });

  it("flags nobody when the whole pool fails alike (a shared dependency is down)", () => {
    const a = counts(100, (i) => i % 2 === 0);
    const b = counts(100, (i) => i % 2 === 1);
    expect(successRateOutlier(a, pool(a, b), SUCCESS_RATE_DEFAULTS).outlier).toBe(false);
  });

  it("waits for the minimum volume, its own and the rest's", () => {
    const fewFailing = counts(10, () => true);
    expect(successRateOutlier(fewFailing, pool(fewFailing, healthy), SUCCESS_RATE_DEFAULTS).outlier).toBe(
      false,
    );
    const failing = counts(100, () => true);
    const fewHealthy = counts(10, () => false);
    expect(successRateOutlier(failing, pool(failing, fewHealthy), SUCCESS_RATE_DEFAULTS).outlier).toBe(false);
  });

  it("forgets failures older than the window", () => {
    const failing = counts(100, () => true);
    countOutcome(failing, false, 10 * WINDOW, WINDOW);
    expect(failing.tries).toBeLessThan(1.01);
  });

  it("is off with minRequests 0 or gap 0", () => {
    const failing = counts(100, () => true);
    for (const off of [{ minRequests: 0 }, { gap: 0 }])
      expect(
        successRateOutlier(failing, pool(failing, healthy), { ...SUCCESS_RATE_DEFAULTS, ...off }).outlier,
      ).toBe(false);
  });
});

describe("latency outlier", () => {
  const config = LATENCY_OUTLIER_DEFAULTS;

  it("flags an origin only once it has stayed above factor x the pool's latency for the sustain time", () => {
    const first = latencyOutlier(-1, 200, 20, 10, 1_000, config);
    expect(first).toEqual({ slowSince: 1_000, outlier: false });
    expect(latencyOutlier(first.slowSince, 200, 20, 11, 1_000 + config.sustainMs, config).outlier).toBe(true);
  });

  it("starts again when the origin comes back under the threshold, and ignores too few samples", () => {
    expect(latencyOutlier(1_000, 60, 20, 10, 90_000, config)).toEqual({ slowSince: -1, outlier: false });
    expect(latencyOutlier(1_000, 200, 20, 2, 90_000, config).outlier).toBe(false);
    expect(latencyOutlier(1_000, 200, 20, 10, 90_000, { ...config, factor: 0 }).outlier).toBe(false);
  });
});

describe("outlier ejection shares the back-off and the cap", () => {
  const ejection = { consecutiveFailures: 5, baseMs: 30_000, maxMs: 90_000, maxShare: 0.5 };

  it("ejects for the base time, longer each time, and not beyond the pool's share", () => {
    const once = ejectOutlier(NOT_EJECTED, 0, ejection, { ejected: 0, size: 2 });
    expect(once).toMatchObject({ change: "ejected", state: { ejectedUntil: 30_000, ejections: 1 } });
    const twice = ejectOutlier(once.state, 40_000, ejection, { ejected: 0, size: 2 });
    expect(twice.state.ejectedUntil).toBe(100_000);
    expect(ejectOutlier(NOT_EJECTED, 0, ejection, { ejected: 1, size: 2 }).change).toBe("ejection-capped");
  });
});
