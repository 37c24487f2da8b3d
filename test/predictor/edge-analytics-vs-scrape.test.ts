import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricName } from "../../contracts/index.ts";
import { manualClock, redisKeys, seededRng } from "../../contracts/index.ts";
import { derivePoints } from "../../predictor/sources/derive-points.ts";
import { EdgeAnalyticsPuller } from "../../predictor/sources/edge-analytics-service.ts";
import type { OriginSample } from "../../predictor/sources/origin-sample.ts";
import { postSql } from "../../predictor/sources/sql-api-client.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import type { StoredRow } from "./support/analytics-engine-api.ts";
import { AnalyticsEngineApi } from "./support/analytics-engine-api.ts";

// One day of traffic to two origins, seen twice: by the origins' own metrics, scraped every
// step (the scrape source's arithmetic, derivePoints), and by the edge's Analytics Engine
// dataset, sampled as Analytics Engine samples at volume, read back by the edge-analytics source.

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "test-token-abcdefghijklmnopqrstuvwxyz";
const STEP_MS = 60_000;
const STEPS = 1_440;
const DAY = Date.UTC(2026, 0, 6);
/** Histogram bounds of the origins' duration metric (seconds). */
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Above this many requests in a step, the stand-in keeps one row in SAMPLE for the dataset. */
const SAMPLE_ABOVE = 300;
const SAMPLE = 4;
/** us-1 sees nothing from 03:00 to 05:00. */
const idle = (origin: string, step: number) => origin === "us-1" && step >= 180 && step < 300;

type StepTruth = { requests: number; sampled: boolean };
type Derived = Partial<Record<MetricName, number>>;

function simulateDay(): {
  rows: StoredRow[];
  scraped: Map<string, Derived[]>;
  truth: Map<string, StepTruth[]>;
} {
  const rng = seededRng(26);
  const rows: StoredRow[] = [];
  const scraped = new Map<string, Derived[]>();
  const truth = new Map<string, StepTruth[]>();
  for (const origin of ["eu-1", "us-1"]) {
    const counters = { ok: 0, failed: 0 };
    const buckets = new Array<number>(BOUNDS.length + 1).fill(0);
    const sample = (at: number): OriginSample => {
      let cumulative = 0;
      const le: Record<string, number> = {};
      BOUNDS.forEach((bound, i) => (le[String(bound)] = cumulative += buckets[i] ?? 0));
      le.Infinity = cumulative + (buckets[BOUNDS.length] ?? 0);
      return {
        at,
        requests: {
          'code="200"': { code: "200", value: counters.ok },
          'code="503"': { code: "503", value: counters.failed },
        },
        durations: { "": { buckets: le, count: le.Infinity } },
      };
    };
    let previous = sample(DAY);
    const points: Derived[] = [];
    const steps: StepTruth[] = [];
    for (let step = 0; step < STEPS; step++) {
      const daily = origin === "eu-1" ? 600 * (1 + 0.6 * Math.sin((2 * Math.PI * step) / STEPS)) : 120;
      const count = idle(origin, step) ? 0 : Math.round(daily * (0.9 + 0.2 * rng()));
      const errorShare = origin === "eu-1" && step >= 600 && step < 660 ? 0.2 : 0.02;
      const sampled = count > SAMPLE_ABOVE;
      for (let i = 0; i < count; i++) {
        const latencyMs = 10 + 30 * -Math.log(1 - rng());
        const failed = rng() < errorShare;
        if (failed) counters.failed++;
        else counters.ok++;
        const slot = BOUNDS.findIndex((bound) => latencyMs / 1000 <= bound);
        buckets[slot < 0 ? BOUNDS.length : slot] = (buckets[slot < 0 ? BOUNDS.length : slot] ?? 0) + 1;
        if (!sampled || rng() < 1 / SAMPLE)
          rows.push({
            timestamp: DAY + step * STEP_MS + Math.floor(rng() * STEP_MS),
            index1: origin,
            blob3: failed ? "5xx" : "2xx",
            double1: latencyMs,
            _sample_interval: sampled ? SAMPLE : 1,
          });
      }
      const current = sample(DAY + (step + 1) * STEP_MS);
      points.push(derivePoints(previous, current, 3 * STEP_MS + 1_000));
      previous = current;
      steps.push({ requests: count, sampled });
    }
    scraped.set(origin, points);
    truth.set(origin, steps);
  }
  return { rows, scraped, truth };
}

/** The histogram bucket (lower, upper) a value falls in, widened by one bucket each side. */
function neighbourhood(seconds: number): [number, number] {
  const index = BOUNDS.findIndex((bound) => seconds <= bound);
  return [BOUNDS[index - 2] ?? 0, BOUNDS[index + 1] ?? Infinity];
}

let test: TestRedis;
let api: AnalyticsEngineApi;
let series: SeriesStore;
const day = simulateDay();

beforeAll(async () => {
  test = await openTestRedis("edge-vs-scrape");
  api = new AnalyticsEngineApi(ACCOUNT, TOKEN);
  await api.start();
  api.datasets.set("headroom_edge_requests", day.rows);
  const keys = redisKeys(test.prefix);
  series = new SeriesStore(test.redis, keys, 60, 3 * 86_400);
  const puller = new EdgeAnalyticsPuller(
    {
      apiUrl: api.url,
      accountId: ACCOUNT,
      dataset: "headroom_edge_requests",
      token: TOKEN,
      timeoutMs: 10_000,
      settleMs: 30_000,
      backfillMs: 86_400_000,
    },
    {
      postSql,
      series,
      documents: new DocumentStore(test.redis, keys),
      now: manualClock(DAY + STEPS * STEP_MS + 40_000),
      log: () => undefined,
    },
  );
  expect(await puller.pull()).toMatchObject({ scraped: 1, failed: 0 });
});
afterAll(async () => {
  await api.stop();
  await test.cleanup();
});

describe("a recorded day of SQL answers against scraping the same traffic", () => {
  for (const origin of ["eu-1", "us-1"]) {
    it(`gives ${origin} the scraped request rate, error share and p95 within the sampling error, and gaps where the edge saw nothing`, async () => {
      const scraped = day.scraped.get(origin) ?? [];
      const truth = day.truth.get(origin) ?? [];
      // Point k (stamped at the end of step k) measures step k, in both sources.
      const read = async (metric: MetricName) =>
        (await series.read(origin, metric, DAY + STEP_MS, DAY + STEPS * STEP_MS)).values;
      const [rps, errors, p95] = await Promise.all([read("rps"), read("error_rate"), read("p95_ms")]);
      let edgeTotal = 0;
      let scrapedTotal = 0;
      const p95Errors: number[] = [];
      for (let step = 0; step < STEPS; step++) {
        const want = scraped[step] ?? {};
        const { requests, sampled } = truth[step] ?? { requests: 0, sampled: false };
        if (requests === 0) {
          // The scrape reads a counter that did not move as 0 requests; the edge saw nothing: a gap.
          expect(want.rps).toBe(0);
          expect([rps[step], errors[step], p95[step]]).toEqual([null, null, null]);
          continue;
        }
        const gotRps = rps[step] ?? Number.NaN;
        const wantRps = want.rps ?? Number.NaN;
        edgeTotal += gotRps;
        scrapedTotal += wantRps;
        // Horvitz-Thompson: keeping 1 row in k and weighting it by k has variance n (k - 1).
        const rpsTolerance = sampled ? (5 * Math.sqrt(requests * (SAMPLE - 1))) / 60 : 1e-4 * wantRps;
        expect(Math.abs(gotRps - wantRps)).toBeLessThanOrEqual(rpsTolerance);
        const share = want.error_rate ?? Number.NaN;
        const shareTolerance = sampled
          ? 5 * Math.sqrt(((SAMPLE - 1) * Math.max(share * (1 - share), 1 / requests)) / requests)
          : 1e-6;
        expect(Math.abs((errors[step] ?? Number.NaN) - share)).toBeLessThanOrEqual(shareTolerance);
        // The scrape interpolates inside a histogram bucket; the edge has every latency.
        const wantP95 = want.p95_ms ?? Number.NaN;
        const [low, high] = neighbourhood(wantP95 / 1000);
        const gotP95 = p95[step] ?? Number.NaN;
        expect(gotP95 / 1000).toBeGreaterThanOrEqual(low);
        expect(gotP95 / 1000).toBeLessThanOrEqual(high);
        p95Errors.push(Math.abs(gotP95 - wantP95) / wantP95);
      }
      expect(Math.abs(edgeTotal - scrapedTotal) / scrapedTotal).toBeLessThan(0.01);
      p95Errors.sort((a, b) => a - b);
      expect(p95Errors[Math.floor(p95Errors.length / 2)]).toBeLessThan(0.15);
    });
  }

  it("read the day in queries of at most 720 steps, each only over steps that had ended", () => {
    expect(
      api.received.map((q) =>
        /toDateTime\('([^']+)'\) AND timestamp < toDateTime\('([^']+)'\)/.exec(q.sql)?.slice(1),
      ),
    ).toEqual([
      ["2026-01-06 00:00:00", "2026-01-06 12:00:00"],
      ["2026-01-06 12:00:00", "2026-01-07 00:00:00"],
    ]);
  });
});
