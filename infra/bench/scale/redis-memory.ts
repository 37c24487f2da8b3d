// Redis memory per origin-day of history: what the predictor keeps for each origin (four series,
// capacity samples, the forecast history of the dashboard) and per origin regardless of history
// (its four forecast documents and the scraper's last sample), measured with INFO and MEMORY
// USAGE on a Redis holding nothing else.
import type { Redis } from "ioredis";
import { METRICS, redisKeys } from "../../../contracts/index.ts";
import { forecastOf } from "../../../scaler/policy/policy-fixtures.ts";
import { DocumentStore } from "../../../predictor/store/documents.ts";
import { ForecastHistory } from "../../../predictor/store/forecast-history.ts";
import { ScrapeStateStore } from "../../../predictor/store/scrape-state.ts";
import { benchSeriesStore, originId, originLoad, originSeries } from "./bench-world.ts";

/** Bytes, per origin, of each kind of data; `perDay` scales with the retention. */
export type MemoryResult = {
  origins: number;
  perOriginDay: { series: number; capacity: number; history: number };
  perOrigin: { forecasts: number; scrapeState: number };
  bytesPerPoint: { oneDay: number; fourteenDays: number };
};

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Memory added by `write`, measured as the change of `used_memory`. */
async function delta(redis: Redis, write: () => Promise<unknown>): Promise<number> {
  const before = await usedMemory(redis);
  await write();
  return (await usedMemory(redis)) - before;
}

/** Writes one day of everything for `origins` origins and measures what each kind costs. */
export async function measureRedisMemory(
  redis: Redis,
  origins: number,
  log: (m: string) => void,
): Promise<MemoryResult> {
  const prefix = "mem";
  const keys = redisKeys(prefix);
  const store = benchSeriesStore(redis, prefix, 14);
  const end = Date.UTC(2026, 0, 20);
  const ids = Array.from({ length: origins }, (_, i) => originId(i));
  const series = await delta(redis, async () => {
    for (const [i, origin] of ids.entries()) await store.write(originSeries(origin, i, 1, end), end);
  });
  log(`memory: ${origins} origin-days of series written`);
  const capacity = await delta(redis, async () => {
    for (const origin of ids) {
      await Promise.all(
        Array.from({ length: 1440 }, (_, step) => {
          const t = end - (1439 - step) * 60_000;
          return store.writeCapacity(
            origin,
            { at: new Date(t).toISOString(), replicas: 4, capacityRps: 80 },
            t,
            end,
          );
        }),
      );
    }
  });
  // The forecast history keeps one point per step and series; ten origins are enough to weigh it.
  const historyOrigins = ids.slice(0, Math.min(10, origins));
  const history = new ForecastHistory(redis, prefix, 5, 14 * 86_400);
  const historyBytes = await delta(redis, async () => {
    for (const [i, origin] of historyOrigins.entries()) {
      const load = originLoad(i, 1, end);
      for (const metric of METRICS) {
        // A forecast made four steps before t, whose fifth point (the history's lead) is for t.
        await Promise.all(
          load.map(({ t, value }) =>
            history.record(
              { ...forecastOf(origin, t - 4 * 60_000, 60, 15, () => value * 1.0123), metric },
              t,
            ),
          ),
        );
      }
    }
  });
  const documents = new DocumentStore(redis, keys);
  const forecasts = await delta(redis, async () => {
    for (const origin of ids)
      for (const metric of METRICS)
        await documents.writeForecast({
          ...forecastOf(origin, end, 60, 15, (t) => 100 + (t % 7_000) / 77.7),
          metric,
        });
  });
  const state = new ScrapeStateStore(redis, prefix);
  const buckets = Object.fromEntries(
    ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "Infinity"].map(
      (le, i) => [le, 1_000_000 + i * 12_345],
    ),
  );
  const scrapeState = await delta(redis, async () => {
    for (const origin of ids)
      await state.set(`http://10.0.${origin.length}.1:9100/metrics/${origin}`, {
        at: end,
        requests: {
          'code="200"': { code: "200", value: 1_234_567 },
          'code="503"': { code: "503", value: 1_234 },
        },
        durations: { "": { buckets, count: 1_235_801 } },
        cpu: 0.4321,
        replicas: 4,
        capacityRps: 80,
      });
  });
  // Bytes per stored point, from the key itself, for one day and for fourteen.
  const oneDay =
    Number(await redis.call("MEMORY", "USAGE", keys.series(ids[0] ?? "o000", "rps"), "SAMPLES", "0")) / 1440;
  const longStore = benchSeriesStore(redis, "mem14", 14);
  await longStore.write(
    originSeries("long", 0, 14, end).filter((p) => p.metric === "rps"),
    end,
  );
  const fourteen =
    Number(await redis.call("MEMORY", "USAGE", redisKeys("mem14").series("long", "rps"), "SAMPLES", "0")) /
    (14 * 1440);
  return {
    origins,
    perOriginDay: {
      series: series / origins,
      capacity: capacity / origins,
      history: historyBytes / historyOrigins.length,
    },
    perOrigin: { forecasts: forecasts / origins, scrapeState: scrapeState / origins },
    bytesPerPoint: { oneDay, fourteenDays: fourteen },
  };
}
