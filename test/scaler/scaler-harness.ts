// Sets up a scaler against a real Redis (unique prefix and queue per test), a fake Worker admin
// API and a fake simulated origin, with a manual clock.
import { once } from "node:events";
import type { Job } from "bullmq";
import type { Queue } from "bullmq";
import { Worker } from "bullmq";
import type { Decision, OriginTable, Slo } from "../../contracts/index.ts";
import { encodeSeriesMember, manualClock, redisKeys } from "../../contracts/index.ts";
import { scalerKeys } from "../../scaler/inputs/scaler-keys.ts";
import type { JobContext } from "../../scaler/jobs/job-context.ts";
import { openScalerQueue, scalerProcessor } from "../../scaler/jobs/scaler-service.ts";
import { JOB_NAMES } from "../../scaler/jobs/job-data.ts";
import type { Log } from "../../scaler/log.ts";
import { forecastOf } from "../../scaler/policy/policy-fixtures.ts";
import { DEFAULT_TUNING } from "../../scaler/policy/types.ts";
import { createProviders } from "../../scaler/providers/create-providers.ts";
import { workerAdminWriter } from "../../scaler/writers/worker-admin-writer.ts";
import type { FakeWorkerAdmin } from "./fake-worker-admin.ts";
import { startFakeWorkerAdmin } from "./fake-worker-admin.ts";
import type { LoopbackServer, RecordedRequest } from "./loopback-server.ts";
import { startLoopbackServer } from "./loopback-server.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import { ScalerMetrics } from "../../scaler/metrics/scaler-metrics.ts";

export const T0 = Date.UTC(2026, 2, 2, 14, 0);

export type Harness = {
  test: TestRedis;
  admin: FakeWorkerAdmin;
  origin: LoopbackServer;
  queue: Queue;
  queueName: string;
  clock: ReturnType<typeof manualClock>;
  ctx: JobContext;
  logs: string[];
  /** Simulator answers: the next POSTs get these statuses (then 202). */
  originFailures: number[];
  startWorker(): Worker;
  setSlo(slo: Slo | Record<string, unknown>, pool?: string): Promise<void>;
  /** Records eu-1's replicas serving and observed rps at the clock's time. */
  observe(replicas: number, rps: number): Promise<void>;
  decisions(): Promise<Decision[]>;
  /** The value of one of the scaler's metrics with these labels (0 when never counted). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  scaleCalls(): RecordedRequest[];
  waitIdle(): Promise<void>;
  /** Runs `count` evaluations through the queue (a worker must be started), each once the queue
   * has settled, the clock moving 30 s between them. */
  evaluateRounds(count: number): Promise<void>;
  close(): Promise<void>;
};

/** One pool (eu-west, origin eu-1 at 3 x 100 rps, simulator provider) whose rps forecast steps
 * from 150 to 600 rps 6 minutes from now (after the boot time), plus its fallback us-east. */
export async function openHarness(label: string): Promise<Harness> {
  const test = await openTestRedis(label);
  const keys = redisKeys(test.prefix);
  const clock = manualClock(T0);
  const originFailures: number[] = [];
  const origin = await startLoopbackServer((r) => {
    const failure = originFailures.shift();
    if (failure !== undefined) return { status: failure, body: { error: `injected ${failure}` } };
    const replicas = (JSON.parse(r.body || "{}") as { replicas?: number }).replicas ?? 0;
    return {
      status: 202,
      body: { replicas: 3, desired: replicas, booting: Math.max(0, replicas - 3), capacityRps: 300 },
    };
  });
  const table: OriginTable = {
    version: 1,
    updatedAt: new Date(T0).toISOString(),
    pools: [
      {
        name: "eu-west",
        location: { lat: 50, lon: 8 },
        fallback: "us-east",
        origins: [{ id: "eu-1", url: origin.url, weight: 100 }],
      },
      {
        name: "us-east",
        location: { lat: 39, lon: -77 },
        origins: [{ id: "us-1", url: "http://127.0.0.1:9", weight: 100 }],
      },
    ],
  };
  const admin = await startFakeWorkerAdmin("admin-token", table);
  const scaling = {
    "eu-1": {
      rpsPerReplica: 100,
      minReplicas: 1,
      maxReplicas: 20,
      bootSeconds: 300,
      provider: { kind: "simulator" as const },
    },
  };
  const providers = await createProviders(
    {
      intervalSeconds: 30,
      overlayTtlSeconds: 300,
      staleAfterSeconds: 180,
      weights: { kind: "worker-admin", url: admin.url, tokenEnv: "X" },
      policy: { weightHoldSeconds: 300, maxSpill: 0.5, breachStep: 0.2, violationBudget: 0.02 },
      jobs: { attempts: 4, backoffMs: 10, concurrency: 2 },
      origins: scaling,
    },
    {},
    clock,
  );
  const redis = test.redis;
  await redis.set(
    keys.forecast("eu-1", "rps"),
    JSON.stringify(forecastOf("eu-1", T0, 60, 60, (t) => (t < T0 + 6 * 60_000 ? 150 : 600), 1.1)),
  );
  const queueName = `${test.prefix}-scaler`;
  const queue = openScalerQueue(redis, {
    name: queueName,
    attempts: 4,
    backoffMs: 10,
    concurrency: 2,
    intervalSeconds: 30,
  });
  const logs: string[] = [];
  const log: Log = (level, message) => {
    logs.push(`${level}: ${message}`);
  };
  let tokens = 0;
  const ctx: JobContext = {
    redis,
    keys,
    scalerKeys: scalerKeys(test.prefix),
    queue,
    writer: workerAdminWriter({ url: admin.url, token: "admin-token" }),
    providers,
    scaling,
    tuning: DEFAULT_TUNING,
    staleAfterMs: 180_000,
    lockTtlMs: 30_000,
    now: clock,
    newToken: () => `token-${++tokens}`,
    log,
    metrics: new ScalerMetrics(),
  };
  const workers: Worker[] = [];
  const harness: Harness = {
    test,
    admin,
    origin,
    queue,
    queueName,
    clock,
    ctx,
    logs,
    originFailures,
    startWorker() {
      const worker = new Worker(queueName, scalerProcessor(ctx, queue), {
        connection: redis,
        concurrency: 2,
      });
      worker.on("failed", (job: Job | undefined, error: Error) => {
        log("error", `${job?.name ?? ""} ${job?.id ?? ""} failed: ${error.message}`);
      });
      workers.push(worker);
      return worker;
    },
    async setSlo(slo, pool = "eu-west") {
      await redis.hset(keys.slos, pool, JSON.stringify(slo));
    },
    async observe(replicas, rps) {
      const now = clock();
      await redis.zadd(
        keys.capacity("eu-1"),
        now,
        JSON.stringify({ at: new Date(now).toISOString(), replicas, capacityRps: replicas * 100 }),
      );
      await redis.zadd(keys.series("eu-1", "rps"), now, encodeSeriesMember(now, rps));
    },
    async decisions() {
      const entries = await redis.xrange(keys.decisions, "-", "+");
      return entries.map(([, fields]) => JSON.parse(fields[1] ?? "{}") as Decision);
    },
    async metric(name, labels = {}) {
      const all = await ctx.metrics?.registry.getMetricsAsJSON();
      const values = all?.find((m) => m.name === name)?.values ?? [];
      return values
        .filter((v) => Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value))
        .reduce((sum, v) => sum + v.value, 0);
    },
    scaleCalls: () => origin.requests.filter((r) => r.method === "POST" && r.path === "/__sim/scale"),
    async waitIdle() {
      // Woken by the workers' events, with a bounded re-check in case an event fell between the
      // count and the listening.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
        if (Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`the queue did not settle: ${JSON.stringify(counts)}`);
        const controller = new AbortController();
        const events = workers.flatMap((w) =>
          ["drained", "completed", "failed"].map((name) => once(w, name, { signal: controller.signal })),
        );
        await Promise.race([...events, new Promise((resolve) => setTimeout(resolve, 250))]).catch(
          () => undefined,
        );
        controller.abort();
      }
    },
    async evaluateRounds(count) {
      for (let i = 0; i < count; i++) {
        if (i > 0) clock.advance(30_000);
        await queue.add(JOB_NAMES.evaluate, {});
        await this.waitIdle();
      }
    },
    async close() {
      for (const worker of workers) await worker.close();
      await queue.close();
      await origin.close();
      await admin.close();
      await test.cleanup();
    },
  };
  await harness.observe(3, 150);
  return harness;
}

/** A job-shaped object for calling a processor directly (as a retry or a duplicate would). */
export function fakeJob(name: string, data: unknown, attemptsMade = 0, attempts = 4): Job {
  return { name, data, id: `direct-${name}`, attemptsMade, opts: { attempts } } as unknown as Job;
}
