import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Forecast } from "../../contracts/index.ts";
import type { TestRedis } from "../../test/support/redis.ts";
import { openTestRedis } from "../../test/support/redis.ts";
import { forecastHistoryKey, ForecastHistory } from "./forecast-history.ts";

const NOW = Date.UTC(2026, 0, 5, 12);
const STEP = 60_000;
let test: TestRedis;

beforeEach(async () => {
  test = await openTestRedis("history");
});
afterEach(async () => {
  await test.cleanup();
});

function forecast(generatedAt: number, mean: number[]): Forecast {
  return {
    origin: "eu-1",
    metric: "rps",
    generatedAt: new Date(generatedAt).toISOString(),
    start: new Date(generatedAt + STEP).toISOString(),
    stepSeconds: 60,
    mean,
    lower: mean.map((x) => x - 1),
    upper: mean.map((x) => x + 1),
    model: { kind: "lstm", version: "v1", trainedAt: new Date(NOW).toISOString() },
    accuracy: { mase: 0.5, smape: 10, byModel: {} },
  };
}

describe("ForecastHistory", () => {
  it("remembers what each forecast said for its lead ahead, one point per time", async () => {
    const history = new ForecastHistory(test.redis, test.prefix, 3, 86_400);
    await history.record(forecast(NOW, [10, 11, 12.3456789, 13]), NOW);
    // The next step's forecast is for a later time; a repeated forecast of the same step replaces.
    await history.record(forecast(NOW + STEP, [20, 21, 22, 23]), NOW + STEP);
    await history.record(forecast(NOW + STEP, [30, 31, 32, 33]), NOW + STEP);
    const points = await history.read("eu-1", "rps", NOW, NOW + 10 * STEP);
    expect(points).toEqual([
      { t: NOW + 3 * STEP, mean: 12.3457, lower: 11.3457, upper: 13.3457, model: "lstm" },
      { t: NOW + 4 * STEP, mean: 32, lower: 31, upper: 33, model: "lstm" },
    ]);
  });

  it("takes a short forecast's last point and drops points past the retention", async () => {
    const history = new ForecastHistory(test.redis, test.prefix, 15, 600);
    await history.record(forecast(NOW, [1, 2]), NOW);
    await history.record(forecast(NOW + 20 * STEP, [5, 6]), NOW + 20 * STEP);
    const points = await history.read("eu-1", "rps", 0, NOW + 100 * STEP);
    expect(points.map((p) => [p.t, p.mean])).toEqual([[NOW + 22 * STEP, 6]]);
  });

  it("skips members it cannot read", async () => {
    const history = new ForecastHistory(test.redis, test.prefix, 1, 86_400);
    await test.redis.zadd(
      forecastHistoryKey(test.prefix, "eu-1", "rps"),
      NOW,
      "garbage",
      NOW,
      `${NOW}:1:0:2:unknown-model`,
    );
    await history.record(forecast(NOW - STEP, [4]), NOW);
    expect(await history.read("eu-1", "rps", 0, NOW * 2)).toEqual([
      { t: NOW, mean: 4, lower: 3, upper: 5, model: "lstm" },
    ]);
  });
});
