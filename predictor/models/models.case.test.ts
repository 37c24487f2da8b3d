import { describe, expect, it } from "vitest";
import type { RegularSeries } from "../../contracts/index.ts";
import { manualClock, seededRng } from "../../contracts/index.ts";
import { holtWintersTrainer } from "./holt-winters-model.ts";
import { lstmTrainer } from "./lstm/lstm-trainer.ts";
import type { ModelTrainer } from "./model.ts";
import { mstlEtsTrainer } from "./mstl-ets.ts";
import { restoreModel } from "./restore.ts";
import { detectSeasonSteps } from "./season.ts";
import { seasonalNaiveTrainer } from "./seasonal-naive.ts";

// One table of cases that every model kind must pass (as Hono runs every router against one
// case file). The LSTM is tiny here so the suite stays fast; its accuracy is measured in the
// forecast-accuracy benchmark.
const TRAINERS: ModelTrainer[] = [
  seasonalNaiveTrainer,
  holtWintersTrainer,
  mstlEtsTrainer,
  lstmTrainer({ units: 8, window: 8, epochs: 20, maxWindows: 512, seed: 3 }),
];
const HOUR = 3_600;
const START = Date.UTC(2026, 0, 5);

function hourly(values: (number | null)[]): RegularSeries {
  return { start: START, stepSeconds: HOUR, values };
}
function daily(days: number, level: number, amplitude: number, noise: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from(
    { length: days * 24 },
    (_, i) => level + amplitude * Math.sin((2 * Math.PI * i) / 24) + noise * (rng() - 0.5),
  );
}
const mae = (a: readonly number[], b: readonly number[]) =>
  a.reduce((s, x, i) => s + Math.abs(x - (b[i] ?? 0)), 0) / a.length;

type Case = {
  name: string;
  series: RegularSeries;
  horizon: number;
  future: number[];
  check: (mean: number[], lower: number[], upper: number[], future: number[]) => void;
};

const cycle = daily(16, 100, 40, 4, 1);
const shifted = [...daily(10, 100, 0, 6, 2), ...daily(4, 200, 0, 6, 3)];
const gappy: (number | null)[] = daily(14, 100, 40, 4, 4).map((x, i) => (i % 7 === 3 || i >= 334 ? null : x));
const CASES: Case[] = [
  {
    name: "a flat series is forecast flat, inside its interval (within 1 %)",
    series: hourly(Array<number>(14 * 24).fill(50)),
    horizon: 6,
    future: Array<number>(6).fill(50),
    check: (mean, lower, upper) => {
      for (const [h, m] of mean.entries()) {
        expect(Math.abs(m - 50)).toBeLessThan(0.5);
        expect(lower[h]).toBeLessThanOrEqual(50.5);
        expect(upper[h]).toBeGreaterThanOrEqual(49.5);
      }
    },
  },
  {
    name: "a daily cycle is continued",
    series: hourly(cycle.slice(0, 15 * 24)),
    horizon: 6,
    future: cycle.slice(15 * 24, 15 * 24 + 6),
    // Within a quarter of the amplitude (40), where "tomorrow = today's last value" errs by ~20.
    check: (mean, _l, _u, future) => {
      expect(mae(mean, future)).toBeLessThan(10);
    },
  },
  {
    name: "a doubled level is followed, not averaged away",
    series: hourly(shifted),
    horizon: 3,
    future: [200, 200, 200],
    check: (mean) => {
      for (const m of mean) expect(m).toBeGreaterThan(160);
    },
  },
  {
    name: "gaps, even at the end, are bridged rather than read as zeros",
    series: hourly(gappy),
    horizon: 4,
    future: daily(15, 100, 40, 0, 4).slice(336, 340),
    check: (mean, lower, upper) => {
      for (const [h, m] of mean.entries()) {
        expect(m).toBeGreaterThan(40);
        expect(Number.isFinite(lower[h]) && Number.isFinite(upper[h])).toBe(true);
      }
    },
  },
];

describe.each(TRAINERS.map((t) => [t.kind, t] as const))("%s", (_kind, trainer) => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const model = await trainer.train(c.series, {
      horizon: c.horizon,
      seasonSteps: detectSeasonSteps(c.series),
      now: manualClock(START),
      rng: seededRng(9),
      onProgress: () => undefined,
    });
    const band = await model.forecast(c.series, c.horizon);
    expect(band.mean).toHaveLength(c.horizon);
    c.check(band.mean, band.lower, band.upper, c.future);
    model.dispose();
  });

  it("forecasts the same after a save and restore", async () => {
    const series = hourly(cycle.slice(0, 15 * 24));
    const model = await trainer.train(series, {
      horizon: 4,
      seasonSteps: 24,
      now: manualClock(START),
      rng: seededRng(5),
      onProgress: () => undefined,
    });
    const snapshot = JSON.parse(JSON.stringify(await model.snapshot())) as Awaited<
      ReturnType<typeof model.snapshot>
    >;
    const restored = await restoreModel(snapshot);
    const [a, b] = [await model.forecast(series, 4), await restored.forecast(series, 4)];
    for (const key of ["mean", "lower", "upper"] as const)
      for (const [i, x] of a[key].entries()) expect(b[key][i]).toBeCloseTo(x, 4);
    expect(restored.version).toBe(model.version);
    model.dispose();
    restored.dispose();
  });

  it("names a TensorFlow.js backend only when TensorFlow.js runs it", async () => {
    const series = hourly(cycle.slice(0, 15 * 24));
    const model = await trainer.train(series, {
      horizon: 2,
      seasonSteps: 24,
      now: manualClock(START),
      rng: seededRng(6),
      onProgress: () => undefined,
    });
    const restored = await restoreModel(
      JSON.parse(JSON.stringify(await model.snapshot())) as Awaited<ReturnType<typeof model.snapshot>>,
    );
    for (const m of [model, restored]) {
      if (m.kind === "lstm") expect(["tensorflow", "wasm", "cpu"]).toContain(m.backend);
      else expect(m.backend).toBeUndefined();
    }
    model.dispose();
    restored.dispose();
  });
});
