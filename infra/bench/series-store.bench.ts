import type { Redis } from "ioredis";
import { METRICS, decodeSeriesMember, encodeSeriesMember, redisKeys } from "../../contracts/index.ts";
import type { SeriesPoint } from "../../predictor/store/series-store.ts";
import type { Benchmark } from "./benchmark.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";
import { benchSeriesStore, originId, originSeries, quantiles, startBenchRedis } from "./scale/bench-world.ts";

const DAY = 86_400_000;
const TARGET_ORIGINS = 10_000;
const GB = 1024 ** 3;
const END = Date.UTC(2026, 0, 20);

const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const n2 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function keyBytes(redis: Redis, key: string): Promise<number> {
  return Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
}

/** CPU the Redis server has used so far (user + system), in µs. */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1e6;
}

/** Writes points as versions before the compact store did: one sorted set per series, score =
 * bucket start, member `ms:value`. */
async function writeSortedSets(redis: Redis, prefix: string, points: readonly SeriesPoint[]): Promise<void> {
  const keys = redisKeys(prefix);
  for (let i = 0; i < points.length; i += 5_000) {
    const batch = redis.pipeline();
    for (const p of points.slice(i, i + 5_000))
      batch.zadd(keys.series(p.origin, p.metric), p.t, encodeSeriesMember(p.t, p.value));
    await batch.exec();
  }
}

/** The change of `used_memory` while `write` runs. */
async function grows(redis: Redis, write: () => Promise<unknown>): Promise<number> {
  const before = await usedMemory(redis);
  await write();
  return (await usedMemory(redis)) - before;
}

type Layout = {
  /** MEMORY USAGE of one rps series over its points, for 1 and 14 days. */
  bytesPerPoint: { oneDay: number; fourteenDays: number };
  /** used_memory grown by the sample's four series, per origin and day of history. */
  perOriginDay: number;
};

/** Bytes of one layout: single keys of 1 and 14 days, and a sample of origins with 14 days each. */
async function measureLayout(
  redis: Redis,
  prefix: string,
  origins: number,
  write: (points: SeriesPoint[]) => Promise<unknown>,
  log: (m: string) => void,
): Promise<Layout> {
  const keys = redisKeys(prefix);
  const rps = (origin: string, index: number, days: number) =>
    originSeries(origin, index, days, END).filter((p) => p.metric === "rps");
  await write(rps("one-day", 1, 1));
  await write(rps("two-weeks", 1, 14));
  const oneDay = (await keyBytes(redis, keys.series("one-day", "rps"))) / 1440;
  const fourteenDays = (await keyBytes(redis, keys.series("two-weeks", "rps"))) / (14 * 1440);
  const sample = await grows(redis, async () => {
    for (let i = 0; i < origins; i++) await write(originSeries(originId(i), i, 14, END));
  });
  log(`${prefix}: ${origins} origins x ${METRICS.length} series x 14 days written`);
  return { bytesPerPoint: { oneDay, fourteenDays }, perOriginDay: sample / origins / 14 };
}

/** Times a training read of 14 days of one series and the write of one step at its end. */
async function measureTimes(redis: Redis, runs: number) {
  const store = benchSeriesStore(redis, "timing", 14);
  const points = originSeries("timed", 3, 14, END).filter((p) => p.metric === "rps");
  const tail = 200;
  await store.write(points.slice(0, -tail), END);
  const writes: number[] = [];
  const cpu0 = await redisCpuUs(redis);
  for (const point of points.slice(-tail)) {
    const t0 = performance.now();
    await store.write([point], END);
    writes.push(performance.now() - t0);
  }
  const cpuUsPerWrite = ((await redisCpuUs(redis)) - cpu0) / tail;
  const reads: number[] = [];
  let length = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const series = await store.read("timed", "rps", END - 14 * DAY + 60_000, END);
    reads.push(performance.now() - t0);
    length = series.values.length;
  }
  const legacyKey = redisKeys("timing").series("legacy", "rps");
  await writeSortedSets(
    redis,
    "timing",
    points.map((p) => ({ ...p, origin: "legacy" })),
  );
  // The read of versions before: every member of the range, decoded (conversion happens below).
  const legacyReads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const members = await redis.zrangebyscore(legacyKey, END - 14 * DAY + 60_000, END + 59_999);
    if (members.map(decodeSeriesMember).filter(Boolean).length !== points.length)
      throw new Error("short read");
    legacyReads.push(performance.now() - t0);
  }
  const c0 = performance.now();
  await store.read("legacy", "rps", END - 60_000, END);
  const convertMs = performance.now() - c0;
  if ((await redis.type(legacyKey)) !== "hash") throw new Error("the old series was not converted");
  return {
    readMs: quantiles(reads),
    legacyReadMs: quantiles(legacyReads),
    readPoints: length,
    writeMs: quantiles(writes),
    cpuUsPerWrite,
    convertMs,
  };
}

/** Redis memory and speed of the series store, before (sorted sets) and after (float32 chunks). */
const bench: Benchmark = {
  name: "series-store",
  title: "Series store: Redis bytes per point, 10,000 origins, read and write times",
  async run(context) {
    const origins = context.quick ? 5 : 40;
    const world = await startBenchRedis();
    try {
      const log = (m: string) => {
        context.log(m);
      };
      const store = benchSeriesStore(world.redis, "after", 14);
      const after = await measureLayout(world.redis, "after", origins, (p) => store.write(p, END), log);
      const before = await measureLayout(
        world.redis,
        "before",
        origins,
        (p) => writeSortedSets(world.redis, "before", p),
        log,
      );
      const times = await measureTimes(world.redis, context.quick ? 20 : 100);
      return report(origins, before, after, times);
    } finally {
      await world.stop();
    }
  },
};
export default bench;

function report(
  origins: number,
  before: Layout,
  after: Layout,
  times: Awaited<ReturnType<typeof measureTimes>>,
): string {
  const at = (layout: Layout) => layout.perOriginDay * 14 * TARGET_ORIGINS;
  const pointsPerOriginDay = METRICS.length * 1440;
  return [
    fillTemplate("series-store-setup"),
    "",
    "| | sorted set (before) | float32 chunks (now) |",
    "| --- | ---: | ---: |",
    `| bytes per point, one series of 1 day (\`MEMORY USAGE\`) | ${n1(before.bytesPerPoint.oneDay)} | ${n2(after.bytesPerPoint.oneDay)} |`,
    `| bytes per point, one series of 14 days | ${n1(before.bytesPerPoint.fourteenDays)} | ${n2(after.bytesPerPoint.fourteenDays)} |`,
    `| bytes per origin-day, four series (\`used_memory\` grown by ${origins} origins x 14 days) | ${[
      `${n0(before.perOriginDay)} (${n1(before.perOriginDay / pointsPerOriginDay)} a point)`,
      `${n0(after.perOriginDay)} (${n2(after.perOriginDay / pointsPerOriginDay)} a point)`,
    ].join(" | ")} |`,
    `| **${n0(TARGET_ORIGINS)} origins x 4 series x 14 days**, extrapolated linearly from the ${origins}-origin sample | ${n1(at(before) / GB)} GB | **${n1(at(after) / GB)} GB** |`,
    "",
    fillTemplate("series-store-extrapolation", { factor: n0(TARGET_ORIGINS / origins) }),
    headlineComment({
      figure: `${n0(TARGET_ORIGINS)} origins x 4 series x 14 days in ${n1(at(after) / GB)} GB`,
      target: "under 8 GB",
      met: at(after) < 8 * GB,
    }),
    "",
    "| operation, one series | median | p95 |",
    "| --- | ---: | ---: |",
    `| read 14 days (${n0(times.readPoints)} steps, as a training job does) | ${n2(times.readMs.median)} ms | ${n2(times.readMs.p95)} ms |`,
    `| the same from the sorted set (before: \`ZRANGEBYSCORE\` and decoding the members) | ${n2(times.legacyReadMs.median)} ms | ${n2(times.legacyReadMs.p95)} ms |`,
    `| write one step at the end of a 14-day series (one Lua script call) | ${n2(times.writeMs.median)} ms | ${n2(times.writeMs.p95)} ms |`,
    "",
    fillTemplate("series-store-writes", {
      cpuUs: n0(times.cpuUsPerWrite),
      origins: n0(TARGET_ORIGINS),
      redisShare: n1((((TARGET_ORIGINS * 4) / 60) * times.cpuUsPerWrite) / 1e4),
      convertMs: n0(times.convertMs),
    }),
  ].join("\n");
}
