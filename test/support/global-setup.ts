import { Redis } from "ioredis";

/** Fails the run at once, with the fix, when the Redis the tests need does not answer. */
export default async function checkRedis(): Promise<void> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Tests need Redis at ${url} (set REDIS_URL to change it); start one with: redis-server --daemonize yes --save "" --appendonly no. Cause: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}
