// What the scale benchmark runs against: a Redis of its own (so MEMORY and INFO count only what
// the benchmark wrote), synthetic per-minute load for many origins, and the predictor's stores.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import type { MetricName } from "../../../contracts/index.ts";
import { redisKeys, seededRng } from "../../../contracts/index.ts";
import type { SeriesPoint } from "../../../predictor/store/series-store.ts";
import { SeriesStore } from "../../../predictor/store/series-store.ts";
import { ensureRedis } from "../../stack/redis.ts";
import { generateTrace } from "../../traces/trace-generator.ts";

/** The benchmark's Redis: a fresh `redis-server` on a free port, without persistence. */
export type BenchRedis = { url: string; redis: Redis; stop(): Promise<void> };

/** Starts a dedicated Redis (never the shared one: its memory figures would include others'). */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => {
        resolve(free);
      });
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const handle = await ensureRedis({ url });
  if (!handle.started)
    throw new Error(`something already answered at ${url}; the benchmark needs a Redis of its own`);
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  return {
    url,
    redis,
    async stop() {
      redis.disconnect();
      await handle.stop();
    },
  };
}

/** `days` of per-minute load for origin number `index`: the local stack's realistic generator
 * (daily and weekly cycles, noise, a flash crowd), each origin with its own seed and level. */
export function originLoad(index: number, days: number, end: number): { t: number; value: number }[] {
  const trace = generateTrace(
    { days, stepSeconds: 60, baseLevel: 50 + (index % 17) * 20, flashCrowds: 1 },
    seededRng(1000 + index),
  );
  const shift = end - (trace.points.at(-1)?.t ?? end);
  return trace.points.map((p) => ({ t: p.t + shift, value: p.value }));
}

/** The four series the predictor keeps per origin, derived from its load the way a scrape
 * does: rates and latencies as full doubles, an error share, a CPU share. */
export function originSeries(origin: string, index: number, days: number, end: number): SeriesPoint[] {
  const rng = seededRng(5000 + index);
  const points: SeriesPoint[] = [];
  for (const { t, value } of originLoad(index, days, end)) {
    const add = (metric: MetricName, v: number) => points.push({ origin, metric, t, value: v });
    add("rps", value);
    add("p95_ms", 40 + value * 0.3 + rng() * 25);
    add("error_rate", rng() < 0.7 ? 0 : rng() * 0.01);
    add("cpu", Math.min(1, value / 400 + rng() * 0.05));
  }
  return points;
}

/** A series store on the benchmark's Redis under `prefix`, keeping `retentionDays`. */
export function benchSeriesStore(redis: Redis, prefix: string, retentionDays: number): SeriesStore {
  return new SeriesStore(redis, redisKeys(prefix), 60, retentionDays * 86_400);
}

/** Origin ids `o000`, `o001`, ... */
export const originId = (i: number): string => `o${String(i).padStart(3, "0")}`;

/** Median and 95th percentile of a sample. */
export function quantiles(values: readonly number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

/** Bytes Redis spends on the keys matching `pattern` (MEMORY USAGE, exact). */
export async function keysMemory(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    for (const key of keys) total += Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
  } while (cursor !== "0");
  return total;
}
