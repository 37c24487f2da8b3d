import type { Redis } from "ioredis";
import * as v from "valibot";
import type { OriginSample } from "../sources/origin-sample.ts";

const finite = v.pipe(v.number(), v.finite());
const originSampleSchema = v.object({
  at: finite,
  requests: v.record(v.string(), v.object({ code: v.string(), value: finite })),
  durations: v.record(v.string(), v.object({ buckets: v.record(v.string(), finite), count: finite })),
  cpu: v.optional(finite),
  replicas: v.optional(finite),
  capacityRps: v.optional(finite),
});

/** The predictor's own Redis key (not shared with the scaler): last raw sample per target. */
export function scrapeStateKey(prefix: string): string {
  return `${prefix}:predictor:scrape-state`;
}

/** The previous scrape of each target, kept in Redis so any worker can compute the next rates. */
export class ScrapeStateStore {
  private readonly key: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = scrapeStateKey(prefix);
  }

  /** The last sample of a target; null when none (or an unreadable one) is stored. */
  async get(target: string): Promise<OriginSample | null> {
    const text = await this.redis.hget(this.key, target);
    if (text === null) return null;
    try {
      const parsed = v.safeParse(originSampleSchema, JSON.parse(text));
      return parsed.success ? parsed.output : null;
    } catch {
      return null;
    }
  }

  async set(target: string, sample: OriginSample): Promise<void> {
    await this.redis.hset(this.key, target, JSON.stringify(sample));
  }
}
