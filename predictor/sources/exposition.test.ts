import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ExpectedSample } from "./exposition.cases.ts";
import { EXPOSITION_CASES } from "./exposition.cases.ts";
import type { MetricFamily } from "./exposition.ts";
import { ExpositionError, parseExposition, parseGoFloat } from "./exposition.ts";

// The example from the Prometheus documentation ("Text-based format"), verbatim.
const PROMETHEUS_DOCS_EXAMPLE = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

describe("parseExposition", () => {
  it("refuses the documentation's negative timestamp as Prometheus does (it reads only digits there)", () => {
    expect(() => parseExposition(PROMETHEUS_DOCS_EXAMPLE)).toThrow(/^line 13: expected a timestamp/);
  });

  it("reads the Prometheus documentation's example: escapes, timestamps, +Inf and every family", () => {
    const families = parseExposition(PROMETHEUS_DOCS_EXAMPLE.replace("+Inf -3982045", "+Inf 3982045"));
    expect(families.get("http_requests_total")?.type).toBe("counter");
    expect(families.get("http_requests_total")?.help).toBe("The total number of HTTP requests.");
    expect(families.get("http_requests_total")?.samples).toEqual([
      {
        name: "http_requests_total",
        labels: { method: "post", code: "200" },
        value: 1027,
        timestamp: 1395066363000,
      },
      {
        name: "http_requests_total",
        labels: { method: "post", code: "400" },
        value: 3,
        timestamp: 1395066363000,
      },
    ]);
    expect(families.get("msdos_file_access_time_seconds")?.samples[0]?.labels).toEqual({
      path: "C:\\DIR\\FILE.TXT",
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(families.get("something_weird")?.samples[0]).toEqual({
      name: "something_weird",
      labels: { problem: "division by zero" },
      value: Number.POSITIVE_INFINITY,
      timestamp: 3982045,
    });
    const histogram = families.get("http_request_duration_seconds");
    expect(histogram?.type).toBe("histogram");
    expect(histogram?.samples.map((s) => s.name)).toEqual([
      ...Array<string>(6).fill("http_request_duration_seconds_bucket"),
      "http_request_duration_seconds_sum",
      "http_request_duration_seconds_count",
    ]);
    expect(histogram?.samples[5]?.labels.le).toBe("+Inf");
    expect(families.get("rpc_duration_seconds")?.samples).toHaveLength(7);
  });

  it("reads what prom-client (the Node client) exposes, in both text and OpenMetrics", async () => {
    for (const contentType of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE]) {
      const registry = new Registry<typeof contentType>();
      registry.setContentType(contentType);
      const counter = new Counter({
        name: "http_requests_total",
        help: "Requests.",
        labelNames: ["code", "path"],
        registers: [registry],
      });
      const histogram = new Histogram({
        name: "http_request_duration_seconds",
        help: "Latency.",
        buckets: [0.1, 0.5],
        registers: [registry],
      });
      counter.inc({ code: "200", path: '/say "hi"\\now' }, 5);
      histogram.observe(0.05);
      histogram.observe(0.3);
      const families = parseExposition(await registry.metrics(), {
        format: contentType === Registry.OPENMETRICS_CONTENT_TYPE ? "openmetrics" : "text",
      });
      const requests = [...families.values()]
        .flatMap((f) => f.samples)
        .filter((s) => s.name === "http_requests_total");
      expect(requests).toEqual([
        { name: "http_requests_total", labels: { code: "200", path: '/say "hi"\\now' }, value: 5 },
      ]);
      const buckets = families
        .get("http_request_duration_seconds")
        ?.samples.filter((s) => s.name.endsWith("_bucket"))
        .map((s) => [s.labels.le, s.value]);
      expect(buckets).toEqual([
        ["0.1", 1],
        ["0.5", 2],
        ["+Inf", 2],
      ]);
    }
  });

  it("reads OpenMetrics: NaN values, exemplars, # EOF and Prometheus 3 quoted metric names", () => {
    const families = parseExposition(
      [
        "# TYPE requests counter",
        'requests_total{code="200"} 7 # {trace_id="abc"} 1 1700000000.000',
        'requests_created{code="200"} 1700000000.5',
        "gauge_nan NaN",
        '{"my.dotted.metric","label.with.dot"="x"} 3',
        "# EOF",
      ].join("\n"),
      { format: "openmetrics" },
    );
    expect(families.get("requests")?.samples.map((s) => [s.name, s.value])).toEqual([
      ["requests_total", 7],
      ["requests_created", 1700000000.5],
    ]);
    expect(Number.isNaN(families.get("gauge_nan")?.samples[0]?.value)).toBe(true);
    expect(families.get("my.dotted.metric")?.samples[0]?.labels).toEqual({ "label.with.dot": "x" });
  });

  it.each([
    ["an HTML error page", "<html><body>502 Bad Gateway</body></html>", 1],
    ["JSON", '{"status":"ok"}', 1],
    ["a value that is not a number", 'up{job="x"} twelve', 1],
    ["an unterminated label value", 'ok 1\nup{job="x} 1', 2],
    ["a missing value", 'up{job="x"}', 1],
    ["a line cut short", "# TYPE a counter\na_total 1\na_tot", 3],
  ])("rejects %s, naming the line", (_, text, line) => {
    expect(() => parseExposition(text)).toThrow(new RegExp(`^line ${line}: `));
  });
});

/** Every sample of a parse, in a stable order (families group samples; the table lists lines). */
function samplesOf(families: Map<string, MetricFamily>): ExpectedSample[] {
  const all = [...families.values()].flatMap((f) =>
    f.samples.map((x): ExpectedSample =>
      x.timestamp === undefined ? [x.name, x.labels, x.value] : [x.name, x.labels, x.value, x.timestamp],
    ),
  );
  return all.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe("the parser against the cases of Prometheus's own parser tests", () => {
  it.each(EXPOSITION_CASES.map((c) => [c.source, c] as const))("%s", (_, c) => {
    const parse = () => parseExposition(c.input, { format: c.format });
    if (c.error) {
      expect(parse).toThrow(ExpositionError);
      expect(parse).toThrow(new RegExp(`^line ${c.error.line}: `));
      expect(parse).toThrow(c.error.says);
      return;
    }
    expect(samplesOf(parse())).toEqual(
      samplesOf(
        new Map([
          [
            "x",
            {
              name: "x",
              type: "untyped",
              samples: (c.samples ?? []).map(([name, labels, value, timestamp]) =>
                timestamp === undefined ? { name, labels, value } : { name, labels, value, timestamp },
              ),
            },
          ],
        ]),
      ),
    );
  });

  it("holds the upstream inputs: over 180 distinct cases, accepted and rejected, in both formats", () => {
    const inputs = new Set(EXPOSITION_CASES.map((c) => `${c.format}:${String(c.input)}`));
    expect(inputs.size).toBeGreaterThan(180);
    expect(EXPOSITION_CASES.filter((c) => c.error).length).toBeGreaterThan(80);
    expect(EXPOSITION_CASES.filter((c) => c.format === "openmetrics").length).toBeGreaterThan(60);
  });
});

describe("parseGoFloat", () => {
  it("reads Go's float syntax and refuses the rest", () => {
    expect(parseGoFloat("1.5e3")).toBe(1500);
    expect(parseGoFloat("-Inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(parseGoFloat(".5")).toBe(0.5);
    expect(parseGoFloat("0x1F")).toBeNull();
    expect(parseGoFloat("1e400")).toBeNull();
    expect(parseGoFloat("+NaN")).toBeNull();
    expect(parseGoFloat("1,5")).toBeNull();
    expect(parseGoFloat("")).toBeNull();
  });
});
