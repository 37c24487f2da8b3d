import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import { manualClock, seededRng } from "../../contracts/index.ts";
import type { TrainContext } from "./model.ts";
import { candidatePeriods, candidateSpecs, mstlBand, mstlEtsTrainer } from "./mstl-ets.ts";
import { restoreModel } from "./restore.ts";
import { seasonalNaiveMeans, seasonalNaiveTrainer } from "./seasonal-naive.ts";
import { selectModel } from "./selection.ts";

const HOUR = 3_600;
const START = Date.UTC(2026, 0, 5);
const season = 24;

/** Hourly load with a daily shape, a steady climb and noise: seasonal naive repeats yesterday
 * and so lags the climb by a day; a trend model does not. */
function climbing(days: number, seed: number): RegularSeries {
  const rng = seededRng(seed);
  const values = Array.from(
    { length: days * season },
    (_, i) => 100 + 0.5 * i + 30 * Math.sin((2 * Math.PI * i) / season) + 6 * (rng() - 0.5),
  );
  return { start: START, stepSeconds: HOUR, values };
}

const context = (horizon: number): TrainContext => ({
  horizon,
  seasonSteps: season,
  now: manualClock(START),
  rng: seededRng(1),
  onProgress: () => undefined,
});

describe("MSTL with AutoETS (augurs)", () => {
  it("fits a seasonal series with a trend and beats seasonal naive on it", async () => {
    const series = climbing(12, 7);
    const model = await mstlEtsTrainer.train(series, context(6));
    expect(model.kind).toBe("mstl-ets");
    expect(model.version).toMatch(/^mstl-ets1 m24 w\d+$/);
    let mstlError = 0;
    let naiveError = 0;
    const origins = [200, 220, 240, 260, 280];
    const bands = await model.forecastOrigins(series, origins, 6);
    origins.forEach((o, i) => {
      const naive = seasonalNaiveMeans(series.values, o, 6, season);
      for (let h = 0; h < 6; h++) {
        const actual = series.values[o + h] ?? 0;
        mstlError += Math.abs(actual - (bands[i]?.mean[h] ?? 0));
        naiveError += Math.abs(actual - (naive[h] ?? 0));
      }
    });
    expect(mstlError).toBeLessThan(0.6 * naiveError);
    for (const band of bands)
      for (let h = 0; h < 6; h++) {
        expect(band.lower[h]).toBeLessThanOrEqual(band.mean[h] ?? 0);
        expect(band.upper[h]).toBeGreaterThan(band.lower[h] ?? 0);
      }
  });

  it("reads nothing after a forecast's origin", () => {
    const series = climbing(8, 3);
    const spec = { periods: [season], window: 120 };
    const origin = 150;
    const changedFuture = series.values.map((x, i) => (i >= origin ? 1e6 : x));
    expect(mstlBand(changedFuture, origin, spec, 4)).toEqual(mstlBand(series.values, origin, spec, 4));
  });

  it("forecasts the same after a save and restore (it refits on the same history)", async () => {
    const series = climbing(10, 11);
    const model = await mstlEtsTrainer.train(series, context(4));
    const snapshot = JSON.parse(JSON.stringify(await model.snapshot())) as Awaited<
      ReturnType<typeof model.snapshot>
    >;
    expect(snapshot.params).toEqual({ periods: [24], window: 500 });
    const restored = await restoreModel(snapshot);
    expect(await restored.forecast(series, 4)).toEqual(await model.forecast(series, 4));
  });

  it("refuses a series too short to fit, saying how many points it needs", async () => {
    const short = { start: START, stepSeconds: HOUR, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    expect(mstlEtsTrainer.unsuitable(short, { horizon: 2, seasonSteps: 1 })).toBe("needs at least 24 points");
    await expect(mstlEtsTrainer.train(short, { ...context(2), seasonSteps: 1 })).rejects.toThrow(
      "MSTL/AutoETS cannot train on a series of 10 points: it needs at least 24 points",
    );
    const model = await mstlEtsTrainer.train(climbing(4, 1), context(2));
    await expect(model.forecast(short, 2)).rejects.toThrow(
      /needs at least 20 observed points before the forecast origin, got 10/,
    );
  });

  it("refuses a saved model whose periods are not whole numbers of steps", async () => {
    await expect(
      restoreModel({
        kind: "mstl-ets",
        version: "x",
        trainedAt: "2026-01-01T00:00:00.000Z",
        params: { periods: [1.5], window: 100 },
      }),
    ).rejects.toThrow(v.ValiError);
  });

  it("offers day and week together when the season is a day and two weeks fit", () => {
    expect(candidatePeriods(1, 1_800, 5_000)).toEqual([[]]);
    expect(candidatePeriods(48, 1_800, 5_000)).toEqual([[48], [48, 336]]);
    expect(candidatePeriods(336, 1_800, 5_000)).toEqual([[336], [48, 336]]);
    expect(candidatePeriods(48, 1_800, 600)).toEqual([[48]]);
    expect(candidatePeriods(12, 1_800, 5_000)).toEqual([[12]]);
  });

  it("fits on three or six cycles of the longest period, within 500 to 4,320 points", () => {
    expect(candidateSpecs(1, 300, 4_000)).toEqual([
      { periods: [], window: 500 },
      { periods: [], window: 1_000 },
    ]);
    expect(candidateSpecs(288, 300, 4_000)).toEqual([
      { periods: [288], window: 864 },
      { periods: [288], window: 1_728 },
    ]);
    expect(candidateSpecs(1_440, 60, 20_000).map((s) => s.window)).toEqual([4_320]);
    expect(candidateSpecs(48, 1_800, 5_000)).toContainEqual({ periods: [48, 336], window: 2_016 });
  });

  it("is the model training serves when its backtest beats the others'", async () => {
    const selection = await selectModel(
      climbing(12, 5),
      { horizon: 3, kinds: ["seasonal-naive", "mstl-ets"] },
      [seasonalNaiveTrainer, mstlEtsTrainer],
    );
    const mstl = selection.scores["mstl-ets"]?.mase ?? Infinity;
    expect(mstl).toBeLessThan(selection.scores["seasonal-naive"]?.mase ?? 0);
    expect(selection.best.kind).toBe("mstl-ets");
  });
});
