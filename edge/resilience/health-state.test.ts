import { describe, expect, it } from "vitest";
import type { OriginHealth } from "../../contracts/health-report.ts";
import { nextHealthReport, nextOriginHealth } from "./health-state.ts";

const pass = { ok: true, status: 200, rttMs: 3 };
const failed = { ok: false, status: 503, error: "answered 503" };

function run(results: boolean[], rise = 2, fall = 3): boolean[] {
  let state: OriginHealth | undefined;
  return results.map((ok) => {
    state = nextOriginHealth(state, ok ? pass : failed, rise, fall);
    return state.healthy;
  });
}

describe("rise/fall health thresholds", () => {
  it("turns unhealthy only after `fall` failures in a row", () => {
    expect(run([true, false, false, false])).toEqual([true, true, true, false]);
  });

  it("turns healthy again only after `rise` passes in a row", () => {
    expect(run([true, false, false, false, true, false, true, true])).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it("does not flip a flapping origin on every check", () => {
    const flapping = Array.from({ length: 12 }, (_, i) => i % 2 === 0);
    expect(new Set(run(flapping))).toEqual(new Set([true]));
    const states = run([false, false, false, ...flapping]);
    expect(states.slice(2).every((healthy) => !healthy)).toBe(true);
  });

  it("starts a new origin healthy, so a failed first probe is one blip like any other", () => {
    expect(run([false, false, false])).toEqual([true, true, false]);
    expect(run([false], 2, 1)).toEqual([false]);
  });

  it("builds a report with counters, dropping origins no longer probed", () => {
    const previous = {
      checkedAt: "2026-01-01T00:00:00Z",
      origins: {
        a: { healthy: true, consecutiveFailures: 2, consecutiveSuccesses: 0 },
        gone: { healthy: true, consecutiveFailures: 0 },
      },
    };
    const report = nextHealthReport(previous, new Map([["a", failed]]), "2026-01-01T00:01:00.000Z", {
      rise: 2,
      fall: 3,
    });
    expect(report).toEqual({
      checkedAt: "2026-01-01T00:01:00.000Z",
      origins: {
        a: {
          healthy: false,
          consecutiveFailures: 3,
          consecutiveSuccesses: 0,
          status: 503,
          error: "answered 503",
        },
      },
    });
  });
});
