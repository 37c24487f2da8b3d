import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ScalerMetrics } from "../metrics/scaler-metrics.ts";
import { startStatusServer } from "./status-server.ts";

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open?.listening)
    await new Promise((resolve) => {
      open.close(resolve);
    });
});

async function start(ok: boolean) {
  const metrics = new ScalerMetrics();
  server = await startStatusServer({
    host: "127.0.0.1",
    port: 0,
    metrics,
    health: () => ({
      ok,
      redis: ok ? "ready" : "reconnecting",
      worker: "running",
      lastEvaluation: metrics.lastEvaluationAt(),
    }),
  });
  return { metrics, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("the scaler's status server", () => {
  it("serves the process's metrics in the Prometheus text format", async () => {
    const { metrics, base } = await start(true);
    metrics.evaluated(Date.UTC(2026, 2, 2, 14, 0));
    metrics.skipped();
    metrics.recorded({
      id: "d1",
      at: "2026-03-02T14:00:00.000Z",
      pool: "eu-west",
      mode: "act",
      action: "scale-out",
      reason: "r",
      applied: true,
    });
    metrics.scaleRequest("eu-1", "applied");
    metrics.weightWrite("retrying");
    metrics.jobFailed("scale", false);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const line of [
      'scaler_evaluations_total{outcome="evaluated"} 1',
      'scaler_evaluations_total{outcome="skipped"} 1',
      "scaler_last_evaluation_timestamp_seconds 1772460000",
      'scaler_decisions_total{pool="eu-west",action="scale-out",mode="act",applied="true"} 1',
      'scaler_scale_requests_total{origin="eu-1",result="applied"} 1',
      'scaler_weight_writes_total{result="retrying"} 1',
      'scaler_job_failures_total{job="scale",final="false"} 1',
    ])
      expect(text.split("\n")).toContain(line);
  });

  it("answers /healthz with 200 while it can work and 503 when it cannot", async () => {
    const healthy = await start(true);
    expect(await (await fetch(`${healthy.base}/healthz`)).json()).toEqual({
      ok: true,
      redis: "ready",
      worker: "running",
      lastEvaluation: null,
    });
    const first = server;
    await new Promise((resolve) => {
      first?.close(resolve);
    });
    const sick = await start(false);
    const response = await fetch(`${sick.base}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, redis: "reconnecting" });
  });

  it("answers other paths with 404 and other methods with 405 and Allow", async () => {
    const { base } = await start(true);
    expect((await fetch(`${base}/`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });
});
