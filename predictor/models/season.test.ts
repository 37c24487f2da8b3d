import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import { detectSeasonSteps } from "./season.ts";

function series(
  stepSeconds: number,
  length: number,
  f: (i: number, noise: number) => number,
  seed = 1,
): RegularSeries {
  const rng = seededRng(seed);
  return {
    start: Date.UTC(2026, 0, 5),
    stepSeconds,
    values: Array.from({ length }, (_, i) => f(i, rng() - 0.5)),
  };
}

describe("detectSeasonSteps", () => {
  it("finds a daily cycle in 5-minute data (288 steps)", () => {
    expect(
      detectSeasonSteps(
        series(300, 288 * 5, (i, e) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 10 * e),
      ),
    ).toBe(288);
  });

  it("prefers the week when weekends differ from weekdays", () => {
    const hourly = series(3_600, 24 * 7 * 4, (i, e) => {
      const weekend = Math.floor(i / 24) % 7 >= 5;
      return (weekend ? 40 : 100) + 30 * Math.sin((2 * Math.PI * i) / 24) + 5 * e;
    });
    expect(detectSeasonSteps(hourly)).toBe(168);
  });

  it("still finds the day when a few huge spikes dominate the variance", () => {
    const spiky = series(300, 288 * 4, (i, e) =>
      i % 97 === 0 ? 50_000 : 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 10 * e,
    );
    expect(detectSeasonSteps(spiky)).toBe(288);
  });

  it("answers 1 for noise without a season", () => {
    expect(detectSeasonSteps(series(60, 3 * 1440, (_, e) => 50 + e))).toBe(1);
  });

  it("finds a period that is not a calendar one when the data is too short for calendar periods", () => {
    expect(detectSeasonSteps(series(60, 100, (i, e) => 10 * Math.sin((2 * Math.PI * i) / 12) + e))).toBe(12);
  });

  it("ignores gaps", () => {
    const withGaps = series(300, 288 * 4, (i, e) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 10 * e);
    const values = withGaps.values.map((x, i) => (i % 5 === 0 ? null : x));
    expect(detectSeasonSteps({ ...withGaps, values })).toBe(288);
  });
});
