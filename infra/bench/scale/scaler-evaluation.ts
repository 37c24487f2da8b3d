// Time of one scaler evaluation with many origins: the real `evaluate` job (table and overlay
// from the Worker's admin API, SLOs, forecasts, observations and capacity from Redis, the policy,
// its jobs and decisions, the state save) against a fake Worker and the benchmark's Redis.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { OriginTable } from "../../../contracts/index.ts";
import { manualClock, redisKeys } from "../../../contracts/index.ts";
import { SeriesStore } from "../../../predictor/store/series-store.ts";
import { validateScalerConfig } from "../../../scaler/config/load-config.ts";
import { readObservations } from "../../../scaler/inputs/redis-inputs.ts";
import { scalerKeys } from "../../../scaler/inputs/scaler-keys.ts";
import { runEvaluate } from "../../../scaler/jobs/evaluate-job.ts";
import type { JobContext } from "../../../scaler/jobs/job-context.ts";
import { openScalerQueue } from "../../../scaler/jobs/scaler-service.ts";
import { silentLog } from "../../../scaler/log.ts";
import { forecastOf, sloOf } from "../../../scaler/policy/policy-fixtures.ts";
import { DEFAULT_TUNING } from "../../../scaler/policy/types.ts";
import { createProviders } from "../../../scaler/providers/create-providers.ts";
import { workerAdminWriter } from "../../../scaler/writers/worker-admin-writer.ts";
import { originId, quantiles } from "./bench-world.ts";

export type EvaluationResult = {
  origins: number;
  pools: number;
  firstMs: number;
  medianMs: number;
  p95Ms: number;
  cpuMs: number;
  redisReadMs: number;
  scaleJobs: number;
  tableBytes: number;
};

/** A stand-in for the Worker's admin API: the table, and an overlay it stores. */
async function fakeEdge(
  table: OriginTable,
): Promise<{ url: string; tableBytes: number; close(): Promise<void> }> {
  const tableText = JSON.stringify(table);
  let weights: string | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/__lb/table") res.end(tableText);
      else if (req.url === "/__lb/weights" && req.method === "PUT")
        res.end(JSON.stringify({ ok: true, stored: (weights = Buffer.concat(chunks).toString()).length }));
      else if (req.url === "/__lb/weights" && weights !== null) res.end(weights);
      else res.writeHead(404).end(JSON.stringify({ error: "no weights overlay stored" }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tableBytes: tableText.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * `pools` pools of `perPool` origins (each 4 replicas of 100 rps), every pool in act mode. A fifth
 * of the pools are forecast to outgrow their capacity within the lead time; the rest hold.
 * Before each of `runs` evaluations, 30 s apart, fresh observations are written as the
 * predictor would; only the evaluation itself is timed.
 */
export async function measureEvaluation(
  redis: Redis,
  pools: number,
  perPool: number,
  runs: number,
): Promise<EvaluationResult> {
  const prefix = "eval";
  const keys = redisKeys(prefix);
  const clock = manualClock(Date.UTC(2026, 0, 20, 12));
  const names = Array.from({ length: pools }, (_, p) => `p${String(p).padStart(2, "0")}`);
  const origins = names.flatMap((pool, p) =>
    Array.from({ length: perPool }, (_, j) => ({ pool, id: originId(p * perPool + j), rising: p % 5 === 0 })),
  );
  const table: OriginTable = {
    version: 1,
    updatedAt: new Date(clock()).toISOString(),
    pools: names.map((name, p) => ({
      name,
      location: { lat: (p % 18) * 10 - 85, lon: (p % 36) * 10 - 175 },
      fallback: names[(p + 1) % pools] ?? name,
      origins: origins
        .filter((o) => o.pool === name)
        .map((o) => ({ id: o.id, url: `http://10.1.${p}.${origins.indexOf(o) % 250}:8080`, weight: 100 })),
    })),
  };
  const edge = await fakeEdge(table);
  const env = { LB_ADMIN_TOKEN: "bench-admin-token-0123456789" };
  const checked = validateScalerConfig(
    {
      weights: { kind: "worker-admin", url: edge.url },
      defaults: {
        rpsPerReplica: 100,
        minReplicas: 1,
        maxReplicas: 50,
        bootSeconds: 120,
        provider: { kind: "webhook", url: "http://127.0.0.1:9/hook" },
      },
      origins: Object.fromEntries(origins.map((o) => [o.id, {}])),
    },
    env,
  );
  if (!checked.ok) throw new Error(`bench scaler config: ${JSON.stringify(checked.issues)}`);
  const config = checked.value;
  const queue = openScalerQueue(redis, {
    name: "eval-scaler",
    attempts: 3,
    backoffMs: 1000,
    concurrency: 4,
    intervalSeconds: 30,
  });
  const ctx: JobContext = {
    redis,
    keys,
    scalerKeys: scalerKeys(prefix),
    queue,
    writer: workerAdminWriter({ url: edge.url, token: env.LB_ADMIN_TOKEN }),
    providers: await createProviders(config, env, clock),
    scaling: config.origins,
    tuning: { ...DEFAULT_TUNING, ...config.policy, overlayTtlSeconds: config.overlayTtlSeconds },
    staleAfterMs: config.staleAfterSeconds * 1000,
    lockTtlMs: 60_000,
    now: clock,
    newToken: () => randomUUID(),
    log: silentLog,
  };
  for (const name of names) await redis.hset(keys.slos, name, JSON.stringify(sloOf(name)));
  const series = new SeriesStore(redis, keys, 30, 86_400);
  const observe = async () => {
    const now = clock();
    const batch = redis.pipeline();
    for (const o of origins) {
      batch.set(
        keys.forecast(o.id, "rps"),
        JSON.stringify(forecastOf(o.id, now, 60, 15, (t) => (o.rising && t > now + 4 * 60_000 ? 520 : 180))),
      );
      batch.zadd(
        keys.capacity(o.id),
        now,
        JSON.stringify({ at: new Date(now).toISOString(), replicas: 4, capacityRps: 400 }),
      );
    }
    await batch.exec();
    // The series as the predictor writes them (hashes of chunks, the newest point in `latest`).
    await series.write(
      origins.flatMap((o) => [
        { origin: o.id, metric: "rps" as const, t: now, value: 180 },
        { origin: o.id, metric: "p95_ms" as const, t: now, value: 85 },
        { origin: o.id, metric: "error_rate" as const, t: now, value: 0.001 },
      ]),
      now,
    );
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  const reads: number[] = [];
  let scaleJobs = 0;
  for (let run = 0; run < runs; run++) {
    clock.advance(30_000);
    await observe();
    const job = {
      name: "evaluate",
      data: {},
      id: `bench-${run}`,
      attemptsMade: 0,
      opts: { attempts: 3 },
    } as unknown as Job;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await runEvaluate(job, ctx);
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
    if (run === 0) scaleJobs = result.scaleJobs.length;
    const r0 = performance.now();
    await readObservations(
      redis,
      keys,
      origins.map((o) => o.id),
      clock(),
      ctx.staleAfterMs,
    );
    reads.push(performance.now() - r0);
  }
  await queue.close();
  await edge.close();
  const steady = quantiles(wall.slice(1));
  return {
    origins: origins.length,
    pools,
    firstMs: wall[0] ?? Number.NaN,
    medianMs: steady.median,
    p95Ms: steady.p95,
    cpuMs: quantiles(cpu.slice(1)).median,
    redisReadMs: quantiles(reads).median,
    scaleJobs,
    tableBytes: edge.tableBytes,
  };
}
