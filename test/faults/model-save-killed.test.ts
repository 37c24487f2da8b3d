// The predictor killed while it saves a newly trained model: the model saved before still loads
// and serves, because a save writes a temporary file and renames it over the old one.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QUEUE_NAMES, redisKeys, seededRng, validateForecast } from "../../contracts/index.ts";
import { savedSeriesModelSchema } from "../../predictor/model-store/saved-model.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import * as v from "valibot";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import { eventually } from "./support/scaler-setup.ts";
import type { ServiceProcess } from "./support/service-process.ts";
import { startService } from "./support/service-process.ts";

const HOLD_RENAME = "test/faults/fixtures/hold-model-rename.ts";
let test: TestRedis;
let queue: Queue;
let root: string;
/** The text of the model the first training saved. */
let firstModel: string;
const services: ServiceProcess[] = [];

/** A predictor worker process (no scraping, no API) on the test's prefix and `modelDir`. */
function startWorker(modelDir: string, preload: string[] = []): ServiceProcess {
  const service = startService(
    "predictor/main.ts",
    [
      "--redis",
      test.url,
      "--prefix",
      test.prefix,
      "--step",
      "60s",
      "--retention",
      "1d",
      "--model-dir",
      modelDir,
      "--min-train-points",
      "100",
      "--roles",
      "worker",
      "--port",
      "0",
    ],
    {},
    preload,
  );
  services.push(service);
  return service;
}

async function train(service: ServiceProcess, jobId: string): Promise<void> {
  await service.waitFor(/saved model\(s\) loaded/, 60_000);
  await queue.add("train", { origin: "eu-1", metric: "rps" }, { jobId });
}

beforeAll(async () => {
  test = await openTestRedis("fault-model");
  queue = new Queue(QUEUE_NAMES.predictor, { connection: test.redis, prefix: `${test.prefix}:bull` });
  root = await mkdtemp(path.join(tmpdir(), "headroom-fault-model-"));
  // Five hours of per-minute load with an hourly cycle, ending now.
  const rng = seededRng(9);
  const now = Date.now();
  const store = new SeriesStore(test.redis, redisKeys(test.prefix), 60, 86_400);
  await store.write(
    Array.from({ length: 300 }, (_, i) => ({
      origin: "eu-1",
      metric: "rps" as const,
      t: now - (299 - i) * 60_000,
      value: 100 + 30 * Math.sin((2 * Math.PI * i) / 60) + 5 * rng(),
    })),
    now,
  );
  const first = startWorker(path.join(root, "first"));
  await train(first, "train-first");
  await first.waitFor(/training eu-1\/rps: serving/, 120_000);
  await first.kill("SIGTERM");
  firstModel = await readFile(path.join(root, "first", "eu-1", "rps.json"), "utf8");
}, 180_000);

afterEach(async () => {
  for (const service of services.splice(0)) await service.kill("SIGKILL");
});

afterAll(async () => {
  await queue.close();
  await test.cleanup();
  await rm(root, { recursive: true, force: true });
});

/** A model directory holding the first model only. */
async function directoryWithFirstModel(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, "eu-1"), { recursive: true });
  await copyFile(path.join(root, "first", "eu-1", "rps.json"), path.join(dir, "eu-1", "rps.json"));
  return dir;
}

/** Starts a fresh worker on `dir` and has it forecast eu-1: resolves with the serving model's
 * version and what the worker said about the models it found. */
async function forecastAfterRestart(dir: string): Promise<{ version: string; log: string }> {
  const restarted = startWorker(dir);
  await restarted.waitFor(/saved model\(s\) loaded/, 60_000);
  const key = redisKeys(test.prefix).forecast("eu-1", "rps");
  await test.redis.del(key);
  await queue.add("forecast", { origin: "eu-1", metric: "rps" }, { jobId: `forecast-${path.basename(dir)}` });
  const text = await eventually("the restarted predictor's forecast", () => test.redis.get(key), 60_000);
  const forecast = validateForecast(JSON.parse(text));
  if (!forecast.ok) throw new Error(`invalid forecast: ${JSON.stringify(forecast.issues)}`);
  return { version: forecast.value.model.version, log: restarted.output() };
}

describe("the predictor killed while saving a model", () => {
  it("keeps the previous model, which a restarted predictor loads and forecasts with", async () => {
    const dir = await directoryWithFirstModel("killed");
    const saving = startWorker(dir, [HOLD_RENAME]);
    await train(saving, "train-killed");
    // The new model is written whole to its temporary file; the rename has not happened.
    const [, temp = ""] = await saving.waitFor(/HOLDING-MODEL-RENAME (\S+) -> /, 120_000);
    await saving.kill("SIGKILL");
    const unfinished = v.parse(savedSeriesModelSchema, JSON.parse(await readFile(temp, "utf8")));
    const previous = v.parse(savedSeriesModelSchema, JSON.parse(firstModel));
    expect(unfinished.model.trainedAt).not.toBe(previous.model.trainedAt);
    expect(await readFile(path.join(dir, "eu-1", "rps.json"), "utf8")).toBe(firstModel);

    // The crash's leftover, found an hour later, is cleared at the next start.
    const anHourAgo = new Date(Date.now() - 3_700_000);
    await utimes(temp, anHourAgo, anHourAgo);
    const { version, log } = await forecastAfterRestart(dir);
    expect(log).toMatch(/TensorFlow.js backend: \w+; 1 saved model\(s\) loaded/);
    expect(log).not.toMatch(/unreadable/);
    expect(version).toBe(previous.model.version);
    expect(await readdir(path.join(dir, "eu-1"))).toEqual(["rps.json"]);
  }, 180_000);

  it("ignores a temporary file torn in the middle of its write, as a crash leaves it", async () => {
    const dir = await directoryWithFirstModel("torn");
    const torn = path.join(dir, "eu-1", "rps.json.4242.0badf00d.tmp");
    await writeFile(torn, firstModel.slice(0, Math.floor(firstModel.length / 2)));
    const { version, log } = await forecastAfterRestart(dir);
    expect(log).toMatch(/1 saved model\(s\) loaded/);
    expect(log).not.toMatch(/unreadable/);
    expect(version).toBe(v.parse(savedSeriesModelSchema, JSON.parse(firstModel)).model.version);
    // A fresh one may be another machine's save in progress (shared model directory): kept.
    expect((await readdir(path.join(dir, "eu-1"))).sort()).toEqual([
      "rps.json",
      "rps.json.4242.0badf00d.tmp",
    ]);
  }, 120_000);
});
