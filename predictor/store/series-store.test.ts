import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/index.ts";
import type { TestRedis } from "../../test/support/redis.ts";
import { openTestRedis } from "../../test/support/redis.ts";
import { SeriesStore } from "./series-store.ts";

const T0 = Date.UTC(2026, 0, 5, 12, 0);
let test: TestRedis;
let store: SeriesStore;

beforeEach(async () => {
  test = await openTestRedis("series");
  store = new SeriesStore(test.redis, redisKeys(test.prefix), 60, 3_600);
});
afterEach(async () => {
  await test.cleanup();
});

describe("SeriesStore", () => {
  it("reads back points on the step grid with unscraped steps as gaps, never zeros", async () => {
    await store.write(
      [
        { origin: "eu-1", metric: "rps", t: T0 + 5_000, value: 10 },
        { origin: "eu-1", metric: "rps", t: T0 + 120_000 + 59_000, value: 12 },
        { origin: "eu-1", metric: "rps", t: T0 + 180_000, value: Number.NaN },
      ],
      T0 + 200_000,
    );
    const series = await store.read("eu-1", "rps", T0, T0 + 180_000);
    expect(series).toEqual({ start: T0, stepSeconds: 60, values: [10, null, 12, null] });
    expect(await store.list()).toEqual([{ origin: "eu-1", metric: "rps" }]);
  });

  it("keeps one value per step when the same step is written twice (two workers)", async () => {
    await store.write([{ origin: "eu-1", metric: "p95_ms", t: T0 + 1_000, value: 80 }], T0 + 2_000);
    await store.write([{ origin: "eu-1", metric: "p95_ms", t: T0 + 30_000, value: 95 }], T0 + 31_000);
    expect((await store.read("eu-1", "p95_ms", T0, T0)).values).toEqual([95]);
    expect(await test.redis.zcard(redisKeys(test.prefix).series("eu-1", "p95_ms"))).toBe(1);
  });

  it("drops points older than the retention", async () => {
    await store.write([{ origin: "eu-1", metric: "cpu", t: T0, value: 0.5 }], T0);
    await store.write([{ origin: "eu-1", metric: "cpu", t: T0 + 3_660_000, value: 0.6 }], T0 + 3_660_000);
    const series = await store.read("eu-1", "cpu", T0, T0 + 3_660_000);
    expect(series.values[0]).toBeNull();
    expect(series.values.at(-1)).toBe(0.6);
    expect(await store.latest("eu-1", "cpu")).toBe(T0 + 3_660_000);
  });

  it("writes a history of capacity samples at once, one per step, within the retention", async () => {
    const sample = (replicas: number) => ({
      at: new Date(T0).toISOString(),
      replicas,
      capacityRps: replicas * 20,
    });
    await store.writeCapacity("eu-1", sample(9), T0 + 60_000, T0);
    await store.writeCapacityBatch(
      "eu-1",
      [
        { t: T0 - 3_700_000, sample: sample(1) },
        { t: T0 + 10_000, sample: sample(2) },
        { t: T0 + 70_000, sample: sample(3) },
      ],
      T0 + 120_000,
    );
    const members = await test.redis.zrange(redisKeys(test.prefix).capacity("eu-1"), "0", "-1");
    expect(members.map((member) => (JSON.parse(member) as { replicas: number }).replicas)).toEqual([2, 3]);
  });

  it("refuses a retention shorter than one step", () => {
    expect(() => new SeriesStore(test.redis, redisKeys(test.prefix), 60, 30)).toThrow(/retention/);
  });
});
