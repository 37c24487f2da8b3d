import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis URL tests use. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A connection plus a prefix unique to one test; `cleanup()` deletes every key under the prefix
 * (and BullMQ queues named with it) and closes the connection. */
export type TestRedis = { redis: Redis; prefix: string; url: string; cleanup(): Promise<void> };

/** Opens a Redis connection with a fresh key prefix, so tests never see each other's data. */
export async function openTestRedis(label = "t"): Promise<TestRedis> {
  const prefix = `test-${label}-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  await redis.ping();
  return {
    redis,
    prefix,
    url: TEST_REDIS_URL,
    async cleanup() {
      for (const pattern of [`${prefix}:*`, `bull:${prefix}*`, `${prefix}*`]) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== "0");
      }
      await redis.quit();
    },
  };
}
