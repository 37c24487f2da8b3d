import type { Redis } from "ioredis";

/** What the watcher reports and does. */
export type RedisWatchOptions = {
  log: (line: string) => void;
  now: () => number;
  /** Runs after each reconnection: re-installs what a Redis restarted without persistence lost. */
  onReconnect?: () => Promise<unknown>;
};

const CONNECTION_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/** True when an error from a BullMQ queue or worker is part of a Redis outage (which the watcher
 * reports once), so it need not be logged on its own. */
export function isOutageError(error: Error, redis: Redis): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return (
    redis.status !== "ready" ||
    (typeof code === "string" && CONNECTION_CODES.has(code)) ||
    error.message === "Connection is closed."
  );
}

/**
 * Watches the service's Redis connection. ioredis reconnects on its own (commands wait in its
 * offline queue meanwhile), but it reports every failed attempt; this logs an outage once, when
 * it begins, and once when it ends, then runs `onReconnect`. `stop()` detaches before a quit.
 */
export function watchRedisConnection(redis: Redis, options: RedisWatchOptions): { stop(): void } {
  let downSince: number | null = null;
  let wasReady = redis.status === "ready";
  const lost = (cause: string) => {
    if (downSince !== null) return;
    downSince = options.now();
    options.log(`Redis connection lost (${cause}); reconnecting, and work resumes when it answers`);
  };
  const onError = (error: Error) => {
    lost(error.message);
  };
  const onClose = () => {
    if (wasReady) lost("connection closed");
  };
  const onReady = () => {
    wasReady = true;
    if (downSince === null) return;
    options.log(`Redis answers again after ${((options.now() - downSince) / 1000).toFixed(1)} s`);
    downSince = null;
    options.onReconnect?.().catch((error: unknown) => {
      options.log(`after reconnecting: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  redis.on("error", onError);
  redis.on("close", onClose);
  redis.on("ready", onReady);
  return {
    stop() {
      redis.off("error", onError);
      redis.off("close", onClose);
      redis.off("ready", onReady);
    },
  };
}
