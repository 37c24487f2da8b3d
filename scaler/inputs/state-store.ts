import type { Redis } from "ioredis";
import * as v from "valibot";
import { parseJsonText, validateWith } from "../../contracts/index.ts";
import type { PolicyState } from "../policy/types.ts";
import { EMPTY_STATE } from "../policy/types.ts";
import type { ScalerKeys } from "./scaler-keys.ts";

const weights = v.object({ factors: v.record(v.string(), v.number()), spill: v.number() });
const request = v.object({
  seq: v.number(),
  from: v.number(),
  replicas: v.number(),
  at: v.number(),
  readyAt: v.number(),
  mode: v.picklist(["act", "advise"]),
  failedAt: v.optional(v.number()),
});
const stateSchema = v.object({
  epoch: v.string(),
  evaluations: v.number(),
  weightsSeq: v.number(),
  origins: v.record(
    v.string(),
    v.object({
      seq: v.number(),
      request: v.optional(request),
      lowSince: v.optional(v.number()),
      lowNeed: v.optional(v.number()),
      sizingQuantile: v.optional(v.number()),
      spendScale: v.optional(v.number()),
      spendSamples: v.optional(v.number()),
    }),
  ),
  pools: v.record(v.string(), v.object({ advised: v.optional(weights), holdUntil: v.optional(v.number()) })),
  notices: v.record(v.string(), v.string()),
});

/** Reads the policy state without changing it (null when none is stored or it is unreadable). */
export async function peekState(redis: Redis, keys: ScalerKeys): Promise<PolicyState | null> {
  const text = await redis.get(keys.state);
  if (text === null) return null;
  const json = parseJsonText(text);
  const parsed = json.ok ? validateWith(stateSchema, json.value) : json;
  return parsed.ok ? parsed.value : null;
}

/** Reads the policy state for an evaluation; a missing or unreadable one starts afresh under a
 * new epoch, stored at once, so an evaluation retried after a crash finds the same epoch and
 * derives the same job ids (the reason for a reset is returned for the log). */
export async function loadState(
  redis: Redis,
  keys: ScalerKeys,
  newEpoch: () => string,
): Promise<{ state: PolicyState; problem?: string }> {
  const text = await redis.get(keys.state);
  if (text !== null) {
    const json = parseJsonText(text);
    const parsed = json.ok ? validateWith(stateSchema, json.value) : json;
    if (parsed.ok) return { state: parsed.value };
    const fresh = { ...structuredClone(EMPTY_STATE), epoch: newEpoch() };
    await redis.set(keys.state, JSON.stringify(fresh));
    return {
      state: fresh,
      problem: `the stored scaler state was unreadable and has been reset: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    };
  }
  const fresh = { ...structuredClone(EMPTY_STATE), epoch: newEpoch() };
  if ((await redis.set(keys.state, JSON.stringify(fresh), "NX")) === "OK") return { state: fresh };
  return loadState(redis, keys, newEpoch);
}

// Compare-and-act scripts: only the lock's holder may save the state or release the lock.
const SAVE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0`;
const RELEASE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Takes the evaluation lock for `ttlMs`; false when another evaluation holds it. */
export async function acquireLock(
  redis: Redis,
  keys: ScalerKeys,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return (await redis.set(keys.lock, token, "PX", ttlMs, "NX")) === "OK";
}

/** Saves the state if this evaluation still holds the lock; false when the lock was lost. */
export async function saveStateIfHolder(
  redis: Redis,
  keys: ScalerKeys,
  token: string,
  state: PolicyState,
): Promise<boolean> {
  return (await redis.eval(SAVE_IF_HOLDER, 2, keys.lock, keys.state, token, JSON.stringify(state))) === 1;
}

/** Releases the lock if this evaluation still holds it. */
export async function releaseLock(redis: Redis, keys: ScalerKeys, token: string): Promise<void> {
  await redis.eval(RELEASE_IF_HOLDER, 1, keys.lock, token);
}
