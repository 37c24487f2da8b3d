import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Decision, Forecast } from "../../contracts/index.ts";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import { edgeClient } from "../../predictor/api/edge-client.ts";
import { predictorHandlers } from "../../predictor/api/http-app.ts";
import { createPredictorServer } from "../../predictor/api/server.ts";
import type { DashboardAssets } from "../../predictor/dashboard/dashboard-assets.ts";
import { buildDashboardAssets } from "../../predictor/dashboard/dashboard-assets.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { ForecastHistory } from "../../predictor/store/forecast-history.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { FakeEdge } from "../browser/support/fake-edge.ts";
import { startFakeEdge } from "../browser/support/fake-edge.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const ADMIN = "predictor-admin-token-01";
const EDGE_TOKEN = "worker-admin-token-0123";
const NOW = Date.UTC(2026, 0, 5, 12);
const STEP = 60_000;
let assets: DashboardAssets;
let test: TestRedis;
let edge: FakeEdge;
let server: Server;
let base: string;
let series: SeriesStore;
let history: ForecastHistory;

beforeAll(async () => {
  assets = await buildDashboardAssets();
});

beforeEach(async () => {
  test = await openTestRedis("dash-api");
  const keys = redisKeys(test.prefix);
  series = new SeriesStore(test.redis, keys, 60, 86_400);
  history = new ForecastHistory(test.redis, test.prefix, 2, 86_400);
  edge = await startFakeEdge(
    EDGE_TOKEN,
    { now: new Date(NOW).toISOString(), origins: [{ id: "eu-1", pool: "eu", healthy: true }] },
    { version: 3, pools: [] },
  );
  const documents = new DocumentStore(test.redis, keys);
  const clock = manualClock(NOW);
  const handlers = predictorHandlers(
    {
      series,
      documents,
      adminToken: ADMIN,
      now: clock,
      maxBodyBytes: 4096,
      history,
      edge: edgeClient({ url: edge.url, token: EDGE_TOKEN, now: clock, cacheMs: 0 }),
      horizonSteps: 5,
    },
    assets,
  );
  server = createPredictorServer({ ...handlers, maxBodyBytes: 4096 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await edge.close();
  await test.cleanup();
});

type Reply<T> = { status: number; body: T };
const json = async (path: string): Promise<Reply<unknown>> => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as unknown };
};

function forecastAt(generatedAt: number, mean: number[]): Forecast {
  return {
    origin: "eu-1",
    metric: "rps",
    generatedAt: new Date(generatedAt).toISOString(),
    start: new Date(generatedAt + STEP).toISOString(),
    stepSeconds: 60,
    mean,
    lower: mean.map((x) => x - 2),
    upper: mean.map((x) => x + 2),
    model: { kind: "holt-winters", version: "hw", trainedAt: new Date(NOW).toISOString() },
    accuracy: { mase: 0.5, smape: 9, byModel: {} },
  };
}

describe("dashboard API", () => {
  it("tells the page its settings, without any secret", async () => {
    const { body } = (await json("/api/info")) as Reply<Record<string, unknown>>;
    expect(body).toEqual({
      now: new Date(NOW).toISOString(),
      stepSeconds: 60,
      retentionSeconds: 86_400,
      horizonSteps: 5,
      history: { leadSteps: 2, leadSeconds: 120, retentionSeconds: 86_400 },
      edge: { configured: true },
      writes: true,
      scaler: null,
      redisEpoch: null,
    });
    expect(JSON.stringify(body)).not.toContain(EDGE_TOKEN);
  });

  it("tells the page when the scaler last evaluated, and ignores a heartbeat it cannot read", async () => {
    const key = redisKeys(test.prefix).scalerHeartbeat;
    await test.redis.set(
      key,
      JSON.stringify({ at: new Date(NOW - 20_000).toISOString(), intervalSeconds: 30 }),
    );
    expect(((await json("/api/info")) as Reply<{ scaler: unknown }>).body.scaler).toEqual({
      at: new Date(NOW - 20_000).toISOString(),
      intervalSeconds: 30,
    });
    await test.redis.set(key, "{broken");
    expect(((await json("/api/info")) as Reply<{ scaler: unknown }>).body.scaler).toBeNull();
  });

  it("serves an origin's capacity over the window asked for", async () => {
    for (const [minutesAgo, replicas] of [
      [90, 2],
      [30, 3],
      [5, 4],
    ] as const)
      await series.writeCapacity(
        "eu-1",
        { at: new Date(NOW - minutesAgo * 60_000).toISOString(), replicas, capacityRps: replicas * 10 },
        NOW - minutesAgo * 60_000,
        NOW,
      );
    await series.write([{ origin: "eu-1", metric: "rps", t: NOW, value: 1 }], NOW);
    const { body } = (await json("/api/capacity?minutes=60")) as Reply<{
      capacity: { origin: string; samples: { replicas: number }[] }[];
    }>;
    expect(body.capacity.map((c) => [c.origin, c.samples.map((s) => s.replicas)])).toEqual([
      ["eu-1", [3, 4]],
    ]);
    expect((await json("/api/capacity?origin=<b>&metric=rps&minutes=0")).status).toBe(400);
  });

  it("scores remembered forecasts against what happened", async () => {
    // Forecasts made at steps 0..2, each remembered 2 steps ahead (for steps 2..4); actuals at 0..4.
    for (let i = 0; i < 3; i++)
      await history.record(forecastAt(NOW - 4 * STEP + i * STEP, [10, 20 + i, 99]), NOW);
    await series.write(
      [0, 1, 2, 3, 4].map((i) => ({
        origin: "eu-1",
        metric: "rps" as const,
        t: NOW - 4 * STEP + i * STEP,
        value: 20 + i * 2,
      })),
      NOW,
    );
    const { body } = (await json("/api/forecast-history?origin=eu-1&metric=rps&minutes=10")) as Reply<{
      leadSeconds: number;
      series: {
        metric: string;
        points: { t: number; mean: number; actual: number | null }[];
        accuracy: { points: number; mae: number; coverage: number };
      }[];
    }>;
    expect(body.leadSeconds).toBe(120);
    const rps = body.series[0];
    expect(rps?.points.map((p) => [p.t - NOW, p.mean, p.actual])).toEqual([
      [-2 * STEP, 20, 24],
      [-STEP, 21, 26],
      [0, 22, 28],
    ]);
    expect(rps?.accuracy).toMatchObject({ points: 3, mae: 5, coverage: 0 });
  });

  it("filters decisions by time, pool, mode and whether they were applied, and names every bad filter", async () => {
    const key = redisKeys(test.prefix).decisions;
    const decision = (id: string, pool: string, mode: Decision["mode"], applied: boolean): Decision => ({
      id,
      at: new Date(NOW).toISOString(),
      pool,
      mode,
      action: "scale-out",
      reason: "r",
      applied,
    });
    await test.redis.xadd(key, "1000-0", "decision", JSON.stringify(decision("old", "eu", "advise", false)));
    for (let i = 0; i < 250; i++)
      await test.redis.xadd(
        key,
        `${5000 + i}-0`,
        "decision",
        JSON.stringify(decision(`act-${i}`, "eu", "act", true)),
      );
    await test.redis.xadd(
      key,
      "9000-0",
      "decision",
      JSON.stringify(decision("advised", "eu", "advise", false)),
    );
    await test.redis.xadd(
      key,
      "9001-0",
      "decision",
      JSON.stringify(decision("other-pool", "us", "advise", false)),
    );
    const ids = async (query: string) =>
      ((await json(`/api/decisions?${query}`)) as Reply<{ decisions: Decision[] }>).body.decisions.map(
        (d) => d.id,
      );
    // The old advised decision lies beyond 250 newer ones: paging finds it.
    expect(await ids("pool=eu&mode=advise&applied=false")).toEqual(["advised", "old"]);
    expect(await ids("pool=eu&mode=advise&since=2000")).toEqual(["advised"]);
    expect(await ids(`until=1970-01-01T00:00:01.000Z&limit=5`)).toEqual(["old"]);
    expect(await ids("applied=true&limit=2")).toEqual(["act-249", "act-248"]);
    const bad = (await json(
      "/api/decisions?since=yesterday&mode=panic&applied=maybe&pool=EU&origin=a%20b",
    )) as Reply<{ issues: { path: string }[] }>;
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path).sort()).toEqual(["applied", "mode", "origin", "pool", "since"]);
  });
});

describe("the edge, through the predictor", () => {
  it("answers the Worker's status and table, read with the predictor's own token that never reaches the browser", async () => {
    const status = (await json("/api/edge/status")) as Reply<{ origins: { id: string }[] }>;
    expect(status.status).toBe(200);
    expect(status.body.origins.map((o) => o.id)).toEqual(["eu-1"]);
    expect(((await json("/api/edge/table")) as Reply<{ version: number }>).body.version).toBe(3);
    expect(edge.authorizations).toEqual([`Bearer ${EDGE_TOKEN}`, `Bearer ${EDGE_TOKEN}`]);
    const text = await (await fetch(`${base}/api/edge/status`)).text();
    expect(text).not.toContain(EDGE_TOKEN);
  });

  it("explains a refused token, an unreachable Worker, a slow one and a missing configuration", async () => {
    const read = async (fetchImpl: typeof fetch) => {
      const client = edgeClient({
        url: "http://127.0.0.1:9",
        token: EDGE_TOKEN,
        now: () => 0,
        fetch: fetchImpl,
      });
      try {
        await client.read("status");
        return null;
      } catch (error) {
        return error as { status: number; message: string };
      }
    };
    const refused = await read(() => Promise.resolve(new Response("{}", { status: 401 })));
    expect(refused?.status).toBe(502);
    expect(refused?.message).toMatch(/refused the predictor's token/);
    const down = await read(() =>
      Promise.reject(
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
        }),
      ),
    );
    expect([down?.status, down?.message]).toEqual([
      502,
      "cannot reach the edge at http://127.0.0.1:9: ECONNREFUSED",
    ]);
    const slow = await read(() => Promise.reject(new DOMException("timed out", "TimeoutError")));
    expect(slow?.status).toBe(504);
    const garbage = await read(() => Promise.resolve(new Response("<html>")));
    expect(garbage?.message).toMatch(/not JSON/);
    for (const error of [refused, down, slow, garbage]) expect(error?.message).not.toContain(EDGE_TOKEN);

    const router = predictorHandlers(
      {
        series,
        documents: new DocumentStore(test.redis, redisKeys(test.prefix)),
        adminToken: null,
        now: () => NOW,
        maxBodyBytes: 1024,
      },
      null,
    );
    const response = await router.api(new Request("http://x/api/edge/status"));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/--edge-url/);
  });

  it("makes one request to the Worker for reads within the cache time", async () => {
    const clock = manualClock(NOW);
    let calls = 0;
    const client = edgeClient({
      url: edge.url,
      token: EDGE_TOKEN,
      now: clock,
      cacheMs: 1000,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await Promise.all([client.read("status"), client.read("status")]);
    clock.advance(999);
    await client.read("status");
    expect(calls).toBe(1);
    clock.advance(1);
    await client.read("status");
    expect(calls).toBe(2);
  });
});

describe("what the predictor serves a browser", () => {
  it("serves the dashboard with a strict Content-Security-Policy and the other protective headers", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it("serves the page's script and ECharts from the predictor itself, revalidated by ETag", async () => {
    for (const path of ["/dashboard.js", "/dashboard.css", "/vendor/echarts.min.js"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      const etag = response.headers.get("etag") ?? "";
      expect((await fetch(`${base}${path}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    }
    expect((await fetch(`${base}/vendor/other.js`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(405);
  });

  it("marks every API answer as data that must not be sniffed, framed or cached", async () => {
    for (const path of ["/api/info", "/api/nothing", "/api/series?minutes=-1"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
  });
});
