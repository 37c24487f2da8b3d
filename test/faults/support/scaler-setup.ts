// What a real scaler process needs for the fault tests: one pool whose origin (a fault origin)
// is forecast to need more replicas, a fake Worker admin API, and the configuration file.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Redis } from "ioredis";
import type { Decision, OriginTable } from "../../../contracts/index.ts";
import { encodeSeriesMember, redisKeys } from "../../../contracts/index.ts";
import { forecastOf, sloOf } from "../../../scaler/policy/policy-fixtures.ts";

/** The Worker admin token the scaler is given (through LB_ADMIN_TOKEN). */
export const WORKER_TOKEN = "worker-admin-token-0123456789";

/** eu-west (origin eu-1, served by `originUrl`) with its fallback us-east. */
export function faultTable(originUrl: string, now: number): OriginTable {
  return {
    version: 1,
    updatedAt: new Date(now).toISOString(),
    pools: [
      {
        name: "eu-west",
        location: { lat: 50, lon: 8 },
        fallback: "us-east",
        origins: [{ id: "eu-1", url: originUrl, weight: 100 }],
      },
      {
        name: "us-east",
        location: { lat: 39, lon: -77 },
        origins: [{ id: "us-1", url: "http://127.0.0.1:9", weight: 100 }],
      },
    ],
  };
}

/** Writes the scaler's configuration: eu-1 resized through the origin's webhook. */
export async function writeScalerConfig(
  dir: string,
  options: { adminUrl: string; webhookUrl: string; lockSeconds: number; webhookSecretEnv?: string },
): Promise<string> {
  const file = path.join(dir, "scaler.json");
  await writeFile(
    file,
    JSON.stringify({
      intervalSeconds: 1,
      staleAfterSeconds: 60,
      weights: { kind: "worker-admin", url: options.adminUrl, tokenEnv: "LB_ADMIN_TOKEN" },
      jobs: { attempts: 5, backoffMs: 200, concurrency: 2, lockSeconds: options.lockSeconds },
      origins: {
        "eu-1": {
          rpsPerReplica: 100,
          minReplicas: 1,
          maxReplicas: 20,
          bootSeconds: 120,
          provider: {
            kind: "webhook",
            url: options.webhookUrl,
            ...(options.webhookSecretEnv !== undefined ? { secretEnv: options.webhookSecretEnv } : {}),
          },
        },
      },
    }),
  );
  return file;
}

/** An act-mode SLO for eu-west and a forecast for eu-1 (which serves 300 rps with its 3 replicas)
 * of 150 rps rising to 600 rps in 5 minutes, so the scaler's first evaluation scales eu-1 out to
 * 10 replicas, ready (2-minute boot) before the load arrives. With `observed`, the capacity sample
 * and observed rps are written too (when no predictor scrapes the origin). */
export async function seedScaleOut(
  redis: Redis,
  prefix: string,
  now: number,
  observed: boolean,
): Promise<void> {
  const keys = redisKeys(prefix);
  await redis.hset(keys.slos, "eu-west", JSON.stringify(sloOf("eu-west")));
  await redis.set(
    keys.forecast("eu-1", "rps"),
    JSON.stringify(forecastOf("eu-1", now, 60, 60, (t) => (t < now + 5 * 60_000 ? 150 : 600))),
  );
  if (!observed) return;
  await redis.zadd(
    keys.capacity("eu-1"),
    now,
    JSON.stringify({ at: new Date(now).toISOString(), replicas: 3, capacityRps: 300 }),
  );
  await redis.zadd(keys.series("eu-1", "rps"), now, encodeSeriesMember(now, 150));
}

/** Every decision in the stream, oldest first. */
export async function readDecisions(redis: Redis, prefix: string): Promise<Decision[]> {
  const entries = await redis.xrange(redisKeys(prefix).decisions, "-", "+");
  return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("decision") + 1] ?? "{}") as Decision);
}

/** Bounded polling of state that another process changes: resolves with the first truthy value
 * of `probe`, or fails naming `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
