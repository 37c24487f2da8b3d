import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { EDGE_ANSWERED_INDEX } from "../../contracts/edge-analytics.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { metricValue } from "./support/status.ts";
import { FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany } from "./support/traffic.ts";

const T0 = Date.UTC(2026, 0, 1);
const started: TestOrigin[] = [];
let version = 0;

async function origin(name: string, status = 200): Promise<TestOrigin> {
  const made = await TestOrigin.start(name, { status });
  started.push(made);
  return made;
}

async function putTable(edge: EdgeWorker, table: OriginTable): Promise<void> {
  expect((await edge.admin("PUT", "/__lb/table", table, T0)).status).toBe(200);
}

type DataPoint = { indexes: string[]; blobs: string[]; doubles: number[] };

/** The data points once `count` have arrived (writes reach the recorder after the answer). */
async function pointsAfter(edge: EdgeWorker, count: number): Promise<DataPoint[]> {
  await expect
    .poll(() => edge.dataPoints.length, { timeout: 10_000, interval: 20 })
    .toBeGreaterThanOrEqual(count);
  return edge.dataPoints as DataPoint[];
}

/** The status's rate-limit block. */
async function rateLimitStatus(edge: EdgeWorker): Promise<unknown> {
  return ((await edge.admin("GET", "/__lb/status", undefined, T0)).body as { rateLimit: unknown }).rateLimit;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((o) => o.stop()));
});

describe("request analytics in Workers Analytics Engine", () => {
  let edge: EdgeWorker;
  beforeAll(async () => {
    edge = await EdgeWorker.start({}, { analytics: "record" });
  });
  afterAll(async () => {
    await edge.stop();
  });

  it("writes one data point per proxied request with pool, origin, status class, retry, country, colo, latency and tries", async () => {
    const good = await origin("an-good");
    const failing = await origin("an-failing", 503);
    await putTable(
      edge,
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: [{ origin: good }, { origin: failing }] }],
        { resilience: { retry: { backoffBaseMs: 0 }, ejection: { consecutiveFailures: 1_000 } } },
      ),
    );
    const answers = await sendMany(edge, 30, 3, (i) => ({
      geo: PARIS,
      now: T0 + i,
      seed: i,
      cf: { colo: "CDG" },
    }));
    expect(answers.every((a) => a.status === 200 && a.origin === "an-good")).toBe(true);
    const points = await pointsAfter(edge, 30);
    expect(points).toHaveLength(30);
    // Every answer came from an-good; those that tried an-failing first were retried once.
    expect(failing.hits).toBeGreaterThan(0);
    expect(points.filter((p) => p.blobs[3] === "retried")).toHaveLength(failing.hits);
    for (const point of points) {
      const retried = point.blobs[3] === "retried";
      expect(point).toEqual({
        indexes: ["an-good"],
        blobs: ["eu", "an-good", "2xx", retried ? "retried" : "first", "FR", "CDG"],
        doubles: [expect.any(Number) as number, retried ? 2 : 1, 200],
      });
      expect(point.doubles[0]).toBeGreaterThanOrEqual(0);
    }
  });

  it("writes a data point for a request the edge answered itself, indexed as the edge's", async () => {
    const off = await origin("an-off");
    await putTable(
      edge,
      originTable(++version, [
        { name: "eu", location: FRANKFURT, origins: [{ origin: off, enabled: false }] },
      ]),
    );
    const before = edge.dataPoints.length;
    const answer = await edge.text({ geo: "52.52,13.40,DE", now: T0, cf: { colo: "TXL" } });
    expect(answer.status).toBe(503);
    const points = await pointsAfter(edge, before + 1);
    expect(points.slice(before)).toEqual([
      {
        indexes: [EDGE_ANSWERED_INDEX],
        blobs: ["", "", "5xx", "first", "DE", "TXL"],
        doubles: [expect.any(Number), 0, 503],
      },
    ]);
    expect(off.hits).toBe(0);
  });

  it("says in /__lb/status that it writes analytics", async () => {
    const status = (await edge.admin("GET", "/__lb/status", undefined, T0)).body as { analytics: string };
    expect(status.analytics).toContain("ANALYTICS dataset");
  });
});

describe("a failing Analytics Engine write", () => {
  it("never fails the request: the answer arrives and the miss is counted and logged once", async () => {
    const edge = await EdgeWorker.start({}, { analytics: "throw" });
    try {
      const good = await origin("an-throw");
      await putTable(
        edge,
        originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: good }] }]),
      );
      const answers = await sendMany(edge, 5, 1, (i) => ({ geo: PARIS, now: T0 + i }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await metricValue(edge, "lb_analytics_write_failures_total", T0)).toBe(5);
      const logged = edge.logs.join("").split("writing to the ANALYTICS dataset failed");
      expect(logged).toHaveLength(2);
      expect(logged[1]).toContain("dataset unavailable (test)");
    } finally {
      await edge.stop();
    }
  });
});

describe("fleet-wide rate limiting through the Rate Limiting binding", () => {
  let edge: EdgeWorker;
  beforeAll(async () => {
    edge = await EdgeWorker.start({}, { rateLimit: { limit: 3, period: 60 } });
  });
  afterAll(async () => {
    await edge.stop();
  });

  it("refuses the request over the binding's limit with 429 and Retry-After, per client", async () => {
    const good = await origin("rl-binding");
    // The table's own bucket would let every request through: only the binding can refuse.
    await putTable(
      edge,
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: good }] }], {
        resilience: { rateLimit: { requestsPerSecond: 1_000, burst: 1_000 } },
      }),
    );
    const from = (ip: string) => edge.text({ geo: PARIS, now: T0, headers: { "cf-connecting-ip": ip } });
    // The local binding counts in fixed windows of wall-clock time: a run that straddled one
    // window's end is repeated once with another client (the next window has 60 s to spare).
    for (let attempt = 1; ; attempt++) {
      const ip = `198.51.100.${attempt}`;
      const window = Math.floor(Date.now() / 60_000);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await from(ip));
      if (Math.floor(Date.now() / 60_000) !== window && attempt < 2) continue;
      expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
      expect(statuses[3]?.headers.get("retry-after")).toBe("10");
      expect(statuses[3]?.body).toContain("fleet-wide limit");
      expect((await from("203.0.113.9")).status).toBe(200);
      break;
    }
    expect(await rateLimitStatus(edge)).toEqual({ enforcedBy: "binding", by: "ip" });
  });
});

describe("the per-isolate token bucket without the binding", () => {
  let edge: EdgeWorker;
  beforeAll(async () => {
    edge = await EdgeWorker.start();
  });
  afterAll(async () => {
    await edge.stop();
  });

  it("limits by path prefix, one budget for every client, and leaves other paths alone", async () => {
    const good = await origin("rl-bucket");
    await putTable(
      edge,
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: good }] }], {
        resilience: {
          rateLimit: { requestsPerSecond: 1, burst: 2, by: "path", paths: ["/api/", "/api/v2/"] },
        },
      }),
    );
    const get = (path: string, ip: string) =>
      edge.text({ path, geo: PARIS, now: T0, headers: { "cf-connecting-ip": ip } });
    expect((await get("/api/a", "198.51.100.1")).status).toBe(200);
    expect((await get("/api/b", "198.51.100.2")).status).toBe(200);
    const limited = await get("/api/c", "198.51.100.3");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    // The longer prefix has a budget of its own; paths under no prefix are not limited.
    expect((await get("/api/v2/x", "198.51.100.3")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get("/static/app.js", "198.51.100.3")).status).toBe(200);
    expect(await rateLimitStatus(edge)).toEqual({
      enforcedBy: "isolate-token-bucket",
      by: "path",
      paths: ["/api/v2/", "/api/"],
    });
  });

  it("says rate limiting is off when the table sets no limit", async () => {
    const good = await origin("rl-off");
    await putTable(
      edge,
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: good }] }]),
    );
    expect(await rateLimitStatus(edge)).toEqual({ enforcedBy: "off" });
  });
});
