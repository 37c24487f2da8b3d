import type { Redis } from "ioredis";
import type { RedisEpoch, RedisKeys } from "../contracts/index.ts";
import { validateRedisEpoch } from "../contracts/index.ts";

/** What one check of the epoch found. `lost`: the epoch this process knew is gone, so the data
 * shared under it was lost (this process or another has started the next one). */
export type EpochCheck =
  | { state: "unchanged" | "first-seen" | "started"; epoch: RedisEpoch }
  | { state: "lost"; epoch: RedisEpoch; previous: string };

/** Reads the epoch document; null when there is none or it is not one. */
export async function readRedisEpoch(redis: Redis, keys: RedisKeys): Promise<RedisEpoch | null> {
  const text = await redis.get(keys.epoch);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  const checked = validateRedisEpoch(json);
  return checked.ok ? checked.value : null;
}

/**
 * Tells a Redis that lost its data from one that did not (docs/architecture.md, "Redis epoch"):
 * remembers the epoch it saw and, on each check, compares. The first process to find no epoch
 * writes one with SET NX, so processes racing after a loss agree on one and each reports the loss.
 */
export class RedisEpochWatch {
  private known: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: { now: () => number; newId: () => string },
  ) {}

  /** One check: reads the epoch, starts one where there is none, and says what changed. */
  async check(): Promise<EpochCheck> {
    let epoch = await readRedisEpoch(this.redis, this.keys);
    let started = false;
    if (epoch === null) {
      const at = new Date(this.options.now()).toISOString();
      const fresh: RedisEpoch = {
        id: this.options.newId(),
        startedAt: at,
        ...(this.known !== null ? { lost: { id: this.known, detectedAt: at } } : {}),
      };
      // An unreadable document is replaced (it would never become readable); a missing one only
      // if no other process has started the next epoch meanwhile.
      const unreadable = (await this.redis.exists(this.keys.epoch)) === 1;
      const written = unreadable
        ? await this.redis.set(this.keys.epoch, JSON.stringify(fresh))
        : await this.redis.set(this.keys.epoch, JSON.stringify(fresh), "NX");
      started = written === "OK";
      epoch = started ? fresh : ((await readRedisEpoch(this.redis, this.keys)) ?? fresh);
    }
    const previous = this.known;
    this.known = epoch.id;
    if (previous === epoch.id) return { state: "unchanged", epoch };
    if (previous !== null) return { state: "lost", epoch, previous };
    return { state: started ? "started" : "first-seen", epoch };
  }
}
