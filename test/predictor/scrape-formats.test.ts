// The scraper reads each answer with the parser Prometheus would pick for its Content-Type, and
// refuses what Prometheus refuses: OpenMetrics with exemplars is read as OpenMetrics; a text
// page with bytes that are not UTF-8 in a label value fails, naming the line.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import { fetchText } from "../../predictor/sources/fetch-text.ts";
import { scrapeTargets } from "../../predictor/sources/scrape-service.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { ScrapeStateStore } from "../../predictor/store/scrape-state.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const NOW = Date.UTC(2026, 0, 5, 12);
let test: TestRedis;
let server: Server;
let base: string;
let requests = 1_000;

const openMetrics = () =>
  [
    "# TYPE http_requests counter",
    `http_requests_total{code="200"} ${requests} # {trace_id="abc"} 1 1767614400.000`,
    "# EOF",
    "",
  ].join("\n");

beforeEach(async () => {
  test = await openTestRedis("formats");
  requests = 1_000;
  server = createServer((req, res) => {
    if (req.url === "/om") {
      res.setHeader("content-type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
      res.end(openMetrics());
    } else {
      res.setHeader("content-type", "text/plain; version=0.0.4");
      res.end(
        Buffer.concat([
          Buffer.from('http_requests_total{code="2'),
          Buffer.from([0xff]),
          Buffer.from('"} 1\n'),
        ]),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await test.cleanup();
});

describe("scraping by Content-Type", () => {
  it("reads OpenMetrics as OpenMetrics and refuses a label value that is not UTF-8", async () => {
    const keys = redisKeys(test.prefix);
    const clock = manualClock(NOW);
    const deps = {
      fetchText,
      series: new SeriesStore(test.redis, keys, 60, 3_600),
      documents: new DocumentStore(test.redis, keys),
      state: new ScrapeStateStore(test.redis, test.prefix),
      now: clock,
      maxBytes: 1_000_000,
    };
    const targets = [
      { origin: "om", url: `${base}/om`, timeoutMs: 2_000 },
      { origin: "latin1", url: `${base}/latin1`, timeoutMs: 2_000 },
    ];
    expect(await scrapeTargets(targets, deps)).toMatchObject({ scraped: 1, failed: 1 });
    clock.advance(60_000);
    requests += 1_200;
    const second = await scrapeTargets(targets, deps);
    expect(second.errors).toEqual([
      {
        origin: "latin1",
        error: expect.stringMatching(/^line 1: the value of the label code is not valid UTF-8/) as string,
      },
    ]);
    const rps = await deps.series.read("om", "rps", clock(), clock());
    expect(rps.values).toEqual([20]);
  });
});
