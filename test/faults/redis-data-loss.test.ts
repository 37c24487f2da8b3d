// The scenario with real processes: Redis restarted without persistence (as a rescheduled
// pod without a volume) comes back empty. The predictor started with --slos-file notices the new
// epoch, says so loudly, reports it in /metrics and puts the declared SLOs and events back.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/index.ts";
import type { FaultOrigin } from "./support/fault-origin.ts";
import { startFaultOrigin } from "./support/fault-origin.ts";
import type { PrivateRedis } from "./support/private-redis.ts";
import { startPrivateRedis } from "./support/private-redis.ts";
import { eventually } from "./support/scaler-setup.ts";
import type { ServiceProcess } from "./support/service-process.ts";
import { startPredictor } from "./support/services.ts";

const keys = redisKeys("lb");
const SLOS = `slos:
  - { pool: eu-west, mode: act, targetUtilization: 0.7, leadSeconds: 60, scaleInCooldownSeconds: 300 }
events:
  - { id: launch, pool: eu-west, start: "2099-01-01T09:00:00Z", end: "2099-01-01T12:00:00Z", expectedRps: 900 }
`;

let server: PrivateRedis | undefined;
let client: Redis | undefined;
let origin: FaultOrigin | undefined;
let predictor: ServiceProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  await predictor?.kill("SIGKILL");
  client?.disconnect();
  await server?.close();
  await origin?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  server = client = origin = predictor = dir = undefined;
});

describe("Redis losing its data", () => {
  it("is reported by the predictor, and the declared SLOs and events come back on their own", async () => {
    server = await startPrivateRedis({ persistent: false });
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on("error", () => undefined);
    client = redis;
    origin = await startFaultOrigin({ rps: 100, replicas: 2, rpsPerReplica: 100 });
    dir = await mkdtemp(path.join(tmpdir(), "headroom-data-loss-"));
    const slosFile = path.join(dir, "slos.yaml");
    await writeFile(slosFile, SLOS);
    const started = await startPredictor(dir, server.url, origin.url, {
      PREDICTOR_SLOS_FILE: slosFile,
      PREDICTOR_RECONCILE_INTERVAL: "1s",
    });
    predictor = started.service;
    expect(predictor.output()).toContain(
      `${slosFile} declares 1 SLO(s) and 1 event(s); 2 were missing and are set`,
    );
    expect(Object.keys(await redis.hgetall(keys.slos))).toEqual(["eu-west"]);

    await server.crash();
    await server.start();
    await predictor.waitFor(/REDIS LOST ITS DATA: epoch \S+ is gone/, 30_000);
    await predictor.waitFor(
      /put back from .*slos\.yaml, missing from Redis: SLO eu-west, event launch/,
      30_000,
    );
    expect(Object.keys(await redis.hgetall(keys.slos))).toEqual(["eu-west"]);
    expect(Object.keys(await redis.hgetall(keys.events))).toEqual(["launch"]);
    const metrics = await eventually("the loss in /metrics", async () => {
      const text = await (await fetch(`${started.api.replace(/\/api$/, "")}/metrics`)).text();
      return /^predictor_redis_data_loss_timestamp_seconds \d+/m.test(text) ? text : null;
    });
    expect(metrics).toMatch(/^predictor_slo_target_utilization\{pool="eu-west",mode="act"\} 0\.7$/m);
    const slos = (await (await fetch(`${started.api}/slos`)).json()) as { sources: Record<string, string> };
    expect(slos.sources).toEqual({ "eu-west": "file" });
  });
});
