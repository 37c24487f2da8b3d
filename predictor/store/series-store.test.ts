import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { encodeSeriesMember, redisKeys, seededRng } from "../../contracts/index.ts";
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
  });

  it("drops points older than the retention", async () => {
    await store.write([{ origin: "eu-1", metric: "cpu", t: T0, value: 0.5 }], T0);
    await store.write([{ origin: "eu-1", metric: "cpu", t: T0 + 3_660_000, value: 0.6 }], T0 + 3_660_000);
    const series = await store.read("eu-1", "cpu", T0, T0 + 3_660_000);
    expect(series.values[0]).toBeNull();
    expect(series.values.at(-1)).toBe(Math.fround(0.6));
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

  it("reads back two days of points exactly as float32, gaps where none were written", async () => {
    const long = new SeriesStore(test.redis, redisKeys(test.prefix), 60, 3 * 86_400);
    const rng = seededRng(7);
    const end = T0 + 2 * 86_400_000;
    const expected: (number | null)[] = [];
    const points = [];
    for (let t = T0; t <= end; t += 60_000) {
      // Doubles of every magnitude a series sees, and one step in ten left out.
      const value = rng() < 0.1 ? null : (rng() - 0.2) * 10 ** Math.floor(rng() * 12 - 4);
      expected.push(value === null ? null : Math.fround(value));
      if (value !== null) points.push({ origin: "eu-1", metric: "rps" as const, t: t + 1_234, value });
    }
    expect(await long.write(points, end)).toBe(points.length);
    expect((await long.read("eu-1", "rps", T0, end)).values).toEqual(expected);
    expect((await long.read("eu-1", "rps", T0 + 86_400_000 - 60_000, T0 + 86_400_000)).values).toEqual(
      expected.slice(1439, 1441),
    );
  });

  it("keeps one point per step when two writers on two connections write it at once", async () => {
    const other = new Redis(test.url, { maxRetriesPerRequest: null });
    try {
      const second = new SeriesStore(other, redisKeys(test.prefix), 60, 3_600);
      const written = Array.from({ length: 40 }, (_, i) => i + 1);
      await Promise.all(
        written.map((value) =>
          (value % 2 === 0 ? store : second).write(
            [
              { origin: "eu-1", metric: "rps", t: T0 + value * 1_000, value },
              { origin: "eu-1", metric: "rps", t: T0 + 60_000, value: 1_000 + value },
            ],
            T0 + 120_000,
          ),
        ),
      );
    } finally {
      other.disconnect();
    }
    const series = await store.read("eu-1", "rps", T0 - 60_000, T0 + 120_000);
    expect(series.values[0]).toBeNull();
    expect(series.values[1]).toBeOneOf(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(series.values[2]).toBeOneOf(Array.from({ length: 40 }, (_, i) => 1_001 + i));
    expect(series.values[3]).toBeNull();
    expect(await store.latest("eu-1", "rps")).toBe(T0 + 60_000);
  });

  it("drops whole chunks once the retention has passed them", async () => {
    const day = new SeriesStore(test.redis, redisKeys(test.prefix), 60, 86_400);
    const key = redisKeys(test.prefix).series("eu-1", "rps");
    await day.write([{ origin: "eu-1", metric: "rps", t: T0, value: 1 }], T0);
    await day.write(
      [{ origin: "eu-1", metric: "rps", t: T0 + 13 * 3_600_000, value: 2 }],
      T0 + 13 * 3_600_000,
    );
    expect((await test.redis.hkeys(key)).length).toBe(3);
    await day.write(
      [{ origin: "eu-1", metric: "rps", t: T0 + 2 * 86_400_000, value: 3 }],
      T0 + 2 * 86_400_000,
    );
    expect((await test.redis.hkeys(key)).length).toBe(2);
    const all = await day.read("eu-1", "rps", T0, T0 + 2 * 86_400_000);
    expect(all.values.filter((v) => v !== null)).toEqual([3]);
  });

  it("keeps the newest point as the latest when an older step is written after it", async () => {
    await store.write([{ origin: "eu-1", metric: "rps", t: T0 + 600_000, value: 5 }], T0 + 600_000);
    await store.write([{ origin: "eu-1", metric: "rps", t: T0, value: 4 }], T0 + 600_000);
    expect(await store.latest("eu-1", "rps")).toBe(T0 + 600_000);
    expect(await store.latest("eu-1", "cpu")).toBeNull();
  });

  it("leaves a gap for a value float32 cannot hold, never an infinity", async () => {
    const written = await store.write(
      [
        { origin: "eu-1", metric: "rps", t: T0, value: 1e39 },
        { origin: "eu-1", metric: "rps", t: T0 + 60_000, value: 2 },
      ],
      T0 + 60_000,
    );
    expect(written).toBe(1);
    expect((await store.read("eu-1", "rps", T0, T0 + 60_000)).values).toEqual([null, 2]);
  });

  it("averages points stored at another step into this step's buckets", async () => {
    await store.write(
      [0, 1, 2, 3].map((i) => ({ origin: "eu-1", metric: "rps" as const, t: T0 + i * 60_000, value: i })),
      T0 + 240_000,
    );
    const coarse = new SeriesStore(test.redis, redisKeys(test.prefix), 120, 3_600);
    expect((await coarse.read("eu-1", "rps", T0, T0 + 120_000)).values).toEqual([0.5, 2.5]);
  });

  it("converts a series of the old sorted-set layout on first touch, losing none of its points", async () => {
    const key = redisKeys(test.prefix).series("eu-1", "rps");
    await test.redis.zadd(
      key,
      T0,
      encodeSeriesMember(T0, 10),
      T0 + 60_000,
      encodeSeriesMember(T0 + 60_000, 11),
      T0 + 90_000,
      encodeSeriesMember(T0 + 90_000, 13),
      T0 + 180_000,
      encodeSeriesMember(T0 + 180_000, 14.5),
    );
    expect(await store.latest("eu-1", "rps")).toBe(T0 + 180_000);
    expect(await test.redis.type(key)).toBe("zset");
    expect((await store.read("eu-1", "rps", T0, T0 + 180_000)).values).toEqual([10, 12, null, 14.5]);
    expect(await test.redis.type(key)).toBe("hash");
    await store.write([{ origin: "eu-1", metric: "rps", t: T0 + 120_000, value: 7 }], T0 + 180_000);
    expect((await store.read("eu-1", "rps", T0, T0 + 180_000)).values).toEqual([10, 12, 7, 14.5]);
    expect(await store.latest("eu-1", "rps")).toBe(T0 + 180_000);
  });

  it("converts an old series when a write touches it first", async () => {
    const key = redisKeys(test.prefix).series("eu-1", "rps");
    await test.redis.zadd(key, T0, encodeSeriesMember(T0, 10));
    await store.write([{ origin: "eu-1", metric: "rps", t: T0 + 60_000, value: 11 }], T0 + 60_000);
    expect((await store.read("eu-1", "rps", T0, T0 + 60_000)).values).toEqual([10, 11]);
  });

  it("stores a day of one-minute points in under 8 bytes a point", async () => {
    const day = new SeriesStore(test.redis, redisKeys(test.prefix), 60, 86_400);
    const rng = seededRng(3);
    const end = T0 + 86_400_000 - 60_000;
    const points = Array.from({ length: 1440 }, (_, i) => ({
      origin: "eu-1",
      metric: "rps" as const,
      t: T0 + i * 60_000,
      value: 100 + rng() * 50,
    }));
    for (let i = 0; i < points.length; i += 60) await day.write(points.slice(i, i + 60), end);
    const bytes = Number(
      await test.redis.call("MEMORY", "USAGE", redisKeys(test.prefix).series("eu-1", "rps"), "SAMPLES", "0"),
    );
    expect(bytes / 1440).toBeLessThan(8);
  });

  it("refuses a retention shorter than one step", () => {
    expect(() => new SeriesStore(test.redis, redisKeys(test.prefix), 60, 30)).toThrow(/retention/);
  });
});
