import { describe, expect, it } from "vitest";
import type { EjectionConfig, EjectionState } from "./ejection.ts";
import { NOT_EJECTED, ejectionAllowed, isEjected, recordOutcome } from "./ejection.ts";

const config: EjectionConfig = { consecutiveFailures: 3, baseMs: 30_000, maxMs: 90_000, maxShare: 0.5 };
const alone = { ejected: 0, size: 4 };

function fail(state: EjectionState, times: number, now: number, pool = alone) {
  let current = state;
  let change = null as ReturnType<typeof recordOutcome>["change"];
  for (let i = 0; i < times; i++)
    ({ state: current, change } = recordOutcome(current, true, now, config, pool));
  return { state: current, change };
}

describe("passive outlier ejection", () => {
  it("ejects after the configured number of consecutive failures", () => {
    expect(fail(NOT_EJECTED, 2, 0).change).toBeNull();
    const { state, change } = fail(NOT_EJECTED, 3, 0);
    expect(change).toBe("ejected");
    expect(isEjected(state, 29_999)).toBe(true);
    expect(isEjected(state, 30_000)).toBe(false);
  });

  it("starts counting again after a success", () => {
    const twice = fail(NOT_EJECTED, 2, 0).state;
    const healed = recordOutcome(twice, false, 0, config, alone).state;
    expect(fail(healed, 2, 0).change).toBeNull();
  });

  it("ejects for longer each time, up to the cap", () => {
    let state = fail(NOT_EJECTED, 3, 0).state;
    const durations = [state.ejectedUntil];
    for (let round = 1; round < 4; round++) {
      const now = state.ejectedUntil + 1_000;
      state = fail(state, 3, now).state;
      durations.push(state.ejectedUntil - now);
    }
    expect(durations).toEqual([30_000, 60_000, 90_000, 90_000]);
  });

  it("forgets past ejections after staying in for a whole maximum ejection time", () => {
    const first = fail(NOT_EJECTED, 3, 0).state;
    const second = fail(first, 3, first.ejectedUntil + 90_001).state;
    expect(second.ejectedUntil - (first.ejectedUntil + 90_001)).toBe(30_000);
  });

  it("never ejects more than the pool's maximum share, but always at least one origin", () => {
    expect(ejectionAllowed(0, 1, 0)).toBe(true);
    expect(ejectionAllowed(1, 4, 0.5)).toBe(true);
    expect(ejectionAllowed(2, 4, 0.5)).toBe(false);
    expect(fail(NOT_EJECTED, 3, 0, { ejected: 2, size: 4 }).change).toBe("ejection-capped");
  });

  it("does not extend an ejection for failures that arrive while ejected", () => {
    const ejected = fail(NOT_EJECTED, 3, 0).state;
    expect(fail(ejected, 5, 1_000).state).toEqual(ejected);
  });
});
