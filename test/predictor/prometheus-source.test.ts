import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import { fetchText } from "../../predictor/sources/fetch-text.ts";
import { parseRangeResponse } from "../../predictor/sources/prometheus-range.ts";
import { pullPrometheus } from "../../predictor/sources/prometheus-service.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const NOW = Date.UTC(2026, 0, 5, 12);
let test: TestRedis;
let server: Server;
let url: string;
const asked: URLSearchParams[] = [];
/** Steps (epoch s) whose rate window the stand-in says it saw only partly. */
const partial = new Set<number>();
/** Whether the query `nothing` matches a series yet. */
let nothingMatches = false;
const isCoverage = (params: URLSearchParams) =>
  (params.get("query") ?? "").startsWith("max(count_over_time(");

beforeEach(async () => {
  test = await openTestRedis("prom");
  asked.length = 0;
  partial.clear();
  nothingMatches = false;
  // A stand-in Prometheus: `up` answers one series (a NaN at t = 1 min), `split` answers two.
  server = createServer((req, res) => {
    const params = new URL(req.url ?? "/", "http://x").searchParams;
    if (isCoverage(params)) {
      // Four samples in every window but the partial ones.
      const values: [number, string][] = [];
      for (let t = Number(params.get("start")); t <= Number(params.get("end")); t += 60)
        values.push([t, partial.has(t) ? "2" : "4"]);
      res.end(
        JSON.stringify({
          status: "success",
          data: { resultType: "matrix", result: [{ metric: {}, values }] },
        }),
      );
      return;
    }
    asked.push(params);
    const start = Number(params.get("start"));
    const end = Number(params.get("end"));
    const values: [number, string][] = [];
    for (let t = start; t <= end; t += 60) values.push([t, t === start + 60 ? "NaN" : String(t % 1000)]);
    const query = params.get("query") ?? "";
    if (query === "broken(") {
      res.statusCode = 400;
      res.end(JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error at char 8" }));
      return;
    }
    const result =
      query === "nothing" && !nothingMatches
        ? []
        : query === "split"
          ? [
              { metric: { a: "1" }, values },
              { metric: { a: "2" }, values },
            ]
          : [{ metric: {}, values }];
    res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await test.cleanup();
});

describe("reading series from an existing Prometheus", () => {
  it("backfills the retention on the first pull, then reads only the newest steps; NaN stays a gap", async () => {
    const keys = redisKeys(test.prefix);
    const series = new SeriesStore(test.redis, keys, 60, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const clock = manualClock(NOW);
    const source = {
      url,
      timeoutMs: 2_000,
      series: [{ origin: "eu-1", metric: "rps" as const, query: "sum(rate(http_requests_total[1m]))" }],
    };
    const first = await pullPrometheus(source, { fetchText, series, documents, now: clock });
    expect(first).toMatchObject({ scraped: 1, failed: 0, points: 59 });
    expect(Number(asked[0]?.get("start")) * 1000).toBe(NOW - 3_600_000 + 60_000);
    const stored = await series.read("eu-1", "rps", NOW - 3_600_000 + 60_000, NOW);
    expect(stored.values[1]).toBeNull();
    expect(stored.values.filter((v) => v === null)).toHaveLength(1);
    clock.advance(120_000);
    await pullPrometheus(source, { fetchText, series, documents, now: clock });
    expect(Number(asked[1]?.get("start")) * 1000).toBe(NOW - 5 * 60_000);
    expect(asked[1]?.get("step")).toBe("60s");
  });

  it("leaves a gap where a rate window was only partly observed, never its low value", async () => {
    const keys = redisKeys(test.prefix);
    const series = new SeriesStore(test.redis, keys, 60, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const start = (NOW - 3_600_000 + 60_000) / 1000;
    for (const k of [20, 21, 22]) partial.add(start + 60 * k);
    const source = {
      url,
      timeoutMs: 2_000,
      series: [{ origin: "eu-1", metric: "rps" as const, query: "sum(rate(http_requests_total[1m]))" }],
    };
    const round = await pullPrometheus(source, { fetchText, series, documents, now: manualClock(NOW) });
    expect(round).toMatchObject({ scraped: 1, failed: 0, points: 56 });
    const stored = await series.read("eu-1", "rps", start * 1000, NOW);
    expect(stored.values.slice(19, 24)).toEqual([
      (start + 60 * 19) % 1000,
      null,
      null,
      null,
      (start + 60 * 23) % 1000,
    ]);
  });

  it("reports a query that matches nothing as an error, once while it lasts, and clears it when it answers", async () => {
    const keys = redisKeys(test.prefix);
    const series = new SeriesStore(test.redis, keys, 60, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const clock = manualClock(NOW);
    const logged: string[] = [];
    const source = {
      url,
      timeoutMs: 2_000,
      series: [{ origin: "eu-1", metric: "rps" as const, query: "nothing" }],
    };
    const deps = { fetchText, series, documents, now: clock, log: (line: string) => logged.push(line) };
    for (let i = 0; i < 3; i++) {
      expect(await pullPrometheus(source, deps)).toMatchObject({ scraped: 0, failed: 1 });
      clock.advance(60_000);
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/nothing returns no series: check the metric name/);
    expect(await documents.readScrapeErrors(10)).toHaveLength(1);
    expect((await documents.sourceProblems.list()).map((p) => p.metric)).toEqual(["rps"]);
    nothingMatches = true;
    expect(await pullPrometheus(source, deps)).toMatchObject({ scraped: 1, failed: 0 });
    expect(await documents.sourceProblems.list()).toEqual([]);
    expect(logged[1]).toMatch(/works again \(it failed from .*: nothing returns no series/);
  });

  it("records an expression that yields several series, or that Prometheus refuses, as a scrape error", async () => {
    const keys = redisKeys(test.prefix);
    const series = new SeriesStore(test.redis, keys, 60, 3_600);
    const documents = new DocumentStore(test.redis, keys);
    const source = {
      url,
      timeoutMs: 2_000,
      series: [
        { origin: "eu-1", metric: "rps" as const, query: "split" },
        { origin: "eu-2", metric: "rps" as const, query: "broken(" },
        { origin: "eu-3", metric: "rps" as const, query: "up" },
      ],
    };
    const round = await pullPrometheus(source, { fetchText, series, documents, now: manualClock(NOW) });
    expect(round).toMatchObject({ scraped: 1, failed: 2 });
    const errors = await documents.readScrapeErrors(10);
    expect(errors.find((e) => e.origin === "eu-1")?.error).toMatch(/yields 2 series; aggregate it/);
    // Prometheus's own words, whole: not its JSON body cut short.
    expect(errors.find((e) => e.origin === "eu-2")?.error).toBe(
      "Prometheus refused broken(: bad_data: parse error at char 8",
    );
  });
});

describe("parseRangeResponse", () => {
  it("reads Prometheus's error body and refuses instant vectors", () => {
    expect(() =>
      parseRangeResponse('{"status":"error","errorType":"timeout","error":"query timed out"}', "q"),
    ).toThrow(/timeout: query timed out/);
    expect(() =>
      parseRangeResponse('{"status":"success","data":{"resultType":"vector","result":[]}}', "q"),
    ).toThrow(/range vector/);
    expect(() => parseRangeResponse("<html>", "q")).toThrow(/not JSON/);
  });
});
