import type { Redis } from "ioredis";
import type {
  CapacitySample,
  MetricName,
  RedisKeys,
  RegularSeries,
  SeriesWaiting,
  SeriesWindow,
} from "../../contracts/index.ts";
import {
  capacitySampleSchema,
  decodeSeriesMember,
  encodeSeriesMember,
  parseJsonText,
  validateWith,
} from "../../contracts/index.ts";
import { SERIES_CHUNK_STEPS } from "../../contracts/series-layout.ts";
import type { GridPoint } from "./series-chunks.ts";
import { GAP_BYTES, decodeChunk, encodeValue, planChunkWrites, storedValue } from "./series-chunks.ts";
import { convertLegacySeries } from "./series-migration.ts";
import type { SeriesScripts } from "./series-scripts.ts";
import { isLegacySeries, seriesScripts } from "./series-scripts.ts";
import { readWaiting, writeWaiting } from "./series-waiting.ts";

/** One observation to record: the bucket it falls in is `floor(t / step) * step`. */
export type SeriesPoint = { origin: string; metric: MetricName; t: number; value: number };

/** A series the store holds. */
export type SeriesId = { origin: string; metric: MetricName };

/**
 * The series store: one Redis hash per origin and metric holding chunks of float32 values on the
 * step grid (layout in contracts/series-layout.ts), with a retention. A stored point costs about
 * four bytes (see BENCHMARKS.md); values read back rounded to float32 (7 significant digits).
 * Writing a step again replaces its value (two workers scraping the same step cannot double a
 * point); a step never written stays a gap, read back as null, never as zero. A series still in
 * the sorted-set layout of older versions is converted the first time it is written or read.
 */
export class SeriesStore {
  readonly stepMs: number;
  private readonly scripts: SeriesScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    readonly stepSeconds: number,
    readonly retentionSeconds: number,
  ) {
    if (!Number.isInteger(stepSeconds) || stepSeconds < 1)
      throw new RangeError(`step must be a whole number of seconds >= 1, got ${stepSeconds}`);
    if (!(retentionSeconds >= stepSeconds))
      throw new RangeError(`retention (${retentionSeconds} s) must be at least one step (${stepSeconds} s)`);
    this.stepMs = stepSeconds * 1000;
    this.scripts = seriesScripts(redis);
  }

  /** Start (epoch ms) of the bucket holding `t`. */
  bucketOf(t: number): number {
    return Math.floor(t / this.stepMs) * this.stepMs;
  }

  /** Records points (non-finite values, and values float32 cannot hold, are skipped: a gap) and
   * drops what retention has passed. Resolves once Redis holds every point: each series is
   * written by one atomic script. Returns how many points were written. */
  async write(points: readonly SeriesPoint[], now: number): Promise<number> {
    const oldest = now - this.retentionSeconds * 1000;
    const bySeries = new Map<string, { origin: string; metric: MetricName; points: GridPoint[] }>();
    for (const point of points) {
      const t = this.bucketOf(point.t);
      if (t < oldest || !encodeValue(point.value)) continue;
      const id = `${point.origin}/${point.metric}`;
      const series = bySeries.get(id) ?? { origin: point.origin, metric: point.metric, points: [] };
      series.points.push({ t, value: point.value });
      bySeries.set(id, series);
    }
    const written = await Promise.all(
      [...bySeries.entries()].map(async ([id, series]) => {
        const key = this.keys.series(series.origin, series.metric);
        await this.touching(key, () => this.writeSeries(key, id, series.points, oldest));
        return series.points.length;
      }),
    );
    return written.reduce((a, b) => a + b, 0);
  }

  private async writeSeries(key: string, id: string, points: GridPoint[], oldest: number): Promise<void> {
    const chunks = planChunkWrites(points, this.stepMs);
    let newest: GridPoint = { t: Number.NEGATIVE_INFINITY, value: 0 };
    for (const point of points) if (point.t >= newest.t) newest = point;
    const args: (string | number | Buffer)[] = [
      oldest,
      this.stepSeconds,
      SERIES_CHUNK_STEPS,
      GAP_BYTES,
      newest.t,
      encodeSeriesMember(newest.t, storedValue(newest.value)),
      id,
    ];
    for (const chunk of chunks) {
      args.push(chunk.start, chunk.slots.length);
      for (const [slot, bytes] of chunk.slots) args.push(slot, bytes);
    }
    await this.scripts.write([key, this.keys.seriesIndex], args);
  }

  /** Runs `operation` on a series key, converting an old sorted-set series first if it is one. */
  private async touching<T>(key: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!isLegacySeries(error)) throw error;
      await convertLegacySeries(this.redis, key, this.stepSeconds);
      return operation();
    }
  }

  /** The series on the store's grid over `[from, to]` (bucket starts), gaps as null. Points stored
   * at another step (a changed configuration) are averaged into this step's buckets. */
  async read(origin: string, metric: MetricName, from: number, to: number): Promise<RegularSeries> {
    const start = this.bucketOf(from);
    const end = this.bucketOf(to);
    const length = Math.max(0, Math.floor((end - start) / this.stepMs) + 1);
    const sums = new Float64Array(length);
    const counts = new Uint32Array(length);
    const key = this.keys.series(origin, metric);
    const reply = await this.touching(key, () => this.scripts.read(key, start, end + this.stepMs - 1));
    for (let r = 0; r + 1 < reply.length; r += 2) {
      const points = decodeChunk(String(reply[r]), reply[r + 1] ?? Buffer.alloc(0)) ?? [];
      for (const point of points) {
        const i = Math.floor((point.t - start) / this.stepMs);
        if (i < 0 || i >= length) continue;
        sums[i] = (sums[i] ?? 0) + point.value;
        counts[i] = (counts[i] ?? 0) + 1;
      }
    }
    const values = Array.from({ length }, (_, i) =>
      (counts[i] ?? 0) > 0 ? (sums[i] ?? 0) / (counts[i] ?? 1) : null,
    );
    return { start, stepSeconds: this.stepSeconds, values };
  }

  /** The same, shaped as the API's SeriesWindow document, with why it has no model yet. */
  async window(origin: string, metric: MetricName, from: number, to: number): Promise<SeriesWindow> {
    const series = await this.read(origin, metric, from, to);
    const waiting = await readWaiting(this.redis, this.keys.series(origin, metric));
    return {
      origin,
      metric,
      stepSeconds: series.stepSeconds,
      start: new Date(series.start).toISOString(),
      values: series.values,
      ...(waiting ? { waiting } : {}),
    };
  }

  /** Records why a series has no model yet (null once it has one); true when that is news (a
   * new wait, or another number of points needed), so it is logged once. */
  async recordWaiting(origin: string, metric: MetricName, waiting: SeriesWaiting | null): Promise<boolean> {
    const key = this.keys.series(origin, metric);
    if ((await this.redis.type(key)) === "zset") await convertLegacySeries(this.redis, key, this.stepSeconds);
    return writeWaiting(this.redis, key, waiting);
  }

  /** Every series the store holds, sorted. */
  async list(): Promise<SeriesId[]> {
    const ids = await this.redis.smembers(this.keys.seriesIndex);
    return ids.sort().flatMap((id) => {
      const slash = id.lastIndexOf("/");
      return slash > 0 ? [{ origin: id.slice(0, slash), metric: id.slice(slash + 1) as MetricName }] : [];
    });
  }

  /** The bucket of the newest point of a series, or null when it has none (either layout). */
  async latest(origin: string, metric: MetricName): Promise<number | null> {
    const member = await this.scripts.latest(this.keys.series(origin, metric), Number.MIN_SAFE_INTEGER);
    const point = member === null ? null : decodeSeriesMember(member);
    return point ? this.bucketOf(point.t) : null;
  }

  /** Records an origin's capacity at `t` (one sample per bucket) within the same retention. */
  async writeCapacity(origin: string, sample: CapacitySample, t: number, now: number): Promise<void> {
    const key = this.keys.capacity(origin);
    const bucket = this.bucketOf(t);
    await this.redis
      .multi()
      .zremrangebyscore(key, bucket, bucket)
      .zadd(key, bucket, JSON.stringify(sample))
      .zremrangebyscore(key, "-inf", `(${now - this.retentionSeconds * 1000}`)
      .exec();
  }

  /** Records many capacity samples of an origin at once (one per bucket, as `writeCapacity`
   * does), in one transaction: how a history is written before the service starts. */
  async writeCapacityBatch(
    origin: string,
    samples: readonly { t: number; sample: CapacitySample }[],
    now: number,
  ): Promise<void> {
    if (samples.length === 0) return;
    const key = this.keys.capacity(origin);
    const batch = this.redis.multi();
    for (const { t, sample } of samples) {
      const bucket = this.bucketOf(t);
      batch.zremrangebyscore(key, bucket, bucket).zadd(key, bucket, JSON.stringify(sample));
    }
    await batch.zremrangebyscore(key, "-inf", `(${now - this.retentionSeconds * 1000}`).exec();
  }

  /** An origin's capacity samples over `[from, to]`, oldest first; invalid members are skipped. */
  async readCapacity(origin: string, from: number, to: number): Promise<CapacitySample[]> {
    const members = await this.redis.zrangebyscore(this.keys.capacity(origin), from, to);
    return members.flatMap((member) => {
      const json = parseJsonText(member);
      const sample = json.ok ? validateWith(capacitySampleSchema, json.value) : json;
      return sample.ok ? [sample.value] : [];
    });
  }
}
