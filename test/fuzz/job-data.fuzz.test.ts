// Malformed job data on both BullMQ queues (the predictor's and the scaler's): every job whose
// name or data is wrong fails at once as unrecoverable, naming the problem, with no side effect;
// the worker goes on with the next job. Thousands of cases straight through each processor, and
// a few hundred through real queues and workers to see how they end. Seeded: failures repeat.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/index.ts";
import { createJobProcessor } from "../../predictor/jobs/processor.ts";
import { JOB_NAMES as PREDICTOR_JOBS, validateJob } from "../../predictor/jobs/job-data.ts";
import {
  JOB_NAMES as SCALER_JOBS,
  applyWeightsDataSchema,
  evaluateDataSchema,
  scaleDataSchema,
} from "../../scaler/jobs/job-data.ts";
import { scalerProcessor } from "../../scaler/jobs/scaler-service.ts";
import { validateWith } from "../../contracts/index.ts";
import { openPredictor } from "../predictor/predictor-context.ts";
import type { Harness } from "../scaler/scaler-harness.ts";
import { openHarness, T0 } from "../scaler/scaler-harness.ts";

const SEED = 5_150_515;

/** A job as BullMQ hands it to a processor; data always went through JSON. */
function jobOf(name: string, data: unknown): Job {
  // JSON.stringify answers undefined for undefined (its type says string).
  const text = JSON.stringify(data) as string | undefined;
  const json: unknown = text === undefined ? undefined : JSON.parse(text);
  return {
    name,
    data: json,
    id: "fuzz",
    attemptsMade: 0,
    opts: { attempts: 3 },
    updateProgress: () => Promise.resolve(),
    moveToDelayed: () => Promise.resolve(),
  } as unknown as Job;
}

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, "", [], {}, -1, 1e308, "eu-1", "rps", "__proto__"),
  fc.string({ maxLength: 80 }),
);
/** Objects with a chosen field set to junk, extra fields, or `__proto__` as an own key. */
function nearly(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = Object.keys(valid);
  if (fields.length === 0)
    return fc.oneof(junk, fc.dictionary(fc.string({ maxLength: 10 }), junk, { minKeys: 1, maxKeys: 3 }));
  return fc.oneof(
    fc.tuple(fc.constantFrom(...fields), junk).map(([field, value]) => ({ ...valid, [field]: value })),
    fc
      .constantFrom(...fields)
      .map((field) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field))),
    fc.tuple(fc.string({ maxLength: 10 }), junk).map(([field, value]) => ({ ...valid, [field]: value })),
    junk.map(
      (value) =>
        JSON.parse(
          `{"__proto__": ${JSON.stringify(value ?? null)}, "origin": "eu-1", "metric": "rps"}`,
        ) as unknown,
    ),
  );
}
const jobName = (known: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom("Train", "train ", "evaluate\u0000", "__proto__"),
      ),
    },
  );

describe("malformed jobs on the predictor's queue", () => {
  let predictor: Awaited<ReturnType<typeof openPredictor>> | undefined;
  afterEach(async () => {
    await predictor?.close();
    predictor = undefined;
  });

  it("fail thousands of times as unrecoverable and never otherwise, straight through the processor", async () => {
    predictor = await openPredictor();
    const process = createJobProcessor(predictor.context);
    const data = fc.oneof(junk, nearly({ origin: "eu-1", metric: "rps" }), nearly({}));
    const seriesKeys = async () =>
      (await predictor?.test.redis.keys(`${predictor.test.prefix}:series*`))?.sort();
    const before = await seriesKeys();
    await fc.assert(
      fc.asyncProperty(jobName(PREDICTOR_JOBS), data, async (name, value) => {
        const job = jobOf(name, value);
        const valid = validateJob(job.name, job.data).ok;
        const outcome = await process(job).then(
          () => null,
          (error: unknown) => error,
        );
        if (valid) {
          expect(outcome).toBeNull();
          return;
        }
        expect(outcome).toBeInstanceOf(UnrecoverableError);
        expect((outcome as Error).message).toMatch(/^invalid job /);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    expect(await seriesKeys()).toEqual(before);
  }, 120_000);

  it("end in the failed list after one attempt, with the reason, while the worker keeps working", async () => {
    predictor = await openPredictor();
    const { queue, test } = predictor;
    const cases = fc.sample(
      fc
        .tuple(jobName(PREDICTOR_JOBS), fc.oneof(junk, nearly({ origin: "eu-1", metric: "rps" })))
        .filter(
          ([name, value]) => !validateJob(name, JSON.parse(JSON.stringify(value ?? null)) as unknown).ok,
        ),
      { seed: SEED, numRuns: 200 },
    );
    await queue.addBulk(
      cases.map(([name, value], i) => ({ name, data: value, opts: { jobId: `bad-${i}`, attempts: 3 } })),
    );
    const last = predictor.finished("good");
    await queue.add("scrape", {}, { jobId: "good" });
    expect(await last).toMatchObject({ status: "completed" });
    const deadline = Date.now() + 30_000;
    while ((await queue.getJobCountByTypes("failed")) < cases.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const failed = await queue.getFailed(0, cases.length);
    expect(failed).toHaveLength(cases.length);
    for (const job of failed) {
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/^invalid job /);
    }
    expect(await test.redis.keys(`${test.prefix}:series*`)).toEqual([]);
  }, 120_000);
});

describe("malformed jobs on the scaler's queue", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const decision = {
    id: "1-eu-west-scale-out-eu-1",
    at: new Date(T0).toISOString(),
    pool: "eu-west",
    origin: "eu-1",
    mode: "act",
    action: "scale-out",
    reason: "test",
    applied: false,
  };
  const overlay = {
    version: 5,
    updatedAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 300_000).toISOString(),
    factors: { "eu-1": 1 },
    spill: { "eu-west": 0.2 },
  };
  const schemas = new Map<string, Parameters<typeof validateWith>[0]>([
    [SCALER_JOBS.evaluate, evaluateDataSchema],
    [SCALER_JOBS.applyWeights, applyWeightsDataSchema],
    [SCALER_JOBS.scale, scaleDataSchema],
  ]);
  const scalerData = fc.oneof(
    junk,
    nearly({ epoch: "e", seq: 1, overlay, decisions: [decision] }),
    nearly({
      epoch: "e",
      origin: "eu-1",
      pool: "eu-west",
      originUrl: "http://127.0.0.1:9",
      from: 3,
      to: 5,
      seq: 1,
      decision,
    }),
    nearly({ epoch: "e", seq: 1, overlay: { ...overlay, factors: { "eu-1": 99 } }, decisions: [decision] }),
    nearly({
      epoch: "e",
      origin: "eu-1",
      pool: "eu-west",
      originUrl: "http://127.0.0.1:9",
      from: 3,
      to: 5,
      seq: 1,
      decision: { ...decision, action: "explode" },
    }),
    nearly({ trigger: "x".repeat(300) }),
  );
  const isValid = (name: string, data: unknown) => {
    const schema = schemas.get(name);
    return schema !== undefined && validateWith(schema, data).ok;
  };

  it("fail thousands of times as unrecoverable with no call to the edge or a platform, straight through the processor", async () => {
    h = await openHarness("fuzz-scaler-jobs");
    const harness = h;
    const process = scalerProcessor(harness.ctx, harness.queue);
    await fc.assert(
      fc.asyncProperty(jobName(Object.values(SCALER_JOBS)), scalerData, async (name, value) => {
        const job = jobOf(name, value);
        if (isValid(job.name, job.data)) return;
        const requests = harness.admin.requests.length + harness.origin.requests.length;
        const outcome = await process(job).then(
          () => null,
          (error: unknown) => error,
        );
        expect(outcome).toBeInstanceOf(UnrecoverableError);
        expect((outcome as Error).message).toMatch(/^(invalid [a-z-]+ job data: |unknown job name )/);
        expect(harness.admin.requests.length + harness.origin.requests.length).toBe(requests);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    expect(await harness.test.redis.xlen(redisKeys(harness.test.prefix).decisions)).toBe(0);
  }, 120_000);

  it("end in the failed list after one attempt, with the reason, while the worker keeps evaluating", async () => {
    h = await openHarness("fuzz-scaler-queue");
    const harness = h;
    const cases = fc.sample(
      fc
        .tuple(jobName(Object.values(SCALER_JOBS)), scalerData)
        .filter(([name, value]) => !isValid(name, JSON.parse(JSON.stringify(value ?? null)) as unknown)),
      { seed: SEED, numRuns: 200 },
    );
    harness.startWorker();
    await harness.queue.addBulk(
      cases.map(([name, value], i) => ({ name, data: value, opts: { jobId: `bad-${i}`, attempts: 4 } })),
    );
    await harness.queue.add(SCALER_JOBS.evaluate, {}, { jobId: "good" });
    await harness.waitIdle();
    const failed = await harness.queue.getFailed(0, cases.length);
    expect(failed).toHaveLength(cases.length);
    for (const job of failed) {
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/^(invalid [a-z-]+ job data: |unknown job name )/);
    }
    expect((await harness.queue.getJob("good"))?.finishedOn).toBeDefined();
    expect(await harness.queue.getJobCountByTypes("completed")).toBe(1);
    expect(harness.scaleCalls()).toEqual([]);
    expect(harness.admin.state.weights).toBeNull();
  }, 120_000);
});
