import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import type { EdgeAnalyticsSource } from "../../predictor/sources/edge-analytics-service.ts";
import { predictorMetrics } from "../../predictor/api/metrics-text.ts";
import { EdgeAnalyticsPuller } from "../../predictor/sources/edge-analytics-service.ts";
import { postSql } from "../../predictor/sources/sql-api-client.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import { AnalyticsEngineApi } from "./support/analytics-engine-api.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "test-token-abcdefghijklmnopqrstuvwxyz";
const MINUTE = 60_000;
const NOON = Date.UTC(2026, 0, 5, 12);
let test: TestRedis;
let api: AnalyticsEngineApi;
let series: SeriesStore;
let documents: DocumentStore;
let logged: string[];

beforeEach(async () => {
  test = await openTestRedis("edge-analytics");
  api = new AnalyticsEngineApi(ACCOUNT, TOKEN);
  await api.start();
  const keys = redisKeys(test.prefix);
  series = new SeriesStore(test.redis, keys, 60, 86_400);
  documents = new DocumentStore(test.redis, keys);
  logged = [];
});
afterEach(async () => {
  await api.stop();
  await test.cleanup();
});

function source(over: Partial<EdgeAnalyticsSource> = {}): EdgeAnalyticsSource {
  return {
    apiUrl: api.url,
    accountId: ACCOUNT,
    dataset: "headroom_edge_requests",
    token: TOKEN,
    timeoutMs: 5_000,
    settleMs: 30_000,
    backfillMs: 10 * MINUTE,
    ...over,
  };
}

function puller(clock: () => number, over: Partial<EdgeAnalyticsSource> = {}): EdgeAnalyticsPuller {
  return new EdgeAnalyticsPuller(source(over), {
    postSql,
    series,
    documents,
    now: clock,
    log: (line) => logged.push(line),
  });
}

const row = (at: number, origin: string, latencyMs: number, status: "2xx" | "5xx", sampleInterval = 1) => ({
  timestamp: at,
  index1: origin,
  blob3: status,
  double1: latencyMs,
  _sample_interval: sampleInterval,
});

describe("the edge-analytics source", () => {
  it("asks the SQL API as Cloudflare documents it and records each ended step per origin, weighted by _sample_interval", async () => {
    api.datasets.set("headroom_edge_requests", [
      row(NOON - 5 * MINUTE + 5_000, "eu-1", 40, "2xx", 3),
      row(NOON - 5 * MINUTE + 20_000, "eu-1", 900, "5xx", 1),
      row(NOON - 3 * MINUTE + 1_000, "eu-1", 50, "2xx", 1),
      row(NOON - 3 * MINUTE + 2_000, "(edge)", 0, "5xx", 1),
      // The step still filling at 12:00:40 (its data is not all in): never read.
      row(NOON + 20_000, "eu-1", 30, "2xx", 1),
    ]);
    const clock = manualClock(NOON + 40_000);
    const pulls = puller(clock);
    expect(await pulls.pull()).toMatchObject({ scraped: 1, failed: 0, points: 6 });
    expect(api.received).toHaveLength(1);
    const [query] = api.received;
    expect(query).toMatchObject({
      method: "POST",
      path: `/client/v4/accounts/${ACCOUNT}/analytics_engine/sql`,
      authorization: `Bearer ${TOKEN}`,
      contentType: "text/plain; charset=utf-8",
    });
    expect(query?.sql).toContain("FROM headroom_edge_requests");
    expect(query?.sql).toContain(
      "WHERE timestamp >= toDateTime('2026-01-05 11:50:00') AND timestamp < toDateTime('2026-01-05 12:00:00')",
    );
    // Points are stamped with the end of the step they measure, as a scrape's are.
    const from = NOON - 10 * MINUTE;
    const rps = await series.read("eu-1", "rps", from, NOON + MINUTE);
    const minute = (t: number) => (t - from) / MINUTE;
    expect(rps.values[minute(NOON - 4 * MINUTE)]).toBeCloseTo(4 / 60, 6);
    expect(rps.values[minute(NOON - 3 * MINUTE)]).toBeNull();
    expect(rps.values[minute(NOON - 2 * MINUTE)]).toBeCloseTo(1 / 60, 6);
    expect(rps.values[minute(NOON)]).toBeNull();
    expect(rps.values[minute(NOON + MINUTE)]).toBeNull();
    const errors = await series.read("eu-1", "error_rate", from, NOON);
    expect(errors.values[minute(NOON - 4 * MINUTE)]).toBeCloseTo(1 / 4, 6);
    const p95 = await series.read("eu-1", "p95_ms", from, NOON);
    expect(p95.values[minute(NOON - 4 * MINUTE)]).toBe(900);
    expect((await series.list()).map((s) => s.origin)).not.toContain("(edge)");

    // A minute later only the last steps are read again (late points fill them in).
    clock.advance(MINUTE);
    await pulls.pull();
    expect(api.received[1]?.sql).toContain(
      "WHERE timestamp >= toDateTime('2026-01-05 11:56:00') AND timestamp < toDateTime('2026-01-05 12:01:00')",
    );
    const later = await series.read("eu-1", "rps", NOON + MINUTE, NOON + MINUTE);
    expect(later.values[0]).toBeCloseTo(1 / 60, 6);
  });

  it("records a refused token, an unknown dataset and an unreachable API as scrape errors that say what to fix", async () => {
    api.datasets.set("headroom_edge_requests", []);
    const clock = manualClock(NOON);
    const refused = await puller(clock, { token: "another-token-abcdefghijklmnop" }).pull();
    expect(refused).toMatchObject({ scraped: 0, failed: 1 });
    const unknown = await puller(clock, { dataset: "headroom_typo" }).pull();
    expect(unknown.failed).toBe(1);
    await api.stop();
    const gone = await puller(clock).pull();
    expect(gone.failed).toBe(1);
    api = new AnalyticsEngineApi(ACCOUNT, TOKEN);
    await api.start();

    const recorded = await documents.readScrapeErrors(10);
    expect(recorded.map((e) => e.error).reverse()).toEqual([
      expect.stringContaining(
        'refused the API token (HTTP 403): it must be valid and allowed "Account Analytics: Read"',
      ),
      expect.stringContaining('the dataset "headroom_typo" is unknown to account'),
      expect.stringContaining("cannot reach the SQL API at http://127.0.0.1:"),
    ]);
    expect(recorded[0]).toMatchObject({
      origin: "*",
      target: expect.stringContaining("edge-analytics") as string,
    });
    expect(logged).toHaveLength(3);
    expect(logged.join("\n")).not.toContain("another-token");
    expect(await series.list()).toEqual([]);
  });

  it("keeps a failing source as a current problem, said once, counted in /metrics, until a pull works", async () => {
    api.datasets.set("headroom_edge_requests", [row(NOON - 2 * MINUTE, "eu-1", 40, "2xx")]);
    const clock = manualClock(NOON);
    const failing = puller(clock, { token: "another-token-abcdefghijklmnop" });
    await failing.pull();
    clock.advance(MINUTE);
    await failing.pull();
    expect(await documents.readScrapeErrors(10)).toHaveLength(1);
    expect(logged).toHaveLength(1);
    expect(await documents.sourceProblems.list()).toEqual([
      expect.objectContaining({
        origin: "*",
        message: expect.stringContaining("refused the API token") as string,
      }),
    ]);
    const metrics = (await predictorMetrics({ series, documents, now: clock })).text;
    expect(metrics).toContain('predictor_source_problems{origin="*"} 1');
    expect(metrics).toContain('predictor_scrape_errors_recent{origin="*"} 1');

    await puller(clock).pull();
    expect(await documents.sourceProblems.list()).toEqual([]);
    expect(logged[1]).toContain("works again");
  });
});
