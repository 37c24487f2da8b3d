import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Job } from "bullmq";
import { Worker } from "bullmq";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { forecastSchema, MODEL_KINDS } from "../../contracts/index.ts";
import { trainJobId } from "../../predictor/jobs/job-data.ts";
import { LSTM_QUEUE } from "../../predictor/jobs/lstm-lane.ts";
import { createJobProcessor } from "../../predictor/jobs/processor.ts";
import { openPredictor } from "./predictor-context.ts";

type Predictor = Awaited<ReturnType<typeof openPredictor>>;
let predictor: Predictor | null = null;
const workers: Worker[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
  await predictor?.close();
  predictor = null;
});

const HOUR = 3_600_000;

/** Writes `points` minutes of a daily-looking cycle for one series, ending now. */
async function writeSeries(p: Predictor, origin: string, metric: "rps" | "p95_ms", points: number) {
  const now = p.clock();
  await p.context.series.write(
    Array.from({ length: points }, (_, i) => ({
      origin,
      metric,
      t: now - (points - 1 - i) * 60_000,
      value: 80 + 30 * Math.sin((2 * Math.PI * i) / 60) + (i % 7),
    })),
    now,
  );
}

/** The lstm role of another process: a worker on the lane's queue training every kind. */
function startLaneWorker(p: Predictor): { done: (id: string) => Promise<unknown> } {
  const worker = new Worker(
    LSTM_QUEUE,
    createJobProcessor({ ...p.context, kinds: MODEL_KINDS, lstmLane: undefined }),
    {
      connection: p.test.redis,
      prefix: p.prefix,
    },
  );
  workers.push(worker);
  return {
    done: (id) =>
      new Promise((resolve, reject) => {
        worker.on("completed", (job: Job, value: unknown) => {
          if (job.id === id) resolve(value);
        });
        worker.on("failed", (job: Job | undefined, error: Error) => {
          if (job?.id === id) reject(error);
        });
      }),
  };
}

describe("the LSTM lane", () => {
  it("serves the classical models at once and hands the load series' LSTM training to the lane", async () => {
    predictor = await openPredictor({ kinds: ["seasonal-naive", "holt-winters"], lstmMetrics: ["rps"] });
    await writeSeries(predictor, "eu-1", "rps", 300);
    const trained = predictor.finished("train-eu");
    await predictor.queue.add("train", { origin: "eu-1", metric: "rps" }, { jobId: "train-eu" });
    expect(await trained).toMatchObject({ status: "completed", value: { status: "trained" } });
    const saved = JSON.parse(await readFile(path.join(predictor.modelDir, "eu-1", "rps.json"), "utf8")) as {
      scores: Record<string, unknown>;
    };
    expect(Object.keys(saved.scores).sort()).toEqual(["holt-winters", "seasonal-naive"]);
    const period = Math.floor(predictor.clock() / HOUR);
    const offered = await predictor.lane?.getJob(trainJobId("eu-1", "rps", `lstm${period}`));
    expect(offered?.data).toEqual({ origin: "eu-1", metric: "rps" });
  });

  it("retrains the lane's series on the lane and every other series on the worker's own queue", async () => {
    predictor = await openPredictor({ kinds: ["seasonal-naive", "holt-winters"], lstmMetrics: ["rps"] });
    await writeSeries(predictor, "eu-1", "rps", 200);
    await writeSeries(predictor, "eu-1", "p95_ms", 200);
    const round = predictor.finished("retrain-1");
    await predictor.queue.add("retrain-all", {}, { jobId: "retrain-1" });
    expect(await round).toMatchObject({ status: "completed", value: { trainings: 2 } });
    const period = Math.floor(predictor.clock() / HOUR);
    expect(await predictor.lane?.getJob(trainJobId("eu-1", "rps", `lstm${period}`))).toBeDefined();
    expect(await predictor.lane?.getJob(trainJobId("eu-1", "p95_ms", `lstm${period}`))).toBeUndefined();
    expect(await predictor.queue.getJob(trainJobId("eu-1", "rps", period))).toBeUndefined();
    expect(await predictor.queue.getJob(trainJobId("eu-1", "p95_ms", period))).toBeDefined();
  });

  it("still trains the LSTM for a series whose classical model was trained after the lane's job was queued", async () => {
    // Job timestamps are BullMQ's real time: the manual clock starts after it, so the classical
    // model counts as trained after the lane's job was queued.
    predictor = await openPredictor({
      kinds: ["seasonal-naive", "holt-winters"],
      lstmMetrics: ["rps"],
      startMs: Date.now() + 86_400_000,
    });
    await writeSeries(predictor, "eu-1", "rps", 600);
    const period = Math.floor(predictor.clock() / HOUR);
    const id = trainJobId("eu-1", "rps", `lstm${period}`);
    // At start the retraining round queues the lane's job before the first classical training.
    const round = predictor.finished("retrain-1");
    await predictor.queue.add("retrain-all", {}, { jobId: "retrain-1" });
    await round;
    const classical = predictor.finished("train-eu");
    await predictor.queue.add("train", { origin: "eu-1", metric: "rps" }, { jobId: "train-eu" });
    expect(await classical).toMatchObject({ status: "completed", value: { status: "trained" } });
    const lane = startLaneWorker(predictor);
    expect(await lane.done(id)).toMatchObject({ status: "trained" });
  });

  it("trains the LSTM beside the classical models in the lstm role and publishes a forecast scored by every kind", async () => {
    predictor = await openPredictor({ kinds: ["seasonal-naive", "holt-winters"], lstmMetrics: ["rps"] });
    const lane = startLaneWorker(predictor);
    // Enough history for the LSTM's windows (it leaves shorter series to the classical models).
    await writeSeries(predictor, "eu-1", "rps", 600);
    const period = Math.floor(predictor.clock() / HOUR);
    const laneDone = lane.done(trainJobId("eu-1", "rps", `lstm${period}`));
    await predictor.queue.add("train", { origin: "eu-1", metric: "rps" }, { jobId: "train-eu" });
    expect(await laneDone).toMatchObject({ status: "trained" });
    const forecast = v.parse(
      forecastSchema,
      JSON.parse((await predictor.test.redis.get(predictor.keys.forecast("eu-1", "rps"))) ?? "null"),
    );
    expect(Object.keys(forecast.accuracy.byModel).sort()).toEqual([...MODEL_KINDS].sort());
  });
});
