// The predictor's Prometheus source against Debian's real Prometheus scraping the origin
// simulator under a steady load: what it stores equals Prometheus's own query_range answers, an
// outage of Prometheus (stopped, then restarted on the same port and data) leaves gaps and no
// dips, and a query that matches nothing or does not parse is reported, once, in the log, the
// scrape errors, /metrics and the current source problems. Bounded: the load, every wait and the
// outage have limits; readiness is polled, never slept on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys, seededRng } from "../../contracts/index.ts";
import type { Fleet } from "../../infra/simulator/fleet.ts";
import { startFleet } from "../../infra/simulator/fleet.ts";
import { realScheduler } from "../../infra/simulator/scheduler.ts";
import { predictorMetrics } from "../../predictor/api/metrics-text.ts";
import { fetchText } from "../../predictor/sources/fetch-text.ts";
import { checkPrometheusQueries, pullPrometheus } from "../../predictor/sources/prometheus-service.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestPrometheus } from "../support/prometheus-server.ts";
import { pollUntil, scrapeJob, startPrometheus } from "../support/prometheus-server.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const STEP_SECONDS = 2;
const QUERY = "sum(rate(http_requests_total[6s]))";
/** The load: one request every 50 ms (20 rps), for at most this long. */
const LOAD_INTERVAL_MS = 50;
const LOAD_LIMIT_MS = 150_000;
const OUTAGE_MS = 8_000;

let fleet: Fleet;
let prometheus: TestPrometheus;
let test: TestRedis;
let load: NodeJS.Timeout | undefined;

/** Prometheus's own answer to query_range over [from, to] (epoch ms) at the predictor's step. */
async function prometheusAnswer(query: string, from: number, to: number): Promise<Map<number, number>> {
  const url = new URL("/api/v1/query_range", prometheus.url);
  url.search = new URLSearchParams({
    query,
    start: String(from / 1000),
    end: String(to / 1000),
    step: `${STEP_SECONDS}s`,
  }).toString();
  const body = (await (await fetch(url)).json()) as {
    data: { result: { values: [number, string][] }[] };
  };
  return new Map((body.data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]));
}

/** Waits until Prometheus has scraped the origin for `seconds` more (its window counts fill). */
async function scrapedFor(seconds: number): Promise<void> {
  await pollUntil(
    `${seconds} s of scrapes`,
    async () => {
      const url = new URL("/api/v1/query", prometheus.url);
      url.search = new URLSearchParams({ query: `count_over_time(up[${seconds}s])` }).toString();
      const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1] ?? 0) >= seconds - 1;
    },
    (seconds + 20) * 1000,
  );
}

beforeAll(async () => {
  fleet = await startFleet(
    {
      basePort: 0,
      defaults: { initialReplicas: 4, maxReplicas: 4, capacityPerReplicaRps: 40 },
      pools: [
        { name: "eu-west", city: "Frankfurt", location: { lat: 50.1, lon: 8.7 }, origins: [{ id: "eu-1" }] },
      ],
    },
    { scheduler: realScheduler(), rng: seededRng(5), log: () => undefined },
  );
  const origin = new URL(fleet.origins[0]?.url ?? "");
  const stopAt = Date.now() + LOAD_LIMIT_MS;
  load = setInterval(() => {
    if (Date.now() > stopAt) clearInterval(load);
    else
      void fetch(origin).then(
        (r) => r.body?.cancel(),
        () => undefined,
      );
  }, LOAD_INTERVAL_MS);
  prometheus = await startPrometheus([scrapeJob("origin", [origin.host])], 1);
  test = await openTestRedis("realprom");
}, 60_000);

afterAll(async () => {
  clearInterval(load);
  // Set-up may have stopped early (no prometheus installed): report only its own error.
  await (prometheus as TestPrometheus | undefined)?.cleanup();
  await (fleet as Fleet | undefined)?.stop();
  await (test as TestRedis | undefined)?.cleanup();
});

describe("the Prometheus source against a real Prometheus", () => {
  it("stores what Prometheus answers, and leaves gaps, not dips, around a Prometheus outage", async () => {
    const keys = redisKeys(test.prefix);
    const series = new SeriesStore(test.redis, keys, STEP_SECONDS, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const source = {
      url: prometheus.url,
      timeoutMs: 5_000,
      series: [{ origin: "eu-1", metric: "rps" as const, query: QUERY }],
    };
    const deps = { fetchText, series, documents, now: Date.now };
    await scrapedFor(20);

    const first = await pullPrometheus(source, deps);
    expect(first).toMatchObject({ scraped: 1, failed: 0 });
    const end = series.bucketOf(Date.now()) - STEP_SECONDS * 1000;
    const from = end - 14_000;
    const stored = await series.read("eu-1", "rps", from, end);
    const answer = await prometheusAnswer(QUERY, from, end);
    // Point for point: the steady part of the run has every window complete.
    // (The first windows after the load began may be left out: the counter had just appeared.)
    let compared = 0;
    stored.values.forEach((value, i) => {
      const t = stored.start + i * STEP_SECONDS * 1000;
      if (value === null || !answer.has(t)) return;
      expect(value, `step ${new Date(t).toISOString()}`).toBeCloseTo(answer.get(t) ?? Number.NaN, 4);
      compared++;
    });
    expect(compared).toBeGreaterThanOrEqual(answer.size - 2);
    const steady = stored.values.filter((v): v is number => v !== null);
    expect(steady.length).toBeGreaterThanOrEqual(6);
    const level = steady.sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? 0;
    expect(level).toBeGreaterThan(10);

    const outageFrom = Date.now();
    await prometheus.stop();
    // The outage itself is time passing: nothing to poll for.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const down = await pullPrometheus(source, deps);
    expect(down).toMatchObject({ scraped: 0, failed: 1 });
    await prometheus.start();
    await scrapedFor(12);
    const after = await pullPrometheus(source, deps);
    expect(after).toMatchObject({ scraped: 1, failed: 0 });

    const aroundFrom = series.bucketOf(outageFrom) - 10_000;
    const aroundTo = series.bucketOf(Date.now()) - STEP_SECONDS * 1000;
    const around = await series.read("eu-1", "rps", aroundFrom, aroundTo);
    const raw = await prometheusAnswer(QUERY, aroundFrom, aroundTo);
    // Prometheus itself answers partial-window dips around its outage...
    const dips = [...raw.values()].filter((v) => v < 0.75 * level);
    expect(dips.length).toBeGreaterThan(0);
    // ...which the store left out: gaps around the outage, and no value far below the level.
    const kept = around.values.filter((v): v is number => v !== null);
    expect(around.values.filter((v) => v === null).length).toBeGreaterThanOrEqual(
      OUTAGE_MS / 1000 / STEP_SECONDS,
    );
    expect(kept.length).toBeGreaterThan(0);
    for (const value of kept) expect(value).toBeGreaterThan(0.75 * level);
    // Prometheus being away was reported once and cleared when it came back.
    expect(await documents.sourceProblems.list()).toEqual([]);
  }, 120_000);

  it("reports a query that matches nothing and one that does not parse, at start and once", async () => {
    // Keys of its own: the outage above recorded a scrape error of its own.
    const keys = redisKeys(`${test.prefix}-queries`);
    const series = new SeriesStore(test.redis, keys, STEP_SECONDS, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const logged: string[] = [];
    const source = {
      url: prometheus.url,
      timeoutMs: 5_000,
      series: [
        { origin: "eu-1", metric: "rps" as const, query: "sum(rate(http_request_total[6s]))" },
        { origin: "eu-1", metric: "error_rate" as const, query: "sum(rate(http_requests_total[6s]" },
        { origin: "eu-1", metric: "cpu" as const, query: "sum(process_cpu_utilization)" },
      ],
    };
    const deps = { fetchText, series, documents, now: Date.now, log: (line: string) => logged.push(line) };
    const problems = await checkPrometheusQueries(source, {
      ...deps,
      retentionSeconds: 3_600,
      stepSeconds: STEP_SECONDS,
    });
    expect(problems.map((p) => p.problem)).toEqual([
      expect.stringMatching(
        /^sum\(rate\(http_request_total\[6s\]\)\) returns no series: check the metric name/,
      ),
      expect.stringMatching(
        /^Prometheus refused sum\(rate\(http_requests_total\[6s\]: bad_data: 1:33: parse error: unclosed left parenthesis$/,
      ),
    ]);
    // Prometheus's words arrive whole, not as JSON cut short.
    expect(problems[1]?.problem).not.toMatch(/[{}"]status/);
    await pullPrometheus(source, deps);
    await pullPrometheus(source, deps);
    expect(logged).toHaveLength(2);
    expect((await documents.readScrapeErrors(10)).map((e) => e.error).sort()).toEqual(
      problems.map((p) => p.problem).sort(),
    );
    const current = await documents.sourceProblems.list();
    expect(current.map((p) => p.metric).sort()).toEqual(["error_rate", "rps"]);
    const { text } = await predictorMetrics({ series, documents, now: Date.now });
    expect(text).toMatch(/predictor_source_problems\{origin="eu-1"\} 2/);
  }, 60_000);
});
