import type { Redis } from "ioredis";
import type {
  CapacitySample,
  MetricName,
  RedisKeys,
  RegularSeries,
  SeriesWindow,
} from "../../contracts/index.ts";
import {
  capacitySampleSchema,
  decodeSeriesMember,
  encodeSeriesMember,
  parseJsonText,
  validateWith,
} from "../../contracts/index.ts";

/** One observation to record: the bucket it falls in is `floor(t / step) * step`. */
export type SeriesPoint = { origin: string; metric: MetricName; t: number; value: number };

/** A series the store holds. */
export type SeriesId = { origin: string; metric: MetricName };

/**
 * The series store: one Redis sorted set per origin and metric, scored by bucket start (epoch
 * ms), at a fixed step with a retention. Writing a bucket again replaces its value (two workers
 * scraping the same step cannot double a point); a bucket never written stays a gap, read back
 * as null, never as zero.
 */
export class SeriesStore {
  readonly stepMs: number;

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
  }

  /** Start (epoch ms) of the bucket holding `t`. */
  bucketOf(t: number): number {
    return Math.floor(t / this.stepMs) * this.stepMs;
  }

  /** Records points (non-finite values are skipped: a gap) and drops what retention has passed. */
  async write(points: readonly SeriesPoint[], now: number): Promise<number> {
    const oldest = now - this.retentionSeconds * 1000;
    const batch = this.redis.multi();
    const touched = new Set<string>();
    let written = 0;
    for (const point of points) {
      if (!Number.isFinite(point.value)) continue;
      const t = this.bucketOf(point.t);
      if (t < oldest) continue;
      const key = this.keys.series(point.origin, point.metric);
      batch.zremrangebyscore(key, t, t).zadd(key, t, encodeSeriesMember(t, point.value));
      touched.add(`${point.origin}/${point.metric}`);
      written++;
    }
    for (const id of touched) {
      const [origin = "", metric = ""] = id.split("/");
      batch
        .sadd(this.keys.seriesIndex, id)
        .zremrangebyscore(this.keys.series(origin, metric), "-inf", `(${oldest}`);
    }
    if (written > 0) await batch.exec();
    else batch.discard();
    return written;
  }

  /** The series on the store's grid over `[from, to]` (bucket starts), gaps as null. Points stored
   * at another step (a changed configuration) are averaged into this step's buckets. */
  async read(origin: string, metric: MetricName, from: number, to: number): Promise<RegularSeries> {
    const start = this.bucketOf(from);
    const end = this.bucketOf(to);
    const length = Math.max(0, Math.floor((end - start) / this.stepMs) + 1);
    const sums = new Float64Array(length);
    const counts = new Uint32Array(length);
    const members = await this.redis.zrangebyscore(
      this.keys.series(origin, metric),
      start,
      end + this.stepMs - 1,
    );
    for (const member of members) {
      const point = decodeSeriesMember(member);
      if (!point) continue;
      const i = Math.floor((point.t - start) / this.stepMs);
      if (i < 0 || i >= length) continue;
      sums[i] = (sums[i] ?? 0) + point.value;
      counts[i] = (counts[i] ?? 0) + 1;
    }
    const values = Array.from({ length }, (_, i) =>
      (counts[i] ?? 0) > 0 ? (sums[i] ?? 0) / (counts[i] ?? 1) : null,
    );
    return { start, stepSeconds: this.stepSeconds, values };
  }

  /** The same, shaped as the API's SeriesWindow document. */
  async window(origin: string, metric: MetricName, from: number, to: number): Promise<SeriesWindow> {
    const series = await this.read(origin, metric, from, to);
    return {
      origin,
      metric,
      stepSeconds: series.stepSeconds,
      start: new Date(series.start).toISOString(),
      values: series.values,
    };
  }

  /** Every series the store holds, sorted. */
  async list(): Promise<SeriesId[]> {
    const ids = await this.redis.smembers(this.keys.seriesIndex);
    return ids.sort().flatMap((id) => {
      const slash = id.lastIndexOf("/");
      return slash > 0 ? [{ origin: id.slice(0, slash), metric: id.slice(slash + 1) as MetricName }] : [];
    });
  }

  /** The bucket of the newest point of a series, or null when it has none. */
  async latest(origin: string, metric: MetricName): Promise<number | null> {
    const [, score] = await this.redis.zrevrange(this.keys.series(origin, metric), 0, 0, "WITHSCORES");
    return score === undefined ? null : Number(score);
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
