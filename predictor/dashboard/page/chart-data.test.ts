import { describe, expect, it } from "vitest";
import {
  capacityPoints,
  forecastPoints,
  scaled,
  sumBands,
  sumSeries,
  sumSteps,
  windowPoints,
} from "./chart-data.ts";

describe("chart data", () => {
  it("places a series window's values on their times, gaps kept as gaps", () => {
    expect(
      windowPoints({
        origin: "eu-1",
        metric: "rps",
        stepSeconds: 60,
        start: "2026-01-05T12:00:00.000Z",
        values: [1, null, 3],
      }),
    ).toEqual([
      [Date.UTC(2026, 0, 5, 12), 1],
      [Date.UTC(2026, 0, 5, 12, 1), null],
      [Date.UTC(2026, 0, 5, 12, 2), 3],
    ]);
  });

  it("adds up origins' load at each time; a time every origin missed stays a gap", () => {
    expect(
      sumSeries([
        [
          [0, 1],
          [1, null],
          [2, 3],
        ],
        [
          [0, 10],
          [1, null],
          [2, null],
        ],
      ]),
    ).toEqual([
      [0, 11],
      [1, null],
      [2, 3],
    ]);
  });

  it("adds up capacities that hold until their next sample, leaving out a stale one", () => {
    const a = capacityPoints(
      [
        { at: new Date(0).toISOString(), replicas: 2, capacityRps: 40 },
        { at: new Date(30_000).toISOString(), replicas: 3, capacityRps: 60 },
      ],
      "capacityRps",
    );
    const b = capacityPoints(
      [{ at: new Date(10_000).toISOString(), replicas: 1, capacityRps: 20 }],
      "capacityRps",
    );
    // At 30 s, b's sample from 10 s still holds; at 100 s it is older than 50 s and left out.
    expect(sumSteps([[...a, [100_000, 60]], b], 50_000)).toEqual([
      [0, 40],
      [10_000, 60],
      [30_000, 80],
      [100_000, 60],
    ]);
  });

  it("puts the SLO threshold at the target share of capacity", () => {
    expect(
      scaled(
        [
          [0, 100],
          [1, null],
        ],
        0.7,
      ),
    ).toEqual([
      [0, 70],
      [1, null],
    ]);
  });

  it("reads a forecast's band on its own steps and adds bands bound by bound", () => {
    const f = forecastPoints({
      origin: "eu-1",
      metric: "rps",
      generatedAt: "2026-01-05T12:00:00.000Z",
      start: "2026-01-05T12:01:00.000Z",
      stepSeconds: 60,
      mean: [5, 6],
      lower: [4, 5],
      upper: [7, 8],
      model: { kind: "lstm", version: "v", trainedAt: "2026-01-05T11:00:00.000Z" },
      accuracy: { mase: 1, smape: 1, byModel: {} },
    });
    const t = Date.UTC(2026, 0, 5, 12, 1);
    expect(f.mean).toEqual([
      [t, 5],
      [t + 60_000, 6],
    ]);
    expect(sumBands([f.band, f.band])).toEqual([
      { t, lower: 8, upper: 14 },
      { t: t + 60_000, lower: 10, upper: 16 },
    ]);
  });
});
