// Hostile or broken /metrics pages against the predictor's Prometheus exposition parser and what
// the scraper derives from it: an ExpositionError naming a line, or samples that turn into sane
// points; never another exception, never a hang. Seeded: a failure repeats, shrunk.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivePoints } from "../../predictor/sources/derive-points.ts";
import { ExpositionError, parseExposition } from "../../predictor/sources/exposition.ts";
import { originSampleOf } from "../../predictor/sources/origin-sample.ts";

const SEED = 7_070_707;

const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,12}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
const labelValue = fc
  .string({ maxLength: 12 })
  .map((s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n"));
const goFloat = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom("NaN", "+Inf", "-Inf", "0", "1e3", ".5", "08"),
  fc.nat().map(String),
);
const samplePart = fc
  .record({
    labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { maxLength: 4, selector: ([k]) => k }),
    value: goFloat,
    // The text format's timestamps are whole non-negative milliseconds.
    timestamp: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(
    ({ labels, value, timestamp }) =>
      `${labels.length > 0 ? `{${labels.map(([k, v]) => `${k}="${v}"`).join(",")}}` : ""} ${value}${timestamp !== undefined ? ` ${timestamp}` : ""}`,
  );
/** One family: optional HELP and TYPE lines first, then its samples. */
const family = fc.record({
  help: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  type: fc.option(fc.constantFrom("gauge", "untyped"), { nil: undefined }),
  samples: fc.array(samplePart, { maxLength: 4 }),
});
/** A well-formed exposition: families of unique names, then the origin metrics the scraper reads. */
const validExposition = fc
  .tuple(
    fc.uniqueArray(
      fc.tuple(
        name.filter((n) => !/^(http_|process_cpu|origin_)/.test(n)),
        family,
      ),
      { maxLength: 8, selector: ([n]) => n },
    ),
    fc.nat(10_000),
    fc.nat(10_000),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([families, ok, bad, cpu]) =>
    [
      ...families.flatMap(([n, f]) => [
        ...(f.help !== undefined
          ? [`# HELP ${n} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`]
          : []),
        ...(f.type !== undefined ? [`# TYPE ${n} ${f.type}`] : []),
        ...f.samples.map((sample) => `${n}${sample}`),
      ]),
      "# TYPE http_requests_total counter",
      `http_requests_total{code="200"} ${ok}`,
      `http_requests_total{code="503"} ${bad}`,
      "# TYPE http_request_duration_seconds histogram",
      `http_request_duration_seconds_bucket{le="0.1"} ${ok}`,
      `http_request_duration_seconds_bucket{le="+Inf"} ${ok + bad}`,
      `http_request_duration_seconds_count ${ok + bad}`,
      `process_cpu_utilization ${cpu}`,
    ].join("\n"),
  );

/** Characters that matter to the format, plus anything at all. */
const syntaxChar = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    '"',
    "\\",
    "=",
    ",",
    " ",
    "\t",
    "#",
    "\n",
    "\r",
    "e",
    "+",
    "-",
    ".",
    "_",
    "0",
    "9",
    "le",
    "NaN",
    "Inf",
    " # ",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 2 }),
);
/** A valid exposition damaged by a few edits: insertions, deletions, duplications, truncation. */
const damagedExposition = fc
  .tuple(
    validExposition,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(40),
        fc.constantFrom("insert", "delete", "duplicate", "truncate"),
        syntaxChar,
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([text, edits]) =>
    edits.reduce((out, [at, length, kind, char]) => {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === "insert") return out.slice(0, i) + char + out.slice(i);
      if (kind === "delete") return out.slice(0, i) + out.slice(i + length);
      if (kind === "duplicate")
        return out.slice(0, i + length) + out.slice(i, i + length) + out.slice(i + length);
      return out.slice(0, i);
    }, text),
  );
/** Well-formed, but the origin's counters say impossible things: negative, fractional, infinite,
 * going down, buckets out of order. */
const hostileNumbers = fc
  .tuple(fc.array(goFloat, { minLength: 6, maxLength: 6 }), fc.array(goFloat, { minLength: 6, maxLength: 6 }))
  .map(([before, after]): [string, string] => {
    const page = ([ok, bad, le1, inf, count, cpu]: string[]) =>
      [
        `http_requests_total{code="200"} ${ok ?? ""}`,
        `http_requests_total{code="503"} ${bad ?? ""}`,
        `http_request_duration_seconds_bucket{le="0.1"} ${le1 ?? ""}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${inf ?? ""}`,
        `http_request_duration_seconds_count ${count ?? ""}`,
        `process_cpu_utilization ${cpu ?? ""}`,
      ].join("\n");
    return [page(before), page(after)];
  });
const anyExposition = fc.oneof(
  damagedExposition,
  validExposition,
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.array(syntaxChar, { maxLength: 120 }).map((parts) => parts.join("")),
);

/** Parses and derives like the scraper: an ExpositionError naming an existing line, or points
 * that are finite rates, an error share in [0, 1] and non-negative latencies. */
function scrapeLike(text: string): void {
  let families;
  try {
    families = parseExposition(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpositionError);
    const line = (error as ExpositionError).line;
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(text.split("\n").length);
    expect((error as Error).message).toMatch(/^line \d+: /);
    return;
  }
  const before = originSampleOf(families, 0);
  const after = originSampleOf(families, 60_000);
  const reset = originSampleOf(new Map(), 30_000);
  for (const points of [
    derivePoints(before, after, 300_000),
    derivePoints(null, after, 300_000),
    derivePoints(reset, after, 300_000),
  ]) {
    for (const [metric, value] of Object.entries(points)) {
      if (!Number.isFinite(value)) continue; // the store skips it: a gap
      if (metric !== "cpu") expect(value, metric).toBeGreaterThanOrEqual(0);
      if (metric === "error_rate") expect(value).toBeLessThanOrEqual(1);
    }
  }
}

describe("the Prometheus exposition parser under hostile input", () => {
  it("answers thousands of damaged and random expositions with a value or an ExpositionError naming the line", () => {
    fc.assert(
      fc.property(anyExposition, (text) => {
        scrapeLike(text);
      }),
      { seed: SEED, numRuns: 4_000 },
    );
  });

  it("derives no negative rate, latency or error share from counters that say impossible things", () => {
    fc.assert(
      fc.property(hostileNumbers, ([first, second]) => {
        for (const points of [
          derivePoints(
            originSampleOf(parseExposition(first), 0),
            originSampleOf(parseExposition(second), 60_000),
            300_000,
          ),
          derivePoints(null, originSampleOf(parseExposition(second), 60_000), 300_000),
        ]) {
          for (const [metric, value] of Object.entries(points)) {
            if (!Number.isFinite(value) || metric === "cpu") continue;
            expect(value, metric).toBeGreaterThanOrEqual(0);
            if (metric === "error_rate") expect(value).toBeLessThanOrEqual(1);
          }
        }
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("still reads every well-formed exposition it is given", () => {
    fc.assert(
      fc.property(validExposition, (text) => {
        const families = parseExposition(text);
        const sample = originSampleOf(families, 0);
        expect(Object.keys(sample.requests)).toHaveLength(2);
        expect(sample.cpu).toBeDefined();
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  // Each of these was, or could have been, worse than linear in a regex or a loop; at 2 MB a
  // quadratic step would run for hours and fail the test by its timeout.
  const TWO_MB = 2 * 1024 * 1024;
  const pathological: [string, (n: number) => string][] = [
    ["a huge number followed by garbage", (n) => `a ${"1".repeat(n)}x`],
    ["a huge number", (n) => `a ${"1".repeat(n)}`],
    ["a huge exponent followed by garbage", (n) => `a 1e${"1".repeat(n)}x`],
    ["a huge timestamp followed by garbage", (n) => `a 1 ${"1".repeat(n)}.x`],
    [
      "one sample with a quarter million labels",
      (n) => `a{${Array.from({ length: Math.floor(n / 10) }, (_, i) => `l${i}="v"`).join(",")}} 1`,
    ],
    ["a label value of escapes", (n) => `a{l="${"\\\\".repeat(n / 2)}"} 1`],
    ["an unterminated label value", (n) => `a{l="${"x".repeat(n)}`],
    ["a run of opening braces", (n) => `a${"{".repeat(n)}`],
    ["spaces everywhere", (n) => `a{${" ".repeat(n / 2)}}${" ".repeat(n / 2)}1`],
    ["exemplar markers", (n) => `a 1 ${" # ".repeat(n / 3)}`],
    ["a HELP text of escapes", (n) => `# HELP a ${"\\n".repeat(n / 2)}`],
    ["a comment of spaces before TYPE", (n) => `#${" ".repeat(n)}TYPE`],
    ["quoted metric names", (n) => `{${'"a",'.repeat(n / 4)}} 1`],
    [
      "a hundred thousand lines",
      (n) => Array.from({ length: Math.floor(n / 20) }, (_, i) => `m${i % 50}{k="${i}"} ${i}`).join("\n"),
    ],
    [
      "fifty thousand families",
      (n) =>
        Array.from({ length: Math.floor(n / 40) }, (_, i) => `# TYPE f${i} counter\nf${i}_total ${i}`).join(
          "\n",
        ),
    ],
    ["CRLF line ends", (n) => "a 1\r\n".repeat(n / 5)],
  ];
  it.each(pathological)("parses or refuses 2 MB of %s without a hang", (_label, make) => {
    const text = make(TWO_MB);
    try {
      parseExposition(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ExpositionError);
    }
  });
});
