import type { Redis } from "ioredis";

/** The scaler's BullMQ queue for a stack prefix (BullMQ keys live under `bull:<queue>:`). */
export function scalerQueueName(prefix: string): string {
  return `${prefix}-scaler`;
}

/**
 * Deletes every key of a previous run under the stack's prefix (series, forecasts, SLOs,
 * decisions, the predictor's jobs under `<prefix>:bull`) and the scaler's queue, so a new run
 * never mixes its history with an old one. Keys of other prefixes are never touched.
 */
export async function clearStackData(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for (const pattern of [`${prefix}:*`, `bull:${scalerQueueName(prefix)}:*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  }
  return deleted;
}
