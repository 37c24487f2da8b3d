/**
 * The exposition parser's case table: the inputs of Prometheus's own parser tests and what
 * Prometheus does with them (facts, restated here in our own words and data):
 *
 * - `expfmt`: prometheus/common expfmt/text_parse_test.go (the client library's parser, which
 *   `promtool check metrics` runs). Where it is stricter than the scrape (a second HELP, a TYPE
 *   after samples, a `le` that is not a number, a negative bucket), the case records what the
 *   Prometheus scrape does, and `note` says where promtool differs.
 * - `promparse`: prometheus/prometheus model/textparse/promparse_test.go (the scrape's text parser).
 * - `openmetrics`: prometheus/prometheus model/textparse/openmetricsparse_test.go.
 *
 * A case is accepted (`samples`: name, labels, value, timestamp of every sample, in order) or
 * rejected (`error`: the line and a pattern the message must match, saying what is wrong).
 * Every case was also scraped by Debian's Prometheus 2.42 (a stub server answering each input
 * with its format's Content-Type); it agrees on all but what changed in Prometheus 3, which the
 * table follows: quoted (UTF-8) names, a raw line break in a label value (2.42 accepts it), an
 * exemplar on a summary's or histogram's _count/_sum (2.42 refuses it).
 */
import type { ExpositionFormat } from "./exposition-format.ts";

export type ExpectedSample = [
  name: string,
  labels: Record<string, string>,
  value: number,
  timestamp?: number,
];

export type ExpositionCase = {
  source: string;
  format: ExpositionFormat;
  input: string | Uint8Array;
  samples?: ExpectedSample[];
  error?: { line: number; says: RegExp };
  note?: string;
  /** What Prometheus 2 (Debian's 2.42) does where it differs from the table (Prometheus 3). */
  prometheus2?: "accepts" | "refuses";
};

/** Bytes from text and raw byte values (for input that is not UTF-8). */
function bytes(...parts: (string | number)[]): Uint8Array {
  const encoder = new TextEncoder();
  return Uint8Array.from(parts.flatMap((p) => (typeof p === "number" ? [p] : [...encoder.encode(p)])));
}
const s = (name: string, value: number, labels: Record<string, string> = {}, t?: number): ExpectedSample =>
  t === undefined ? [name, labels, value] : [name, labels, value, t];
const ok = (source: string, input: string | Uint8Array, samples: ExpectedSample[], note?: string) => ({
  source,
  format: "text" as const,
  input,
  samples,
  ...(note ? { note } : {}),
});
const bad = (source: string, input: string | Uint8Array, line: number, says: RegExp, note?: string) => ({
  source,
  format: "text" as const,
  input,
  error: { line, says },
  ...(note ? { note } : {}),
});
const om = (c: ExpositionCase): ExpositionCase => ({ ...c, format: "openmetrics" });
const NOT_A_NUMBER = /not a number|is refused/;

const HISTOGRAM = (type: string, count = "2693", bucket120 = "412") => `
# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds ${type}
request_duration_microseconds_bucket{le="100"} 123
request_duration_microseconds_bucket{le="120"} ${bucket120}
request_duration_microseconds_bucket{le="144"} 592
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count ${count}
`;
const histogramSamples = (count: number, bucket120 = 412): ExpectedSample[] => [
  s("request_duration_microseconds_bucket", 123, { le: "100" }),
  s("request_duration_microseconds_bucket", bucket120, { le: "120" }),
  s("request_duration_microseconds_bucket", 592, { le: "144" }),
  s("request_duration_microseconds_bucket", 1524, { le: "172.8" }),
  s("request_duration_microseconds_bucket", 2693, { le: "+Inf" }),
  s("request_duration_microseconds_sum", 1756047.3),
  s("request_duration_microseconds_count", count),
];

const expfmtAccepted: ExpositionCase[] = [
  ok("expfmt parse #0: empty lines", "\n\n", []),
  ok(
    "expfmt parse #1: minimal",
    "\nminimal_metric 1.234\nanother_metric -3e3 103948\n# Even that:\nno_labels{} 3\n# HELP line for non-existing metric will be ignored.\n",
    [s("minimal_metric", 1.234), s("another_metric", -3000, {}, 103948), s("no_labels", 3)],
  ),
  ok(
    "expfmt parse #2: whitespace, docstrings, escapes",
    String.raw`
# A normal comment.
#
# TYPE name counter
name{labelname="val1",basename="basevalue"} NaN
name {labelname="val2",basename="base\"v\\al\nue"} 0.23 1234567890
# HELP name two-line\n doc  str\\ing

 # HELP  name2  	doc str"ing 2
  #    TYPE    name2 gauge
name2{labelname="val2"	,basename   =   "basevalue2"		} +Inf 54321
name2{ labelname = "val1" , }-Inf
`,
    [
      s("name", Number.NaN, { labelname: "val1", basename: "basevalue" }),
      s("name", 0.23, { labelname: "val2", basename: 'base"v\\al\nue' }, 1234567890),
      s("name2", Number.POSITIVE_INFINITY, { labelname: "val2", basename: "basevalue2" }, 54321),
      s("name2", Number.NEGATIVE_INFINITY, { labelname: "val1" }),
    ],
  ),
  ok("expfmt parse #4: histogram", HISTOGRAM("histogram"), histogramSamples(2693)),
  ok(
    "expfmt parse #5: quoted metric and label names",
    '\n# HELP "my.noncompliant.metric" help text\n# TYPE "my.noncompliant.metric" counter\n{"my.noncompliant.metric","label.name"="value"} 1\n',
    [s("my.noncompliant.metric", 1, { "label.name": "value" })],
  ),
  ok(
    "expfmt parse #6: dots in the name",
    '\n# HELP "name.with.dots" boring help\n# TYPE "name.with.dots" counter\n{"name.with.dots",labelname="val1",basename="basevalue"} 42.0\n{"name.with.dots",labelname="val2",basename="basevalue"} 0.23 1234567890\n',
    [
      s("name.with.dots", 42, { labelname: "val1", basename: "basevalue" }),
      s("name.with.dots", 0.23, { labelname: "val2", basename: "basevalue" }, 1234567890),
    ],
  ),
  bad(
    "expfmt parse #7: dots in the name, no labels, indented",
    '\n\t\t\t\t# HELP "name.with.dots" boring help\n\t\t\t\t# TYPE "name.with.dots" counter\n\t\t\t\t{"name.with.dots"} 42.0\n\t\t\t\t{"name.with.dots"} 0.23 1234567890\n\t\t\t\t',
    4,
    /may not start with a blank/,
    "promtool accepts an indented sample; Prometheus 2.42 reads the blanks into the name and refuses it",
  ),
  ok(
    "expfmt parse #8: special characters in quoted names and values",
    String.raw`# HELP "gauge.name" gauge\ndoc\nstr\"ing
# TYPE "gauge.name" gauge
{"gauge.name","name.1"="val with\nnew line","name*2"="val with \\backslash and \"quotes\""} +Inf
{"gauge.name","name.1"="Björn","name*2"="佖佥"} 3.14e+42
`,
    [
      s("gauge.name", Number.POSITIVE_INFINITY, {
        "name.1": "val with\nnew line",
        "name*2": 'val with \\backslash and "quotes"',
      }),
      s("gauge.name", 3.14e42, { "name.1": "Björn", "name*2": "佖佥" }),
    ],
  ),
  ok(
    "expfmt parse #9: escapes in quoted names",
    String.raw`
# HELP "my\"noncompliant\nmetric\\" help text
# TYPE "my\"noncompliant\nmetric\\" counter
{"my\"noncompliant\nmetric\\","label\"name\n"="value"} 1
`,
    [s('my"noncompliant\nmetric\\', 1, { 'label"name\n': "value" })],
  ),
  ok(
    "expfmt parse #10: the quoted name after a label",
    '\n# TYPE "my.noncompliant.metric" counter\n{labelname="value", "my.noncompliant.metric"} 1\n',
    [s("my.noncompliant.metric", 1, { labelname: "value" })],
  ),
  ok("expfmt parse #11: quoted names alone", '\n{"name.1"} 1\n{"name.2"} 1\n{"name.3"} 1\n', [
    s("name.1", 1),
    s("name.2", 1),
    s("name.3", 1),
  ]),
  ok(
    "expfmt parse #12: float histogram",
    HISTOGRAM("histogram", "2693.9").replace(/ (123|412|592|1524|2693)\n/g, (_, n: string) => ` ${n}.5\n`),
    [
      s("request_duration_microseconds_bucket", 123.5, { le: "100" }),
      s("request_duration_microseconds_bucket", 412.5, { le: "120" }),
      s("request_duration_microseconds_bucket", 592.5, { le: "144" }),
      s("request_duration_microseconds_bucket", 1524.5, { le: "172.8" }),
      s("request_duration_microseconds_bucket", 2693.5, { le: "+Inf" }),
      s("request_duration_microseconds_sum", 1756047.3),
      s("request_duration_microseconds_count", 2693.9),
    ],
  ),
  ok("expfmt parse #13: float count", HISTOGRAM("histogram", "2693.9"), histogramSamples(2693.9)),
  ok(
    "expfmt parse #14: one float bucket",
    HISTOGRAM("histogram", "2693", "412.6"),
    histogramSamples(2693, 412.6),
  ),
];

const expfmtTypeRejected: ExpositionCase[] = ["gaugehistogram", "gauge_histogram"].map((type) =>
  bad(
    `expfmt parse #15-17: TYPE ${type} in the text format`,
    HISTOGRAM(type),
    3,
    /unknown metric type/,
    "promtool accepts it; the scrape's text parser knows counter, gauge, histogram, summary, untyped",
  ),
);

const expfmtErrors: ExpositionCase[] = [
  ok(
    "expfmt error #0: no line break at the end",
    "\nbla 3.14\nblubber 42",
    [s("bla", 3.14), s("blubber", 42)],
    "promtool refuses it; the scrape adds the line break",
  ),
  ok(
    "expfmt error #1: an unknown escape in a label value",
    String.raw`metric{label="\t"} 3.14`,
    [s("metric", 3.14, { label: "\\t" })],
    "promtool refuses it; the scrape keeps the escape as written",
  ),
  bad(
    "expfmt error #2: a line break in a label value",
    '\nmetric{label="new\nline"} 3.14\n',
    2,
    /no closing quote/,
    "Prometheus 2.42 accepts a raw line break there; Prometheus 3 and promtool refuse it",
  ),
  bad("expfmt error #3", 'metric{@="bla"} 3.14', 1, /expected a label name/),
  bad("expfmt error #4", 'metric{__name__="bla"} 3.14', 1, /__name__ is reserved/),
  bad("expfmt error #5", 'metric{label+="bla"} 3.14', 1, /expected "=" after the label name label/),
  bad("expfmt error #6", "metric{label=bla} 3.14", 1, /expected a double-quoted value/),
  ok(
    "expfmt error #7: a quantile that is not a number",
    '\n# TYPE metric summary\nmetric{quantile="bla"} 3.14\n',
    [s("metric", 3.14, { quantile: "bla" })],
    "promtool refuses it; the scrape does not check",
  ),
  bad("expfmt error #8", 'metric{label="bla"+} 3.14', 1, /expected a label name/),
  bad("expfmt error #9", 'metric{label="bla"} 3.14 2.72\n', 1, /end of the line after the timestamp 2/),
  bad("expfmt error #10", 'metric{label="bla"} 3.14 2 3\n', 1, /end of the line after the timestamp 2/),
  bad("expfmt error #11", 'metric{label="bla"} blubb\n', 1, NOT_A_NUMBER),
  ok(
    "expfmt error #12: a second HELP",
    "\n# HELP metric one\n# HELP metric two\n",
    [],
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #13: a second TYPE",
    "\n# TYPE metric counter\n# TYPE metric untyped\n",
    [],
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #14: TYPE after samples",
    "\nmetric 4.12\n# TYPE metric counter\n",
    [s("metric", 4.12)],
    "promtool refuses it; the scrape does not check",
  ),
  bad("expfmt error #15", "\n# TYPE metric bla\n", 2, /unknown metric type "bla"/),
  bad("expfmt error #16", "\n# TYPE met-ric\n", 2, /invalid metric name "met-ric"/),
  bad("expfmt error #17", '@invalidmetric{label="bla"} 3.14 2', 1, /expected a metric name/),
  bad("expfmt error #18", '{label="bla"} 3.14 2', 1, /metric name is missing/),
  ok(
    "expfmt error #19: an le that is not a number",
    '\n# TYPE metric histogram\nmetric_bucket{le="bla"} 3.14\n',
    [s("metric_bucket", 3.14, { le: "bla" })],
    "promtool refuses it; the scrape does not check",
  ),
  bad(
    "expfmt error #20: invalid UTF-8 in a label value",
    bytes('metric{l="', 0xbd, '"} 3.14\n'),
    1,
    /label l is not valid UTF-8/,
  ),
  ...["1_2", "0x1p-3", "0x1P-3", "0B1", "0O1", "0X1", "0x1", "0b1", "0o1"].map((value) =>
    bad(`expfmt error #21-31: value ${value}`, `foo ${value}\n`, 1, /is refused/),
  ),
  ok(
    "expfmt error #32: a hex le",
    '\n# TYPE metric histogram\nmetric_bucket{le="0x1p-3"} 3.14\n',
    [s("metric_bucket", 3.14, { le: "0x1p-3" })],
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #33: a hex quantile",
    '\n# TYPE metric summary\nmetric{quantile="0x1p-3"} 3.14\n',
    [s("metric", 3.14, { quantile: "0x1p-3" })],
    "promtool refuses it; the scrape does not check",
  ),
  bad("expfmt error #34", 'metric{label="bla",label="bla"} 3.14', 1, /label label is given twice/),
  bad("expfmt error #35", '{"one.name","another.name"} 3.14', 1, /metric name is given twice/),
  bad(
    "expfmt error #37",
    '{"metric.name".label="bla"} 3.14',
    1,
    /expected "=" after the label name metric.name/,
  ),
  bad(
    "expfmt error #39: a line break in a quoted name",
    '\n# TYPE "metric\nname" counter\n{"metric\nname",label="bla"} 3.14\n',
    2,
    /no closing quote/,
  ),
  bad(
    "expfmt error #40: a line break in a quoted label name",
    '\n{"metric.name","new\nline"="bla"} 3.14\n',
    2,
    /no closing quote/,
  ),
  ok("expfmt error #41: a dotted name", '{"metric.name",foo="bla"} 3.14\n', [
    s("metric.name", 3.14, { foo: "bla" }),
  ]),
  ok("expfmt error #42: a dotted label name", 'metric_name{"foo"="bar", "dotted.label"="bla"} 3.14\n', [
    s("metric_name", 3.14, { foo: "bar", "dotted.label": "bla" }),
  ]),
  ok(
    "expfmt error #43: a negative histogram count",
    HISTOGRAM("histogram", "-2693"),
    histogramSamples(-2693),
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #44: a negative bucket",
    HISTOGRAM("histogram", "2693", "-412"),
    histogramSamples(2693, -412),
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #45: a negative float count",
    HISTOGRAM("histogram", "-2693.123"),
    histogramSamples(-2693.123),
    "promtool refuses it; the scrape does not check",
  ),
  ok(
    "expfmt error #46: a negative float bucket",
    HISTOGRAM("histogram", "2693", "-412.456"),
    histogramSamples(2693, -412.456),
    "promtool refuses it; the scrape does not check",
  ),
  bad("expfmt error #47", "{} 3.14", 1, /metric name is missing/),
];

const missingNames: ExpositionCase[] = [
  "",
  "#TYPE A000000 summArY\n",
  "# TYPE metric histogram\n",
  "# HELP metric Help text.\n",
  "metric 1\n",
  '{"metric"} 1\n',
].flatMap((prefix) =>
  ["{}", "{} 2\n", '{label="value"} 2\n', '{label="value",} 2\n'].map((sample) =>
    bad(
      `expfmt missing metric name: ${JSON.stringify(prefix + sample)}`,
      prefix + sample,
      prefix === "" ? 1 : 2,
      /metric name is missing/,
    ),
  ),
);

const promparseInput =
  String.raw`# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# 	TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
go_gc_duration_seconds{quantile="0.8", a="b"} 8.3835e-05
go_gc_duration_seconds{ quantile="0.9", a="b"} 8.3835e-05
# Hrandom comment starting with prefix of HELP
#
wind_speed{A="2",c="3"} 12345
# comment with escaped \n newline
# comment with escaped \ escape character
# HELP nohelp1
# HELP nohelp2 
go_gc_duration_seconds{ quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile= "1.0", a= "b", } 8.3835e-05
go_gc_duration_seconds { quantile = "1.0", a = "b" } 8.3835e-05
go_gc_duration_seconds { quantile = "2.0" a = "b" } 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"}	1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33  	123123
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1` + '\n# HELP metric foo\x00bar\nnull_byte_metric{a="abc\x00"} 1';
const gc = "go_gc_duration_seconds";
const promparseCases: ExpositionCase[] = [
  ok("promparse TestPromParse", promparseInput, [
    s(gc, 4.9351e-5, { quantile: "0" }),
    s(gc, 7.424100000000001e-5, { quantile: "0.25" }),
    s(gc, 8.3835e-5, { quantile: "0.5", a: "b" }),
    s(gc, 8.3835e-5, { quantile: "0.8", a: "b" }),
    s(gc, 8.3835e-5, { quantile: "0.9", a: "b" }),
    s("wind_speed", 12345, { A: "2", c: "3" }),
    ...Array.from({ length: 4 }, () => s(gc, 8.3835e-5, { quantile: "1.0", a: "b" })),
    s(gc, 8.3835e-5, { quantile: "2.0", a: "b" }),
    s(`${gc}_count`, 99),
    s("some:aggregate:rate5m", 1, { a_b: "c" }),
    s("go_goroutines", 33, {}, 123123),
    s("_metric_starting_with_underscore", 1),
    s("testmetric", 1, { _label_starting_with_underscore: "foo" }),
    s("testmetric", 1, { label: '"bar"' }),
    s("null_byte_metric", 1, { a: "abc\x00" }),
  ]),
  ok(
    "promparse TestUTF8PromParse",
    String.raw`# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# 	TYPE "go.gc_duration_seconds" summary
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25",} 7.424100000000001e-05
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{ "go.gc_duration_seconds", quantile = "1.0", a = "b" } 8.3835e-05
{"go.gc_duration_seconds_count"} 99
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0`,
    [
      s("go.gc_duration_seconds", 4.9351e-5, { quantile: "0" }),
      s("go.gc_duration_seconds", 7.424100000000001e-5, { quantile: "0.25" }),
      s("go.gc_duration_seconds", 8.3835e-5, { quantile: "0.5", a: "b" }),
      s("go.gc_duration_seconds", 8.3835e-5, { quantile: "1.0", a: "b" }),
      s("go.gc_duration_seconds_count", 99),
      s('Heizölrückstoßabdämpfung 10€ metric with "interesting" {character\nchoices}', 10, {
        "strange©™\n'quoted' \"name\"": "6",
      }),
    ],
  ),
  bad("promparse error: a name alone", "a", 1, /expected a value/),
  bad("promparse error: single quotes", "a{b='c'} 1\n", 1, /double-quoted value/),
  bad("promparse error: no label value", "a{b=\n", 1, /double-quoted value/),
  bad(
    "promparse error: a label name not UTF-8",
    bytes("a{", 0xff, '="foo"} 1\n'),
    1,
    /expected a label name/,
  ),
  bad("promparse error: a label value not UTF-8", bytes('a{b="', 0xff, '"} 1\n'), 1, /not valid UTF-8/),
  bad("promparse error: a quote inside a quoted label name", '{"a", "b = "c"}', 1, /expected "="/),
  bad("promparse error: a backslash in a label name", String.raw`{"a",b\nc="d"} 1`, 1, /expected "="/),
  bad("promparse error: true", "a true\n", 1, NOT_A_NUMBER),
  bad("promparse error: an open label value", 'something_weird{problem="', 1, /no closing quote/),
  bad("promparse error: an empty label name", 'empty_label_name{=""} 0', 1, /expected a label name/),
  bad("promparse error: 1_2", "foo 1_2\n", 1, /is refused/),
  bad("promparse error: 0x1p-3", "foo 0x1p-3\n", 1, /is refused/),
  bad("promparse error: 0x1P-3", "foo 0x1P-3\n", 1, /is refused/),
  bad("promparse error: timestamp 1_2", "foo 0 1_2\n", 1, /end of the line after the timestamp 1/),
  bad("promparse error: no name", '{a="ok"} 1', 1, /metric name is missing/),
  bad("promparse error: # TYPE #", "# TYPE #\n#EOF\n", 1, /expected a metric name after # TYPE/),
  bad("promparse error: # HELP #", "# HELP #\n#EOF\n", 1, /expected a metric name after # HELP/),
  ok("promparse null byte: in a value", 'null_byte_metric{a="abc\x00"} 1', [
    s("null_byte_metric", 1, { a: "abc\x00" }),
  ]),
  ok("promparse null byte: leading", 'a{b="\x00ss"} 1\n', [s("a", 1, { b: "\x00ss" })]),
  ok("promparse null byte: alone", 'a{b="\x00"} 1\n', [s("a", 1, { b: "\x00" })]),
  bad("promparse null byte: before the quote", 'a{b=\x00"ssss"} 1\n', 1, /double-quoted value/),
  bad("promparse null byte: unterminated", 'a{b="\x00', 1, /no closing quote/),
  bad("promparse null byte: in a label name", 'a{b\x00="hiih"}\t1', 1, /expected "="/),
  bad("promparse null byte: after the name", 'a\x00{b="ddd"} 1', 1, NOT_A_NUMBER),
  bad("promparse null byte: after the timestamp", "a 0 1\x00", 1, /end of the line after the timestamp/),
];

const expfmtEvilSummary: ExpositionCase = bad(
  "expfmt parse #3: summaries mixed with other types, a negative timestamp",
  `
# TYPE my_summary summary
my_summary{n1="val1",quantile="0.5"} 110
decoy -1 -2
my_summary{n1="val1",quantile="0.9"} 140 1
`,
  4,
  /expected a timestamp/,
  "promtool accepts a negative timestamp; the scrape's text parser reads only digits there",
);
const expfmtEvilSummaryRest: ExpositionCase = ok(
  "expfmt parse #3 (after the negative timestamp, unindented): trailing commas, bare # HELP",
  `
my_summary_count{n1="val1"} 42
# Latest timestamp wins in case of a summary.
my_summary_sum{n1="val1"} 4711 2
fake_sum{n1="val1"} 2001
# TYPE another_summary summary
another_summary_count{n2="val2",n1="val1"} 20
my_summary_count{n2="val2",n1="val1"} 5 5
another_summary{n1="val1",n2="val2",quantile=".3"} -1.2
my_summary_sum{n1="val2"} 08 15
my_summary{n1="val3", quantile="0.2"} 4711
my_summary{n1="val1",n2="val2",quantile="-12.34",} NaN
# some
# funny comments
# HELP
# HELP
# HELP my_summary
# HELP my_summary
`,
  [
    s("my_summary_count", 42, { n1: "val1" }),
    s("my_summary_sum", 4711, { n1: "val1" }, 2),
    s("fake_sum", 2001, { n1: "val1" }),
    s("another_summary_count", 20, { n2: "val2", n1: "val1" }),
    s("my_summary_count", 5, { n2: "val2", n1: "val1" }, 5),
    s("another_summary", -1.2, { n1: "val1", n2: "val2", quantile: ".3" }),
    s("my_summary_sum", 8, { n1: "val2" }, 15),
    s("my_summary", 4711, { n1: "val3", quantile: "0.2" }),
    s("my_summary", Number.NaN, { n1: "val1", n2: "val2", quantile: "-12.34" }),
  ],
);

const omInput =
  String.raw`# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
# UNIT go_gc_duration_seconds seconds
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25"} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
# HELP nohelp1 
# HELP help2 escape \ \n \\ \" \x chars
# UNIT nounit 
go_gc_duration_seconds{quantile="1.0",a="b"} 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"} 1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33 123.123
# TYPE hh histogram
hh_bucket{le="+Inf"} 1
# TYPE gh gaugehistogram
gh_bucket{le="+Inf"} 1
# TYPE hhh histogram
hhh_bucket{le="+Inf"} 1 # {id="histogram-bucket-test"} 4
hhh_count 1 # {id="histogram-count-test"} 4
# TYPE ggh gaugehistogram
ggh_bucket{le="+Inf"} 1 # {id="gaugehistogram-bucket-test",xx="yy"} 4 123.123
ggh_count 1 # {id="gaugehistogram-count-test",xx="yy"} 4 123.123
# TYPE smr_seconds summary
smr_seconds_count 2.0 # {id="summary-count-test"} 1 123.321
smr_seconds_sum 42.0 # {id="summary-sum-test"} 1 123.321
# TYPE ii info
ii{foo="bar"} 1
# TYPE ss stateset
ss{ss="foo"} 1
ss{ss="bar"} 0
ss{A="a"} 0
# TYPE un unknown
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1
# HELP foo Counter with and without labels to certify CT is parsed for both cases
# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
foo_created 1520872607.123
foo_total{a="b"} 17.0 1520879607.789 # {id="counter-test"} 5
foo_created{a="b"} 1520872607.123
# TYPE baz histogram
baz_bucket{le="0.0"} 0
baz_bucket{le="+Inf"} 17
baz_count 17
baz_sum 324789.3
baz_created 1520872609.125
# TYPE fizz_created gauge
fizz_created 17.0` + '\n# HELP metric foo\x00bar\nnull_byte_metric{a="abc\x00"} 1\n# EOF\n';

const openMetricsCases: ExpositionCase[] = [
  om(
    ok(
      "openmetrics TestOpenMetricsParse",
      omInput,
      [
        s(gc, 4.9351e-5, { quantile: "0" }),
        s(gc, 7.424100000000001e-5, { quantile: "0.25" }),
        s(gc, 8.3835e-5, { quantile: "0.5", a: "b" }),
        s(gc, 8.3835e-5, { quantile: "1.0", a: "b" }),
        s(`${gc}_count`, 99),
        s("some:aggregate:rate5m", 1, { a_b: "c" }),
        s("go_goroutines", 33, {}, 123123),
        s("hh_bucket", 1, { le: "+Inf" }),
        s("gh_bucket", 1, { le: "+Inf" }),
        s("hhh_bucket", 1, { le: "+Inf" }),
        s("hhh_count", 1),
        s("ggh_bucket", 1, { le: "+Inf" }),
        s("ggh_count", 1),
        s("smr_seconds_count", 2),
        s("smr_seconds_sum", 42),
        s("ii", 1, { foo: "bar" }),
        s("ss", 1, { ss: "foo" }),
        s("ss", 0, { ss: "bar" }),
        s("ss", 0, { A: "a" }),
        s("_metric_starting_with_underscore", 1),
        s("testmetric", 1, { _label_starting_with_underscore: "foo" }),
        s("testmetric", 1, { label: '"bar"' }),
        s("foo_total", 17, {}, 1520879607789),
        s("foo_created", 1520872607.123),
        s("foo_total", 17, { a: "b" }, 1520879607789),
        s("foo_created", 1520872607.123, { a: "b" }),
        s("baz_bucket", 0, { le: "0.0" }),
        s("baz_bucket", 17, { le: "+Inf" }),
        s("baz_count", 17),
        s("baz_sum", 324789.3),
        s("baz_created", 1520872609.125),
        s("fizz_created", 17),
        s("null_byte_metric", 1, { a: "abc\x00" }),
      ],
      'Prometheus 3 also rewrites le and quantile values to float form ("0" as "0.0")',
    ),
  ),
  om(
    ok(
      "openmetrics TestUTF8OpenMetricsParse",
      String.raw`# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
# UNIT "go.gc_duration_seconds" seconds
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds_created"} 1520872607.123
{q="0.9","http.status",a="b"} 8.3835e-05
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0
quotedexemplar_count 1 # {"id.thing"="histogram-count-test"} 4
quotedexemplar2_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
# EOF
`,
      [
        s("go.gc_duration_seconds", 4.9351e-5, { quantile: "0" }),
        s("go.gc_duration_seconds_created", 1520872607.123),
        s("http.status", 8.3835e-5, { q: "0.9", a: "b" }),
        s('Heizölrückstoßabdämpfung 10€ metric with "interesting" {character\nchoices}', 10, {
          "strange©™\n'quoted' \"name\"": "6",
        }),
        s("quotedexemplar_count", 1),
        s("quotedexemplar2_count", 1),
      ],
    ),
  ),
  om(ok("openmetrics: # EOF alone", "# EOF", [])),
  om(ok("openmetrics: # EOF and a line break", "# EOF\n", [])),
  om(bad("openmetrics error: empty", "", 1, /does not end with # EOF/)),
  om(bad("openmetrics error: a blank line", "\n", 1, /no blank line/)),
  om(bad("openmetrics error: a name alone", "metric", 1, /expected one space and a value/)),
  om(bad("openmetrics error: no # EOF", "metric 1", 1, /does not end with # EOF/)),
  om(bad("openmetrics error: no # EOF after a line break", "metric 1\n", 1, /does not end with # EOF/)),
  om(
    bad(
      "openmetrics error: no # EOF after an exemplar",
      'metric_total 1 # {aa="bb"} 4',
      1,
      /does not end with # EOF/,
    ),
  ),
  om(bad("openmetrics error: a name alone before #EOF", "a\n#EOF\n", 1, /expected one space and a value/)),
  om(bad("openmetrics error: blank lines", "\n\n#EOF\n", 1, /no blank line/)),
  om(bad("openmetrics error: a leading space", " a 1\n#EOF\n", 1, /no blank at the start/)),
  om(bad("openmetrics error: a digit", "9\n#EOF\n", 1, /expected a metric name/)),
  om(bad("openmetrics error: TYPE untyped", "# TYPE u untyped\n#EOF\n", 1, /unknown metric type "untyped"/)),
  om(
    bad(
      "openmetrics error: a space after the type",
      "# TYPE c counter \n#EOF\n",
      1,
      /unknown metric type "counter "/,
    ),
  ),
  om(bad("openmetrics error: two spaces before TYPE", "#  TYPE c counter\n#EOF\n", 1, /no other comments/)),
  om(
    bad(
      "openmetrics error: TYPE without a name",
      "# TYPE \n#EOF\n",
      1,
      /expected a metric name after # TYPE/,
    ),
  ),
  om(
    bad(
      "openmetrics error: TYPE without a type",
      "# TYPE m\n#EOF\n",
      1,
      /expected a space and a text after the name in # TYPE/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a unit that is not the name's end",
      "# UNIT metric suffix\n#EOF\n",
      1,
      /unit "suffix" is not the end/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a unit without _",
      "# UNIT metricsuffix suffix\n#EOF\n",
      1,
      /unit "suffix" is not the end/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a unit longer than the name",
      "# UNIT m suffix\n#EOF\n",
      1,
      /unit "suffix" is not the end/,
    ),
  ),
  om(
    bad(
      "openmetrics error: UNIT without a name",
      "# UNIT \n#EOF\n",
      1,
      /expected a metric name after # UNIT/,
    ),
  ),
  om(bad("openmetrics error: UNIT without a unit", "# UNIT m\n#EOF\n", 1, /after the name in # UNIT/)),
  om(
    bad(
      "openmetrics error: HELP without a name",
      "# HELP \n#EOF\n",
      1,
      /expected a metric name after # HELP/,
    ),
  ),
  om(bad("openmetrics error: HELP without a text", "# HELP m\n#EOF\n", 1, /after the name in # HELP/)),
  om(bad("openmetrics error: a tab before the value", "a\t1\n#EOF\n", 1, /expected one space and a value/)),
  om(bad("openmetrics error: a tab inside the value", "a 1\t2\n#EOF\n", 1, NOT_A_NUMBER)),
  om(bad("openmetrics error: a space after the timestamp", "a 1 2 \n#EOF\n", 1, /exemplar|end of the line/)),
  om(bad("openmetrics error: # after the timestamp", "a 1 2 #\n#EOF\n", 1, /exemplar|end of the line/)),
  om(bad("openmetrics error: a timestamp 1z", "a 1 1z\n#EOF\n", 1, NOT_A_NUMBER)),
  om(bad("openmetrics error: a space before # EOF", " # EOF\n", 1, /no blank at the start/)),
  om(bad("openmetrics error: a sample after # EOF", "# EOF\na 1", 2, /after # EOF/)),
  om(bad("openmetrics error: a blank line after # EOF", "# EOF\n\n", 2, /after # EOF/)),
  om(bad("openmetrics error: text after # EOF", "# EOFa 1", 1, /after # EOF/)),
  om(bad("openmetrics error: a tab after #", "#\tTYPE c counter\n", 1, /no other comments/)),
  om(
    bad(
      "openmetrics error: two spaces before the type",
      "# TYPE c  counter\n",
      1,
      /unknown metric type " counter"/,
    ),
  ),
  om(bad("openmetrics error: two timestamps", "a 1 1 1\n# EOF\n", 1, /exemplar|end of the line/)),
  om(bad("openmetrics error: single quotes", "a{b='c'} 1\n# EOF\n", 1, /double-quoted value/)),
  om(bad("openmetrics error: a leading comma", 'a{,b="c"} 1\n# EOF\n', 1, /expected a label name/)),
  om(bad("openmetrics error: no comma between labels", 'a{b="c"d="e"} 1\n# EOF\n', 1, /expected "," or "}"/)),
  om(bad("openmetrics error: two commas", 'a{b="c",,d="e"} 1\n# EOF\n', 1, /expected a label name/)),
  om(bad("openmetrics error: no label value", "a{b=\n# EOF\n", 1, /double-quoted value/)),
  om(
    bad(
      "openmetrics error: a label name not UTF-8",
      bytes("a{", 0xff, '="foo"} 1\n# EOF\n'),
      1,
      /expected a label name/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a label value not UTF-8",
      bytes('a{b="', 0xff, '"} 1\n# EOF\n'),
      1,
      /not valid UTF-8/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a quote inside a quoted label name",
      '{"a","b = "c"}\n# EOF\n',
      1,
      /expected "="/,
    ),
  ),
  om(
    bad(
      "openmetrics error: a backslash in a label name",
      String.raw`{"a",b\nc="d"} 1` + "\n# EOF\n",
      1,
      /expected "="/,
    ),
  ),
  om(bad("openmetrics error: true", "a true\n", 1, NOT_A_NUMBER)),
  om(
    bad(
      "openmetrics error: an open label value",
      'something_weird{problem="\n# EOF\n',
      1,
      /no closing quote/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an empty label name",
      'empty_label_name{=""} 0\n# EOF\n',
      1,
      /expected a label name/,
    ),
  ),
  om(bad("openmetrics error: 1_2", "foo 1_2\n\n# EOF\n", 1, /is refused/)),
  om(bad("openmetrics error: 0x1p-3", "foo 0x1p-3\n\n# EOF\n", 1, /is refused/)),
  om(bad("openmetrics error: 0x1P-3", "foo 0x1P-3\n\n# EOF\n", 1, /is refused/)),
  om(bad("openmetrics error: timestamp 1_2", "foo 0 1_2\n\n# EOF\n", 1, /is refused/)),
  om(
    bad(
      "openmetrics error: an unquoted exemplar value",
      "custom_metric_total 1 # {aa=bb}\n# EOF\n",
      1,
      /double-quoted value/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an exemplar without a value",
      'custom_metric_total 1 # {aa="bb"}\n# EOF\n',
      1,
      /value after the exemplar/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an exemplar without a value at the end",
      'custom_metric_total 1 # {aa="bb"}',
      1,
      /value after the exemplar/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an exemplar label without a value",
      "custom_metric_total 1 # {bb}",
      1,
      /expected "="/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an exemplar label without a value, then more",
      'custom_metric_total 1 # {bb, a="dd"}',
      1,
      /expected "="/,
    ),
  ),
  om(
    bad(
      "openmetrics error: two commas in an exemplar",
      'custom_metric_total 1 # {aa="bb",,cc="dd"} 1',
      1,
      /expected a label name/,
    ),
  ),
  om(bad("openmetrics error: exemplar value 1_2", 'custom_metric_total 1 # {aa="bb"} 1_2', 1, /is refused/)),
  om(
    bad(
      "openmetrics error: exemplar value 0x1p-3",
      'custom_metric_total 1 # {aa="bb"} 0x1p-3',
      1,
      /is refused/,
    ),
  ),
  om(
    bad("openmetrics error: exemplar value true", 'custom_metric_total 1 # {aa="bb"} true', 1, NOT_A_NUMBER),
  ),
  om(
    bad(
      "openmetrics error: an empty exemplar label value",
      'custom_metric_total 1 # {aa="bb",cc=}',
      1,
      /double-quoted value/,
    ),
  ),
  om(
    bad(
      "openmetrics error: an escaped quote in an exemplar",
      String.raw`custom_metric_total 1 # {aa=\"\xff\"} 9.0`,
      1,
      /double-quoted value/,
    ),
  ),
  om(bad("openmetrics error: no name", '{b="c",} 1', 1, /metric name is missing/)),
  om(bad("openmetrics error: timestamp NaN", "a 1 NaN", 1, /not a finite number/)),
  om(bad("openmetrics error: timestamp -Inf", "a 1 -Inf", 1, /not a finite number/)),
  om(bad("openmetrics error: timestamp Inf", "a 1 Inf", 1, /not a finite number/)),
  om(
    bad(
      "openmetrics error: exemplar timestamp NaN",
      '# TYPE hhh histogram\nhhh_bucket{le="+Inf"} 1 # {aa="bb"} 4 NaN',
      2,
      /exemplar timestamp NaN is not a finite/,
    ),
  ),
  om(
    bad(
      "openmetrics error: exemplar timestamp -Inf",
      '# TYPE hhh histogram\nhhh_bucket{le="+Inf"} 1 # {aa="bb"} 4 -Inf',
      2,
      /exemplar timestamp -Inf is not a finite/,
    ),
  ),
  om(
    ok("openmetrics null byte: in a value", 'null_byte_metric{a="abc\x00"} 1\n# EOF\n', [
      s("null_byte_metric", 1, { a: "abc\x00" }),
    ]),
  ),
  om(ok("openmetrics null byte: leading", 'a{b="\x00ss"} 1\n# EOF\n', [s("a", 1, { b: "\x00ss" })])),
  om(ok("openmetrics null byte: alone", 'a{b="\x00"} 1\n# EOF\n', [s("a", 1, { b: "\x00" })])),
  om(
    ok("openmetrics null byte: alone, no final line break", 'a{b="\x00"} 1\n# EOF', [
      s("a", 1, { b: "\x00" }),
    ]),
  ),
  om(bad("openmetrics null byte: before the quote", 'a{b=\x00"ssss"} 1\n# EOF\n', 1, /double-quoted value/)),
  om(bad("openmetrics null byte: unterminated", 'a{b="\x00', 1, /no closing quote/)),
  om(bad("openmetrics null byte: in a label name", 'a{b\x00="hiih"}\t1', 1, /expected "="/)),
  om(bad("openmetrics null byte: after the name", 'a\x00{b="ddd"} 1', 1, /expected one space and a value/)),
  om(bad("openmetrics null byte: #", "#", 1, /no other comments/)),
  om(bad("openmetrics null byte: # H", "# H", 1, /no other comments/)),
  om(
    bad(
      "openmetrics null byte: before an exemplar quote",
      'custom_metric_total 1 # {b=\x00"ssss"} 1\n',
      1,
      /double-quoted value/,
    ),
  ),
  om(
    bad(
      "openmetrics null byte: in an exemplar value",
      'custom_metric_total 1 # {b="\x00ss"} 1\n',
      1,
      /does not end with # EOF/,
    ),
  ),
  om(
    ok(
      "openmetrics TestCTParseFailures: _created first",
      '# HELP thing histogram with _created as first line\n# TYPE thing histogram\nthing_created 1520872607.123\nthing_count 17\nthing_sum 324789.3\nthing_bucket{le="0.0"} 0\nthing_bucket{le="+Inf"} 17\n# HELP thing_c counter with _created as first line\n# TYPE thing_c counter\nthing_c_created 1520872607.123\nthing_c_total 14123.232\n# EOF\n',
      [
        s("thing_created", 1520872607.123),
        s("thing_count", 17),
        s("thing_sum", 324789.3),
        s("thing_bucket", 0, { le: "0.0" }),
        s("thing_bucket", 17, { le: "+Inf" }),
        s("thing_c_created", 1520872607.123),
        s("thing_c_total", 14123.232),
      ],
    ),
  ),
  om(
    ok(
      "openmetrics TestCTParseFailures: a counter without metadata",
      'foo_total 17.0\nfoo_created 1520872607.123\nfoo_total{a="b"} 17.0\nfoo_created{a="b"} 1520872608.123\n# EOF\n',
      [
        s("foo_total", 17),
        s("foo_created", 1520872607.123),
        s("foo_total", 17, { a: "b" }),
        s("foo_created", 1520872608.123, { a: "b" }),
      ],
    ),
  ),
];

/** The issue's own findings against this parser (the disagreements it fixed). */
const disagreements: ExpositionCase[] = [
  ok("issue 27: a space before {", 'name {a="b"} 1', [s("name", 1, { a: "b" })]),
  ok("issue 27: no space after }", 'name{a="b"}-Inf', [s("name", Number.NEGATIVE_INFINITY, { a: "b" })]),
  ok("issue 27: a comment with leading blanks", " # HELP x y\n\t# just a comment\nx 1", [s("x", 1)]),
  bad(
    "expfmt parse #3: an indented sample",
    '  my_summary{n1="val1",quantile="-12.34",} NaN',
    1,
    /may not start with a blank/,
    "promtool accepts it; Prometheus 2.42 refuses it (the blanks become part of the name)",
  ),
  bad("issue 27: a hex value", "foo 0x1F", 1, /is refused/),
  bad(
    "issue 27: a fractional timestamp in the text format",
    "foo 1 1700000000.5",
    1,
    /end of the line after the timestamp 1700000000/,
  ),
  bad(
    "issue 27: a text after the value (no exemplars in the text format)",
    'foo_total 7 # {trace_id="abc"} 1',
    1,
    /expected a timestamp/,
  ),
  bad("issue 27: a TYPE with a bad name", "# TYPE met-ric gauge", 1, /invalid metric name "met-ric"/),
  bad("issue 27: a TYPE with no type", "# TYPE metric", 1, /unknown metric type ""/),
  bad("a value too large for a float64", "foo 1e400", 1, /too large/),
  bad("CRLF line ends", "a 1\r\nb 2\r\n", 1, /carriage return/),
];

/** The cases Prometheus 2.42 decides otherwise, all changes of Prometheus 3: quoted (UTF-8)
 * names, which 2.42 refuses; an exemplar on a summary's _count/_sum, which 2.42 refuses; a raw
 * line break inside a label value, which 2.42 accepts. */
const PROMETHEUS_2: Record<string, "accepts" | "refuses"> = {
  "expfmt parse #5: quoted metric and label names": "refuses",
  "expfmt parse #6: dots in the name": "refuses",
  "expfmt parse #8: special characters in quoted names and values": "refuses",
  "expfmt parse #9: escapes in quoted names": "refuses",
  "expfmt parse #10: the quoted name after a label": "refuses",
  "expfmt parse #11: quoted names alone": "refuses",
  "expfmt error #41: a dotted name": "refuses",
  "expfmt error #42: a dotted label name": "refuses",
  "promparse TestUTF8PromParse": "refuses",
  "openmetrics TestUTF8OpenMetricsParse": "refuses",
  "openmetrics TestOpenMetricsParse": "refuses",
  "expfmt error #2: a line break in a label value": "accepts",
};

/** Every case, in the order above. */
export const EXPOSITION_CASES: ExpositionCase[] = [
  ...expfmtAccepted,
  expfmtEvilSummary,
  expfmtEvilSummaryRest,
  ...expfmtTypeRejected,
  ...expfmtErrors,
  ...missingNames,
  ...promparseCases,
  ...openMetricsCases,
  ...disagreements,
].map((c) => (PROMETHEUS_2[c.source] ? { ...c, prometheus2: PROMETHEUS_2[c.source] } : c));
