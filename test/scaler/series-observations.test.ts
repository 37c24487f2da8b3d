import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeSeriesMember, redisKeys } from "../../contracts/index.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import { readObservations } from "../../scaler/inputs/redis-inputs.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const NOW = Date.UTC(2026, 0, 5, 12, 0);
let test: TestRedis;

beforeEach(async () => {
  test = await openTestRedis("series-obs");
});
afterEach(async () => {
  await test.cleanup();
});

describe("the scaler's view of the predictor's series", () => {
  it("reads each origin's newest fresh point as the predictor's store wrote it, and nothing stale", async () => {
    const keys = redisKeys(test.prefix);
    const store = new SeriesStore(test.redis, keys, 60, 86_400);
    await store.write(
      [
        { origin: "eu-1", metric: "rps", t: NOW - 120_000, value: 90 },
        { origin: "eu-1", metric: "rps", t: NOW, value: 120.3 },
        { origin: "eu-1", metric: "p95_ms", t: NOW - 600_000, value: 80 },
      ],
      NOW,
    );
    // An older step written late does not hide the newest one.
    await store.write([{ origin: "eu-1", metric: "rps", t: NOW - 60_000, value: 1 }], NOW);
    const { observations } = await readObservations(test.redis, keys, ["eu-1", "us-1"], NOW, 300_000);
    expect(observations["eu-1"]).toEqual({ rps: Math.fround(120.3) });
    expect(observations["us-1"]).toEqual({});
  });

  it("reads a series still in the sorted-set layout of older versions", async () => {
    const keys = redisKeys(test.prefix);
    await test.redis.zadd(keys.series("eu-1", "error_rate"), NOW, encodeSeriesMember(NOW, 0.02));
    const { observations } = await readObservations(test.redis, keys, ["eu-1"], NOW, 300_000);
    expect(observations["eu-1"]).toEqual({ errorRate: 0.02 });
  });
});
