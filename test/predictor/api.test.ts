import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Decision, Forecast, Slo } from "../../contracts/index.ts";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import { apiRouter } from "../../predictor/api/routes.ts";
import { createPredictorServer } from "../../predictor/api/server.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const TOKEN = "s3cret-admin-token-0123";
const NOW = Date.UTC(2026, 0, 5, 12);
let test: TestRedis;
let server: Server;
let base: string;
let series: SeriesStore;
let documents: DocumentStore;

beforeEach(async () => {
  test = await openTestRedis("api");
  const keys = redisKeys(test.prefix);
  series = new SeriesStore(test.redis, keys, 60, 86_400);
  documents = new DocumentStore(test.redis, keys);
  const router = apiRouter({
    series,
    documents,
    adminToken: TOKEN,
    now: manualClock(NOW),
    maxBodyBytes: 1024,
  });
  server = createPredictorServer({
    api: async (request) => (await router.fetch(request)) as Response,
    maxBodyBytes: 1024,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await test.cleanup();
});

const slo: Slo = {
  pool: "eu",
  mode: "act",
  targetUtilization: 0.7,
  leadSeconds: 300,
  scaleInCooldownSeconds: 600,
};
const put = (body: string, token: string | null = TOKEN) =>
  fetch(`${base}/api/slos/eu`, {
    method: "PUT",
    body,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("predictor API", () => {
  it("stores an SLO written with the admin token and serves it back", async () => {
    const response = await put(JSON.stringify(slo));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slo });
    expect(await (await fetch(`${base}/api/slos`)).json()).toEqual({
      slos: [slo],
      sources: { eu: "api" },
      file: null,
    });
  });

  it("refuses writes without the right token", async () => {
    expect((await put(JSON.stringify(slo), null)).status).toBe(401);
    const wrong = await put(JSON.stringify(slo), "not-the-token");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "invalid admin token" });
    expect(await (await fetch(`${base}/api/slos`)).json()).toEqual({ slos: [], sources: {}, file: null });
  });

  it("answers 400 with every issue and keeps the old SLO when the new one is invalid", async () => {
    await put(JSON.stringify(slo));
    const response = await put(JSON.stringify({ ...slo, mode: "panic", targetUtilization: 3 }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string }[] };
    expect(body.issues.map((i) => i.path).sort()).toEqual(["mode", "targetUtilization"]);
    expect(await (await fetch(`${base}/api/slos`)).json()).toEqual({
      slos: [slo],
      sources: { eu: "api" },
      file: null,
    });
    expect((await put("{not json")).status).toBe(400);
    expect((await put(JSON.stringify({ ...slo, pool: "us" }))).status).toBe(400);
  });

  it("stores the SLO's trade-off, and refuses both at once naming both while keeping the stored one", async () => {
    const ceiling = { ...slo, spendCeiling: 1.5 };
    expect((await put(JSON.stringify(ceiling))).status).toBe(200);
    const both = await put(JSON.stringify({ ...slo, violationBudget: 0.02, spendCeiling: 2 }));
    expect(both.status).toBe(400);
    const body = (await both.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues).toEqual([
      {
        path: "spendCeiling",
        message:
          "cannot be set together with violationBudget: an SLO states one trade-off, a violation budget or a spend ceiling",
      },
    ]);
    const outOfRange = await put(JSON.stringify({ ...slo, violationBudget: 0.7 }));
    expect(((await outOfRange.json()) as { issues: unknown[] }).issues).toEqual([
      { path: "violationBudget", message: "must be at most 0.5" },
    ]);
    expect(((await (await fetch(`${base}/api/slos`)).json()) as { slos: unknown[] }).slos).toEqual([ceiling]);
  });

  it("refuses a body over the limit with 413", async () => {
    const response = await put(JSON.stringify({ ...slo, padding: "x".repeat(2048) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/limit/);
  });

  it("serves series with gaps as null and checks its query parameters", async () => {
    await series.write(
      [
        { origin: "eu-1", metric: "rps", t: NOW - 120_000, value: 5 },
        { origin: "eu-1", metric: "rps", t: NOW, value: 7 },
      ],
      NOW,
    );
    const body = (await (await fetch(`${base}/api/series?origin=eu-1&minutes=2`)).json()) as {
      stepSeconds: number;
      series: { values: (number | null)[] }[];
    };
    expect(body.stepSeconds).toBe(60);
    expect(body.series.map((s) => s.values)).toEqual([[5, null, 7]]);
    const bad = await fetch(`${base}/api/series?metric=load&minutes=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      "metric",
      "minutes",
    ]);
  });

  it("serves stored forecasts, filtered by origin", async () => {
    const forecast: Forecast = {
      origin: "eu-1",
      metric: "rps",
      generatedAt: new Date(NOW).toISOString(),
      start: new Date(NOW + 60_000).toISOString(),
      stepSeconds: 60,
      mean: [1, 2],
      lower: [0, 1],
      upper: [2, 3],
      model: { kind: "holt-winters", version: "hw1", trainedAt: new Date(NOW).toISOString() },
      accuracy: { mase: 0.5, smape: 10, byModel: { "holt-winters": { mase: 0.5, smape: 10 } } },
    };
    await documents.writeForecast(forecast);
    await documents.writeForecast({ ...forecast, origin: "us-1" });
    expect(await (await fetch(`${base}/api/forecasts?origin=eu-1`)).json()).toEqual({
      forecasts: [forecast],
    });
  });

  it("lists the scaler's decisions newest first, skipping entries that are not decisions", async () => {
    const decision = (id: string): Decision => ({
      id,
      at: new Date(NOW).toISOString(),
      pool: "eu",
      mode: "advise",
      action: "hold",
      reason: "forecast under threshold",
      applied: false,
    });
    const key = redisKeys(test.prefix).decisions;
    await test.redis.xadd(key, "*", "decision", JSON.stringify(decision("d1")));
    await test.redis.xadd(key, "*", "decision", "{broken");
    await test.redis.xadd(key, "*", "decision", JSON.stringify(decision("d2")));
    const body = (await (await fetch(`${base}/api/decisions?limit=10`)).json()) as { decisions: Decision[] };
    expect(body.decisions.map((d) => d.id)).toEqual(["d2", "d1"]);
  });

  it("serves the deployment's forecast, series, SLO and scrape-error state as Prometheus metrics", async () => {
    const forecast: Forecast = {
      origin: "eu-1",
      metric: "rps",
      generatedAt: new Date(NOW - 90_000).toISOString(),
      start: new Date(NOW).toISOString(),
      stepSeconds: 60,
      mean: [1],
      lower: [0],
      upper: [2],
      model: {
        kind: "lstm",
        version: "lstm1 u32",
        trainedAt: new Date(NOW - 3_600_000).toISOString(),
        backend: "wasm",
      },
      accuracy: { mase: 0.62, smape: 11.5, byModel: { lstm: { mase: 0.62, smape: 11.5 } } },
    };
    await documents.writeForecast(forecast);
    await series.write(
      [
        { origin: "eu-1", metric: "rps", t: NOW - 180_000, value: 5 },
        { origin: "us-1", metric: "rps", t: NOW - 60_000, value: 3 },
      ],
      NOW,
    );
    await documents.writeSlo(slo);
    await test.redis.hset(redisKeys(test.prefix).slos, "broken", "{nope");
    await test.redis.set(
      redisKeys(test.prefix).scalerHeartbeat,
      JSON.stringify({ at: new Date(NOW - 45_000).toISOString(), intervalSeconds: 30 }),
    );
    await documents.recordScrapeError({
      at: NOW - 60_000,
      target: "http://eu-1/metrics",
      origin: "eu-1",
      message: "HTTP 500",
    });
    await documents.recordScrapeError({
      at: NOW - 2 * 3_600_000,
      target: "http://eu-1/metrics",
      origin: "eu-1",
      message: "old",
    });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = (await response.text()).split("\n");
    for (const line of [
      'predictor_forecast_age_seconds{origin="eu-1",metric="rps"} 90',
      'predictor_forecast_info{origin="eu-1",metric="rps",model="lstm",version="lstm1 u32",backend="wasm"} 1',
      'predictor_forecast_mase{origin="eu-1",metric="rps"} 0.62',
      'predictor_forecast_smape_percent{origin="eu-1",metric="rps"} 11.5',
      'predictor_series_last_point_age_seconds{origin="eu-1",metric="rps"} 180',
      'predictor_series_last_point_age_seconds{origin="us-1",metric="rps"} 60',
      'predictor_slo_target_utilization{pool="eu",mode="act"} 0.7',
      'predictor_invalid_documents{kind="slo"} 1',
      'predictor_invalid_documents{kind="forecast"} 0',
      'predictor_scrape_errors_recent{origin="eu-1"} 1',
      'predictor_scrape_errors_recent{origin="us-1"} 0',
      "predictor_scaler_last_evaluation_age_seconds 45",
      "predictor_scaler_interval_seconds 30",
    ])
      expect(lines).toContain(line);
    expect((await fetch(`${base}/metrics?format=json`)).status).toBe(400);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await fetch(`${base}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "no such API route" });
    expect((await fetch(`${base}/index.html`)).status).toBe(404);
  });

  it("answers a method a route does not take with 405 and the methods it does", async () => {
    const remove = await fetch(`${base}/api/slos/eu`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(remove.status).toBe(405);
    expect(remove.headers.get("allow")).toBe("PUT");
    expect(await remove.json()).toEqual({ error: "DELETE is not allowed on /api/slos/eu (it takes PUT)" });
    const post = await fetch(`${base}/api/decisions`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });

  it("refuses a query parameter the route does not take, naming those it does, rather than ignore a misspelt filter", async () => {
    const misspelt = await fetch(`${base}/api/decisions?pol=eu&limit=5`);
    expect(misspelt.status).toBe(400);
    expect(await misspelt.json()).toEqual({
      error: "invalid query parameters",
      issues: [
        {
          path: "pol",
          message:
            "is not a parameter here (this route takes limit, since, until, pool, origin, mode, applied)",
        },
      ],
    });
    const series = await fetch(`${base}/api/series?origin=eu-1&from=yesterday`);
    expect(((await series.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      "from",
    ]);
    expect((await fetch(`${base}/api/forecasts?origin=eu-1&minutes=5`)).status).toBe(400);
    expect((await fetch(`${base}/api/scrape-errors?since=1`)).status).toBe(400);
    expect((await fetch(`${base}/api/forecasts?origin=eu-1&metric=rps`)).status).toBe(200);
  });
});
