import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Clock, RedisKeys } from "../../contracts/index.ts";
import type { ScalerKeys } from "../inputs/scaler-keys.ts";
import type { Log } from "../log.ts";
import type { ScalerMetrics } from "../metrics/scaler-metrics.ts";
import type { OriginScaling, PolicyTuning } from "../policy/types.ts";
import type { ProviderRegistry } from "../providers/create-providers.ts";
import type { WeightWriter } from "../writers/weight-writer.ts";

/** Everything the scaler's jobs use, injected by the composition root (or a test). */
export type JobContext = {
  redis: Redis;
  keys: RedisKeys;
  scalerKeys: ScalerKeys;
  queue: Queue;
  writer: WeightWriter;
  providers: ProviderRegistry;
  scaling: Readonly<Record<string, OriginScaling>>;
  tuning: PolicyTuning;
  /** Observations older than this are ignored. */
  staleAfterMs: number;
  /** How long an evaluation may hold the lock. */
  lockTtlMs: number;
  now: Clock;
  /** A fresh unique token (lock holders, state epochs). */
  newToken: () => string;
  log: Log;
  /** The process's own metrics (served on --metrics-port), when kept. */
  metrics?: ScalerMetrics;
};
