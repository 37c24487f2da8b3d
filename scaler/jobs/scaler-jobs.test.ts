import { afterEach, describe, expect, it } from "vitest";
import type { Harness } from "../../test/scaler/scaler-harness.ts";
import { T0, fakeJob, openHarness } from "../../test/scaler/scaler-harness.ts";
import { sloOf } from "../policy/policy-fixtures.ts";
import { runApplyWeights } from "./apply-weights-job.ts";
import { runEvaluate } from "./evaluate-job.ts";
import { JOB_NAMES } from "./job-data.ts";
import { startScalerService } from "./scaler-service.ts";
import { loadState } from "../inputs/state-store.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("scaler jobs on a real Redis", () => {
  it("scales out once when two scaler processes run duplicate evaluations of the same state", async () => {
    h = await openHarness("scaler-dup");
    await h.setSlo(sloOf("eu-west"));
    h.startWorker();
    h.startWorker();
    await h.queue.addBulk(
      [0, 1, 2].map((i) => ({ name: JOB_NAMES.evaluate, data: {}, opts: { jobId: `manual-${i}` } })),
    );
    await h.waitIdle();
    // A later evaluation with the replicas still booting asks for nothing new either.
    h.clock.advance(30_000);
    await h.queue.add(JOB_NAMES.evaluate, {}, { jobId: "manual-later" });
    await h.waitIdle();
    expect(h.scaleCalls().map((r) => r.body)).toEqual(['{"replicas":10}']);
    const outs = (await h.decisions()).filter((d) => d.action === "scale-out");
    expect(outs).toHaveLength(1);
    expect(outs[0]).toMatchObject({
      pool: "eu-west",
      origin: "eu-1",
      applied: true,
      mode: "act",
      to: { replicas: 10 },
    });
    expect(outs[0]?.reason).toMatch(
      /^eu-west forecast 660 rps at 14:06 UTC exceeds 70 % of 300 rps capacity; scaling eu-1 from 3 to 10 replicas/,
    );
  });

  it("keeps exactly one evaluation schedule however many scaler processes start", async () => {
    h = await openHarness("scaler-schedule");
    const settings = { name: h.queueName, attempts: 4, backoffMs: 10, concurrency: 1, intervalSeconds: 30 };
    const { queue: _queue, ...ctx } = h.ctx;
    const first = await startScalerService(h.test.redis, settings, ctx, false);
    const second = await startScalerService(h.test.redis, { ...settings, intervalSeconds: 45 }, ctx, false);
    const schedulers = await h.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.name, s.every])).toEqual([[JOB_NAMES.evaluate, 45_000]]);
    expect(await h.queue.getJobCountByTypes("delayed", "wait")).toBe(1);
    await first.close();
    await second.close();
  });

  it("gives a retried evaluation the same job ids, so nothing is enqueued twice", async () => {
    h = await openHarness("scaler-retry");
    await h.setSlo(sloOf("eu-west"));
    await loadState(h.test.redis, h.ctx.scalerKeys, h.ctx.newToken);
    const before = await h.test.redis.get(h.ctx.scalerKeys.state);
    const first = await runEvaluate(fakeJob(JOB_NAMES.evaluate, {}), h.ctx);
    // As if the process had died after enqueuing and before saving its state.
    await h.test.redis.set(h.ctx.scalerKeys.state, before ?? "");
    const second = await runEvaluate(fakeJob(JOB_NAMES.evaluate, {}), h.ctx);
    expect(first.scaleJobs).toHaveLength(1);
    expect(second.scaleJobs).toEqual(first.scaleJobs);
    expect(await h.queue.getJobCountByTypes("wait", "delayed", "prioritized")).toBe(1);
  });

  it("retries a transient provider fault with back-off and records the decision once, applied", async () => {
    h = await openHarness("scaler-transient");
    await h.setSlo(sloOf("eu-west"));
    h.originFailures.push(503, 503);
    h.startWorker();
    await h.queue.add(JOB_NAMES.evaluate, {});
    await h.waitIdle();
    expect(h.scaleCalls()).toHaveLength(3);
    const outs = (await h.decisions()).filter((d) => d.action === "scale-out");
    expect(outs).toHaveLength(1);
    expect(outs[0]?.applied).toBe(true);
    const [job] = await h.queue
      .getJobs(["completed"])
      .then((jobs) => jobs.filter((j) => j.name === JOB_NAMES.scale));
    expect(job?.attemptsMade).toBe(3);
    // The scaler's own metrics count the same story.
    expect(await h.metric("scaler_evaluations_total", { outcome: "evaluated" })).toBe(1);
    expect(await h.metric("scaler_last_evaluation_timestamp_seconds")).toBe(T0 / 1000);
    // The heartbeat the predictor's dashboard reads.
    expect(JSON.parse((await h.test.redis.get(h.ctx.keys.scalerHeartbeat)) ?? "null")).toEqual({
      at: new Date(T0).toISOString(),
      intervalSeconds: h.ctx.tuning.evaluationSeconds,
    });
    expect(await h.metric("scaler_scale_requests_total", { origin: "eu-1", result: "retrying" })).toBe(2);
    expect(await h.metric("scaler_scale_requests_total", { origin: "eu-1", result: "applied" })).toBe(1);
    expect(
      await h.metric("scaler_decisions_total", { pool: "eu-west", action: "scale-out", applied: "true" }),
    ).toBe(1);
    expect(await h.metric("scaler_decisions_total", { action: "scale-out", applied: "false" })).toBe(0);
  });

  it("fails a refused scale call for good, records it with the error, and waits before asking again", async () => {
    h = await openHarness("scaler-refused");
    await h.setSlo(sloOf("eu-west"));
    h.originFailures.push(400);
    h.startWorker();
    await h.queue.add(JOB_NAMES.evaluate, {});
    await h.waitIdle();
    const outs = (await h.decisions()).filter((d) => d.action === "scale-out");
    expect(outs).toEqual([
      expect.objectContaining({
        applied: false,
        error: expect.stringContaining("HTTP 400 injected 400") as string,
      }),
    ]);
    const failed = await h.queue.getJobs(["failed"]);
    expect(failed.map((j) => [j.name, j.attemptsMade])).toEqual([[JOB_NAMES.scale, 1]]);
    expect(await h.metric("scaler_scale_requests_total", { origin: "eu-1", result: "failed" })).toBe(1);
    expect(await h.metric("scaler_decisions_total", { action: "scale-out", applied: "false" })).toBe(1);
    h.clock.advance(30_000);
    await h.queue.add(JOB_NAMES.evaluate, {});
    await h.waitIdle();
    expect(h.scaleCalls()).toHaveLength(1);
    h.clock.advance(300_000);
    await h.observe(3, 150);
    await h.queue.add(JOB_NAMES.evaluate, {});
    await h.waitIdle();
    expect(h.scaleCalls()).toHaveLength(2);
  });

  it("fails a job with invalid data at once as unrecoverable, naming every problem", async () => {
    h = await openHarness("scaler-invalid");
    h.startWorker();
    const job = await h.queue.add(JOB_NAMES.scale, { origin: "Bad Id", to: -1 });
    await h.waitIdle();
    const failed = await h.queue.getJob(job.id ?? "");
    expect(await failed?.isFailed()).toBe(true);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(
      /^invalid scale job data: .*origin: must be 1-63 lower-case.*to: must be at least 0/,
    );
    expect(h.logs.some((l) => l.startsWith("error: scale") && l.includes("invalid scale job data"))).toBe(
      true,
    );
    expect(h.scaleCalls()).toHaveLength(0);
  });

  it("writes the weights overlay through the admin API and records the spill as applied", async () => {
    h = await openHarness("scaler-weights");
    // A boot time longer than the lead: the replicas cannot arrive before the 14:05 ramp, so
    // traffic must move to the fallback pool (capped at the default 50 %).
    await h.setSlo(sloOf("eu-west", { leadSeconds: 360 }));
    h.ctx.scaling = { "eu-1": { rpsPerReplica: 100, minReplicas: 1, maxReplicas: 20, bootSeconds: 900 } };
    h.startWorker();
    await h.queue.add(JOB_NAMES.evaluate, {});
    await h.waitIdle();
    const stored = h.admin.state.weights;
    expect(stored?.spill?.["eu-west"]).toBeCloseTo(0.5, 5);
    expect(Date.parse(stored?.expiresAt ?? "")).toBe(T0 + 300_000);
    expect(stored?.version).toBe(T0);
    const spill = (await h.decisions()).find((d) => d.action === "spill");
    expect(spill).toMatchObject({ applied: true, to: { spill: 0.5 } });
  });

  it("counts a weights write whose answer was lost as done, and a superseded one as not applied", async () => {
    h = await openHarness("scaler-409");
    const overlay = {
      version: T0,
      updatedAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 300_000).toISOString(),
      factors: { "eu-1": 0.5 },
    };
    const decision = {
      id: "1-eu-west-weights",
      at: new Date(T0).toISOString(),
      pool: "eu-west",
      mode: "act" as const,
      action: "reweight" as const,
      reason: "test",
      applied: false,
    };
    h.admin.state.weights = overlay;
    await expect(
      runApplyWeights(
        fakeJob(JOB_NAMES.applyWeights, { epoch: "e", seq: 1, overlay, decisions: [decision] }),
        h.ctx,
      ),
    ).resolves.toEqual({ version: T0 });
    h.admin.state.weights = { ...overlay, version: T0 + 5 };
    const superseded = { ...decision, id: "2-eu-west-weights" };
    await expect(
      runApplyWeights(
        fakeJob(JOB_NAMES.applyWeights, { epoch: "e", seq: 2, overlay, decisions: [superseded] }),
        h.ctx,
      ),
    ).rejects.toThrow(/superseded: the edge holds overlay version/);
    const recorded = await h.decisions();
    expect(recorded.map((d) => [d.id, d.applied])).toEqual([
      ["1-eu-west-weights", true],
      ["2-eu-west-weights", false],
    ]);
    expect(await h.metric("scaler_weight_writes_total", { result: "applied" })).toBe(1);
    expect(await h.metric("scaler_weight_writes_total", { result: "failed" })).toBe(1);
  });

  it("records advised decisions without calling the platform or touching the weights", async () => {
    h = await openHarness("scaler-advise");
    await h.setSlo(sloOf("eu-west", { mode: "advise" }));
    h.startWorker();
    await h.evaluateRounds(2);
    expect(h.scaleCalls()).toHaveLength(0);
    expect(h.admin.state.weights).toBeNull();
    const advised = (await h.decisions()).filter((d) => d.action !== "hold");
    expect(advised).toEqual([
      expect.objectContaining({ action: "scale-out", mode: "advise", applied: false, to: { replicas: 10 } }),
    ]);
  });

  it("reports an invalid stored SLO with every problem, once, and never acts on it", async () => {
    h = await openHarness("scaler-badslo");
    await h.setSlo({ pool: "eu-west", mode: "act", targetUtilization: 3, leadSeconds: -1 });
    h.startWorker();
    await h.evaluateRounds(2);
    expect(h.scaleCalls()).toHaveLength(0);
    const decisions = await h.decisions();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ action: "hold", pool: "eu-west", mode: "off", applied: false });
    expect(decisions[0]?.reason).toMatch(
      /the stored SLO of eu-west is invalid and ignored until fixed: targetUtilization: must be at most 1; leadSeconds: must be at least 0; scaleInCooldownSeconds: /,
    );
  });

  it("plans for a scheduled event stored in Redis, and reports an invalid one once without acting on it", async () => {
    h = await openHarness("scaler-events");
    await h.setSlo(sloOf("eu-west"));
    const event = {
      id: "launch",
      pool: "eu-west",
      start: new Date(T0 + 5 * 60_000).toISOString(),
      end: new Date(T0 + 65 * 60_000).toISOString(),
      expectedRps: 1000,
    };
    await h.test.redis.hset(
      h.ctx.keys.events,
      "launch",
      JSON.stringify(event),
      "typo",
      JSON.stringify({ ...event, id: "typo", expectedRps: "lots" }),
    );
    h.startWorker();
    await h.evaluateRounds(2);
    expect(h.scaleCalls().map((r) => r.body)).toEqual(['{"replicas":15}']);
    const decisions = await h.decisions();
    expect(decisions.find((d) => d.action === "scale-out")?.reason).toBe(
      "eu-west expects 1,000 rps for event launch (2026-03-02 14:05 to 15:05 UTC) exceeds 70 % of 300 rps capacity; scaling eu-1 from 3 to 15 replicas",
    );
    const holds = decisions.filter((d) => d.action === "hold");
    expect(holds.map((d) => d.reason)).toEqual([
      "the stored scheduled event typo is invalid and ignored until fixed: expectedRps: must be a number",
    ]);
  });
});
