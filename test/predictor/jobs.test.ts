import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { forecastSchema, MODEL_KINDS, seededRng } from "../../contracts/index.ts";
import * as v from "valibot";
import { installSchedules } from "../../predictor/jobs/schedules.ts";
import { openPredictor } from "./predictor-context.ts";

type Predictor = Awaited<ReturnType<typeof openPredictor>>;
let predictor: Predictor | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await predictor?.close();
  predictor = null;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback HTTP server answering with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("predictor jobs on a real BullMQ queue", () => {
  it("fails a job with invalid data once, as unrecoverable, without retrying", async () => {
    predictor = await openPredictor();
    const done = predictor.finished("bad-1");
    await predictor.queue.add(
      "train",
      { origin: "Not An Id!", metric: "rps" },
      { jobId: "bad-1", attempts: 3 },
    );
    const outcome = await done;
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.name).toBe("UnrecoverableError");
    expect(outcome.error.message).toMatch(/origin/);
    expect(outcome.job.attemptsMade).toBe(1);
  });

  it("trains a series, saves the model to disk and publishes a valid forecast", async () => {
    predictor = await openPredictor();
    const { context, clock } = predictor;
    const rng = seededRng(4);
    const now = clock();
    const points = Array.from({ length: 600 }, (_, i) => ({
      origin: "eu-west-1",
      metric: "rps" as const,
      t: now - (599 - i) * 60_000,
      value: 100 + 30 * Math.sin((2 * Math.PI * i) / 60) + 5 * rng(),
    }));
    await context.series.write(points, now);
    const done = predictor.finished("train-1");
    await predictor.queue.add("train", { origin: "eu-west-1", metric: "rps" }, { jobId: "train-1" });
    const outcome = await done;
    expect(outcome).toMatchObject({ status: "completed", value: { status: "trained" } });
    const saved = JSON.parse(
      await readFile(path.join(predictor.modelDir, "eu-west-1", "rps.json"), "utf8"),
    ) as { scores: Record<string, unknown> };
    expect(Object.keys(saved.scores).sort()).toEqual([...MODEL_KINDS].sort());
    const forecast = v.parse(
      forecastSchema,
      JSON.parse((await predictor.test.redis.get(predictor.keys.forecast("eu-west-1", "rps"))) ?? "null"),
    );
    expect(forecast.mean).toHaveLength(5);
    expect(forecast.start).toBe(new Date(now - (now % 60_000) + 60_000).toISOString());
    expect(Object.keys(forecast.accuracy.byModel).sort()).toEqual([...MODEL_KINDS].sort());
    // Only a TensorFlow.js model names its backend; the classical models run no TensorFlow.js.
    if (forecast.model.kind === "lstm")
      expect(["wasm", "cpu", "tensorflow"]).toContain(forecast.model.backend);
    else expect(forecast.model).not.toHaveProperty("backend");
  });

  it("forecasts every trained series again on each step's forecast-all, and queues training for new ones", async () => {
    predictor = await openPredictor({ kinds: ["seasonal-naive", "holt-winters"] });
    const { context, clock } = predictor;
    const now = clock();
    const cycle = (i: number) => 50 + 20 * Math.sin((2 * Math.PI * i) / 60);
    await context.series.write(
      Array.from({ length: 300 }, (_, i) => ({
        origin: "eu-1",
        metric: "p95_ms" as const,
        t: now - (299 - i) * 60_000,
        value: cycle(i),
      })),
      now,
    );
    const trained = predictor.finished("train-eu");
    await predictor.queue.add("train", { origin: "eu-1", metric: "p95_ms" }, { jobId: "train-eu" });
    await trained;
    await context.series.write([{ origin: "us-1", metric: "rps", t: now, value: 1 }], now);
    clock.advance(60_000);
    await context.series.write(
      [{ origin: "eu-1", metric: "p95_ms", t: clock(), value: cycle(300) }],
      clock(),
    );
    const bucket = clock() - (clock() % 60_000);
    const forecastDone = predictor.finished(`forecast-eu-1-p95_ms-${bucket}`);
    const all = predictor.finished("all-1");
    await predictor.queue.add("forecast-all", {}, { jobId: "all-1" });
    expect(await all).toMatchObject({ status: "completed", value: { forecasts: 1, trainings: 1 } });
    expect(await forecastDone).toMatchObject({ status: "completed", value: { status: "forecast" } });
    const forecast = JSON.parse(
      (await predictor.test.redis.get(predictor.keys.forecast("eu-1", "p95_ms"))) ?? "{}",
    ) as { generatedAt: string; start: string; model: Record<string, unknown> };
    expect(forecast.generatedAt).toBe(new Date(clock()).toISOString());
    // Seasonal naive and Holt-Winters run no TensorFlow.js, so the forecast names no backend.
    expect(forecast.model).not.toHaveProperty("backend");
    expect(forecast.start).toBe(new Date(bucket + 60_000).toISOString());
  });

  it("installs the repeatable jobs once per interval and removes those of sources no longer configured", async () => {
    predictor = await openPredictor();
    const config = { stepSeconds: 30, retrainIntervalSeconds: 3_600, scrape: true, prometheus: false };
    expect(await installSchedules(predictor.queue, config)).toEqual(["scrape", "retrain-all"]);
    expect(await installSchedules(predictor.queue, config)).toEqual(["scrape", "retrain-all"]);
    const schedulers = await predictor.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      ["retrain-all", 3_600_000],
      ["scrape", 30_000],
    ]);
    await installSchedules(predictor.queue, { ...config, scrape: false });
    expect((await predictor.queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
      "forecast-all",
      "retrain-all",
    ]);
  });

  it("scrapes a healthy origin while garbage, timeouts and missing targets are recorded as scrape errors", async () => {
    let requests = 1000;
    const healthy = await serve((_req, res) => {
      res.end(
        [
          `http_requests_total{code="200"} ${requests}`,
          `http_request_duration_seconds_bucket{le="0.1"} ${requests}`,
          `http_request_duration_seconds_bucket{le="+Inf"} ${requests}`,
          `http_request_duration_seconds_count ${requests}`,
          "origin_replicas 3",
          "origin_capacity_rps 30",
        ].join("\n"),
      );
    });
    const garbage = await serve((_req, res) => {
      res.end("<html>oops</html>");
    });
    const silent = await serve(() => {
      /* never answers */
    });
    const gone = await serve((_req, res) => {
      res.statusCode = 404;
      res.end("not found");
    });
    predictor = await openPredictor({
      targets: [
        { origin: "good", url: `${healthy}/metrics`, timeoutMs: 2_000 },
        { origin: "garbage", url: `${garbage}/metrics`, timeoutMs: 2_000 },
        { origin: "silent", url: `${silent}/metrics`, timeoutMs: 300 },
        { origin: "gone", url: `${gone}/metrics`, timeoutMs: 2_000 },
      ],
    });
    const first = predictor.finished("scrape-1");
    await predictor.queue.add("scrape", {}, { jobId: "scrape-1" });
    expect(await first).toMatchObject({ status: "completed", value: { scraped: 1, failed: 3 } });
    predictor.clock.advance(60_000);
    requests += 600;
    const second = predictor.finished("scrape-2");
    await predictor.queue.add("scrape", {}, { jobId: "scrape-2" });
    expect(await second).toMatchObject({ status: "completed", value: { scraped: 1, failed: 3 } });

    const now = predictor.clock();
    const rps = await predictor.context.series.read("good", "rps", now - 60_000, now);
    expect(rps.values).toEqual([null, 10]);
    // Each failing target is recorded once, not at every scrape: its message did not change.
    const errors = await predictor.context.documents.readScrapeErrors(10);
    expect(errors).toHaveLength(3);
    const current = await predictor.context.documents.sourceProblems.list();
    expect(current.map((p) => p.origin).sort()).toEqual(["garbage", "gone", "silent"]);
    expect(new Set(errors.map((e) => e.origin))).toEqual(new Set(["garbage", "silent", "gone"]));
    expect(errors.find((e) => e.origin === "silent")?.error).toMatch(/no answer within 300 ms/);
    expect(errors.find((e) => e.origin === "gone")?.error).toMatch(/HTTP 404/);
    expect(errors.find((e) => e.origin === "garbage")?.error).toMatch(/line 1/);
    const capacity = await predictor.test.redis.zrange(predictor.keys.capacity("good"), "0", "-1");
    expect(capacity.map((c) => JSON.parse(c) as unknown)).toContainEqual({
      at: new Date(now).toISOString(),
      replicas: 3,
      capacityRps: 30,
    });
  });
});
