// A scaler process killed (SIGKILL) while it applies a decision: another scaler process finishes
// that decision, and the platform changes its replicas once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeWorkerAdmin } from "../scaler/fake-worker-admin.ts";
import { startFakeWorkerAdmin } from "../scaler/fake-worker-admin.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import type { FaultOrigin } from "./support/fault-origin.ts";
import { startFaultOrigin } from "./support/fault-origin.ts";
import {
  eventually,
  faultTable,
  readDecisions,
  seedScaleOut,
  WORKER_TOKEN,
  writeScalerConfig,
} from "./support/scaler-setup.ts";
import type { ServiceProcess } from "./support/service-process.ts";
import { startService } from "./support/service-process.ts";

let test: TestRedis | undefined;
let origin: FaultOrigin | undefined;
let admin: FakeWorkerAdmin | undefined;
let dir: string | undefined;
const services: ServiceProcess[] = [];

afterEach(async () => {
  for (const service of services.splice(0)) await service.kill("SIGKILL");
  await origin?.close();
  await admin?.close();
  await test?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  test = origin = admin = dir = undefined;
});

describe("a scaler killed while applying a decision", () => {
  it("is relieved by another scaler process, which completes the decision exactly once", async () => {
    test = await openTestRedis("fault-scaler-kill");
    const now = Date.now();
    origin = await startFaultOrigin({ rps: 150, replicas: 3, rpsPerReplica: 100 });
    admin = await startFakeWorkerAdmin(WORKER_TOKEN, faultTable(origin.url, now));
    dir = await mkdtemp(path.join(tmpdir(), "headroom-fault-scaler-"));
    const config = await writeScalerConfig(dir, {
      adminUrl: admin.url,
      webhookUrl: `${origin.url}/hooks/scale`,
      lockSeconds: 5,
    });
    await seedScaleOut(test.redis, test.prefix, now, true);
    const env = {
      REDIS_URL: test.url,
      REDIS_PREFIX: test.prefix,
      SCALER_QUEUE: `${test.prefix}-scaler`,
      LB_ADMIN_TOKEN: WORKER_TOKEN,
    };

    // The platform receives the first scale call and holds its answer: the scaler is now in the
    // middle of applying its decision.
    const held = origin.holdNext(/^\/hooks\/scale$/);
    const first = startService("scaler/main.ts", ["--config", config], env);
    services.push(first);
    const call = await held;
    await first.kill("SIGKILL");
    // The platform carried the change out, but the killed scaler never heard back.
    call.release();
    expect(origin.calls).toHaveLength(1);
    expect((await readDecisions(test.redis, test.prefix)).filter((d) => d.action === "scale-out")).toEqual(
      [],
    );

    const second = startService("scaler/main.ts", ["--config", config], env);
    services.push(second);
    const redis = test.redis;
    const prefix = test.prefix;
    const recorded = await eventually(
      "the scale-out decision in the stream",
      async () => (await readDecisions(redis, prefix)).find((d) => d.action === "scale-out"),
      45_000,
    );

    // The second process retried the same decision: the same idempotency key reached the platform
    // twice, and the platform applied it once.
    const decisionId = origin.calls[0]?.decisionId ?? "";
    expect(decisionId).toBe(recorded.id);
    expect(origin.calls.map((c) => [c.decisionId, c.desired])).toEqual([
      [decisionId, 10],
      [decisionId, 10],
    ]);
    expect(origin.calls.filter((c) => c.applied)).toHaveLength(1);
    expect(origin.replicas()).toBe(10);
    // The decisions stream holds it once, as applied.
    const all = await readDecisions(redis, prefix);
    expect(all.filter((d) => d.id === decisionId)).toHaveLength(1);
    expect(recorded).toMatchObject({
      pool: "eu-west",
      origin: "eu-1",
      applied: true,
      mode: "act",
      to: { replicas: 10 },
    });
    expect(all.filter((d) => d.action === "scale-out")).toHaveLength(1);
  });
});
