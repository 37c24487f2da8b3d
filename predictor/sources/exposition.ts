/**
 * A parser for what Prometheus scrapes: the text exposition format 0.0.4 and OpenMetrics 1.0,
 * accepting exactly what Prometheus's own parsers accept (model/textparse promparse and
 * openmetricsparse, plus the checks its scrape loop adds: no label given twice, no `__name__`
 * label, label values and HELP texts in UTF-8) with the same values. The case table in
 * exposition.test.ts holds the upstream parsers' test inputs and outcomes. Written here because
 * the one npm parser (parse-prometheus-text-format) has been unmaintained since 2019 with
 * histogram-label bugs open. Like Prometheus, one malformed line fails the whole scrape; the
 * error names the line and what is wrong in it.
 */
import type { ExpositionFormat } from "./exposition-format.ts";
import { ExpositionError, LineCursor, METRIC_NAME } from "./exposition-line.ts";
import { floatProblem, parseGoFloat } from "./go-float.ts";

export { ExpositionError } from "./exposition-line.ts";
export { parseGoFloat } from "./go-float.ts";
export type { ExpositionFormat } from "./exposition-format.ts";

export type MetricType =
  | "counter"
  | "gauge"
  | "histogram"
  | "summary"
  | "untyped"
  | "gaugehistogram"
  | "info"
  | "stateset"
  | "unknown";

/** One sample line: full sample name (`x_bucket` for a histogram's bucket), labels, value. */
export type Sample = { name: string; labels: Record<string, string>; value: number; timestamp?: number };

/** A metric family: its `# TYPE`, `# HELP` and samples (histogram/summary samples included). */
export type MetricFamily = { name: string; type: MetricType; help?: string; samples: Sample[] };

/** How to read an exposition: its format (from the Content-Type) and whether its bytes were UTF-8. */
export type ParseOptions = { format?: ExpositionFormat; invalidUtf8?: boolean };

const TEXT_TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const OPENMETRICS_TYPES = new Set([
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
  "unknown",
]);
/** Sample-name suffixes that belong to the family without them. */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ["_bucket", "_sum", "_count", "_created"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count", "_created"],
  counter: ["_total", "_created"],
  info: ["_info"],
};
const ALL_SUFFIXES = [...new Set(Object.values(SUFFIXES).flat())];

/** One parsed line: a sample, a HELP/TYPE/UNIT, or nothing (a comment or a blank line). */
type Entry =
  | { kind: "sample"; sample: Sample }
  | { kind: "help"; name: string; text: string }
  | { kind: "type"; name: string; type: MetricType }
  | { kind: "eof" }
  | null;

/** Decodes bytes as UTF-8, saying whether any were not (Prometheus refuses them in label values). */
export function decodeExposition(bytes: Uint8Array): { text: string; invalidUtf8: boolean } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), invalidUtf8: false };
  } catch {
    return { text: new TextDecoder().decode(bytes), invalidUtf8: true };
  }
}

/** Parses a whole exposition; families keep the order they first appear in. */
export function parseExposition(
  input: string | Uint8Array,
  options: ParseOptions = {},
): Map<string, MetricFamily> {
  const { text, invalidUtf8 } =
    typeof input === "string"
      ? { text: input, invalidUtf8: options.invalidUtf8 ?? false }
      : decodeExposition(input);
  const openMetrics = options.format === "openmetrics";
  const families = new Map<string, MetricFamily>();
  const familyOf = (name: string): MetricFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: "untyped", samples: [] };
      families.set(name, family);
    }
    return family;
  };
  const lines = text === "" ? [] : text.split("\n");
  // A final line break ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let sawEof = false;
  for (let i = 0; i < lines.length; i++) {
    const cursor = new LineCursor(lines[i] ?? "", i + 1, invalidUtf8);
    if (sawEof) cursor.fail("unexpected data after # EOF");
    const entry = openMetrics ? openMetricsLine(cursor) : textLine(cursor);
    if (entry === null) continue;
    if (entry.kind === "eof") sawEof = true;
    else if (entry.kind === "help") familyOf(entry.name).help = entry.text;
    else if (entry.kind === "type") familyOf(entry.name).type = entry.type;
    else familyOf(familyNameOf(entry.sample.name, families)).samples.push(entry.sample);
  }
  if (openMetrics && !sawEof)
    throw new ExpositionError(
      Math.max(1, lines.length),
      "data does not end with # EOF (OpenMetrics requires it)",
    );
  for (const [name, family] of families)
    if (family.samples.length === 0 && family.help === undefined && family.type === "untyped")
      families.delete(name);
  return families;
}

/** The family a sample belongs to: its own name, or the name without a suffix its type allows. */
function familyNameOf(sampleName: string, families: Map<string, MetricFamily>): string {
  if (families.has(sampleName)) return sampleName;
  for (const suffix of ALL_SUFFIXES) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const family = families.get(base);
    if (family && (SUFFIXES[family.type] ?? []).includes(suffix)) return base;
  }
  return sampleName;
}

/** A line of the text format: blanks anywhere between tokens, comments anywhere. */
function textLine(c: LineCursor): Entry {
  c.skipBlanks();
  if (c.atEnd()) return null;
  // Prometheus 2 reads blanks before a sample into its name, and then refuses the name.
  if (c.pos > 0 && c.peek() !== "#") c.fail("a sample may not start with a blank (only a comment may)");
  if (c.peek() === "#") {
    c.pos++;
    if (c.peek() !== " " && c.peek() !== "\t") return null;
    c.skipBlanks();
    const keyword = /^(HELP|TYPE)[ \t]/.exec(c.rest())?.[1];
    if (keyword === undefined) return null;
    c.pos += keyword.length;
    c.skipBlanks();
    const name = metaName(c, keyword);
    // The text starts after one blank, as in promlex.l (a second blank belongs to the text).
    const text = /^[ \t]*$/.test(c.rest()) ? "" : c.rest().slice(1);
    if (keyword === "TYPE") {
      if (!TEXT_TYPES.has(text))
        c.fail(
          `unknown metric type ${JSON.stringify(text)} (expected counter, gauge, histogram, summary or untyped)`,
        );
      return { kind: "type", name, type: text as MetricType };
    }
    c.checkUtf8(text, "the HELP text");
    return {
      kind: "help",
      name,
      text: text.replace(/\\(\\|n)/g, (_, e: string) => (e === "n" ? "\n" : "\\")),
    };
  }
  const { name, labels } = sampleHead(c, false);
  c.skipBlanks();
  const valueText = c.match(/[^{ \t]+/y) ?? c.fail("expected a value after the metric name and labels");
  const value = parseGoFloat(valueText) ?? c.fail(floatProblem(valueText));
  const sample: Sample = { name, labels, value };
  c.skipBlanks();
  if (c.atEnd()) return { kind: "sample", sample };
  const digits = c.match(/\d+/y);
  if (digits === null)
    c.fail(
      `expected a timestamp (whole milliseconds since the epoch) or the end of the line after the value`,
    );
  c.skipBlanks();
  if (!c.atEnd()) c.fail(`expected the end of the line after the timestamp ${digits}`);
  if (BigInt(digits) > 9_223_372_036_854_775_807n) c.fail(`the timestamp ${digits} does not fit in 64 bits`);
  sample.timestamp = Number(digits);
  return { kind: "sample", sample };
}

/** A line of OpenMetrics: single spaces only, no blank lines, no comments but HELP/TYPE/UNIT/EOF. */
function openMetricsLine(c: LineCursor): Entry {
  if (c.atEnd() || c.peek() === " " || c.peek() === "\t")
    c.fail("OpenMetrics allows no blank line and no blank at the start of a line");
  if (c.peek() === "#") {
    if (c.text === "# EOF") return { kind: "eof" };
    if (c.text.startsWith("# EOF")) c.fail("unexpected data after # EOF");
    const keyword = /^# (HELP|TYPE|UNIT) /.exec(c.text)?.[1];
    if (keyword === undefined)
      c.fail('expected "# HELP ", "# TYPE ", "# UNIT " or "# EOF" (OpenMetrics has no other comments)');
    c.pos = keyword.length + 3;
    const name = metaName(c, keyword);
    if (c.atEnd()) c.fail(`expected a space and a text after the name in # ${keyword}`);
    const text = c.rest().slice(1);
    if (keyword === "TYPE") {
      if (!OPENMETRICS_TYPES.has(text))
        c.fail(`unknown metric type ${JSON.stringify(text)} (expected ${[...OPENMETRICS_TYPES].join(", ")})`);
      return { kind: "type", name, type: text as MetricType };
    }
    if (keyword === "UNIT") {
      if (text !== "" && !name.endsWith(`_${text}`))
        c.fail(`the unit "${text}" is not the end of the metric name ${name} (it must end in _${text})`);
      return null;
    }
    c.checkUtf8(text, "the HELP text");
    return {
      kind: "help",
      name,
      text: text.replace(/\\(\\|n|")/g, (_, e: string) => (e === "n" ? "\n" : e)),
    };
  }
  const { name, labels } = sampleHead(c, true);
  if (c.peek() !== " ") c.fail("expected one space and a value after the metric name and labels");
  c.pos++;
  const valueText = c.match(/[^ ]+/y) ?? c.fail("expected a value after the metric name and labels");
  const sample: Sample = { name, labels, value: parseGoFloat(valueText) ?? c.fail(floatProblem(valueText)) };
  if (!c.atEnd() && !c.rest().startsWith(" # {")) {
    c.pos++;
    sample.timestamp = openMetricsTimestamp(c, "timestamp");
  }
  if (c.atEnd()) return { kind: "sample", sample };
  if (!c.rest().startsWith(" # {")) c.fail('expected an exemplar (" # {...} value") or the end of the line');
  c.pos += 4;
  c.readLabels(true, "-");
  if (c.peek() !== " ") c.fail("expected a space and a value after the exemplar's labels");
  c.pos++;
  const exemplarValue = c.match(/[^ ]+/y) ?? c.fail("expected a value after the exemplar's labels");
  if (parseGoFloat(exemplarValue) === null) c.fail(`the exemplar's value: ${floatProblem(exemplarValue)}`);
  if (!c.atEnd()) {
    c.pos++;
    openMetricsTimestamp(c, "exemplar timestamp");
  }
  if (!c.atEnd()) c.fail("expected the end of the line after the exemplar");
  return { kind: "sample", sample };
}

/** An OpenMetrics timestamp: float seconds, truncated to milliseconds as Prometheus does. */
function openMetricsTimestamp(c: LineCursor, what: string): number {
  const text = c.match(/[^ ]+/y) ?? c.fail(`expected a ${what} after a single space`);
  const seconds = parseGoFloat(text) ?? c.fail(`the ${what}: ${floatProblem(text)}`);
  if (!Number.isFinite(seconds)) c.fail(`the ${what} ${text} is not a finite number of seconds`);
  return Math.trunc(seconds * 1000);
}

/** The metric name after `# HELP`/`# TYPE`/`# UNIT`: plain, or quoted (Prometheus 3). */
function metaName(c: LineCursor, keyword: string): string {
  const name = c.peek() === '"' ? c.readQuoted("the quoted metric name") : c.match(METRIC_NAME);
  if (name === null) c.fail(`expected a metric name after # ${keyword}`);
  if (!c.atEnd() && c.peek() !== " " && c.peek() !== "\t") {
    const word = /^\S*/.exec(c.text.slice(c.pos - name.length))?.[0] ?? name;
    c.fail(`invalid metric name "${word}" in # ${keyword} (names are letters, digits, "_" and ":")`);
  }
  return name;
}

/** A sample's name and labels: `name`, `name{...}` or `{"name", ...}`. */
function sampleHead(c: LineCursor, strict: boolean): { name: string; labels: Record<string, string> } {
  let name = "";
  if (c.peek() !== "{") {
    name =
      c.match(METRIC_NAME) ??
      c.fail(
        `expected a metric name, "{" or "#" at the start of the line (names are letters, digits, "_", ":")`,
      );
    if (!strict) c.skipBlanks();
  }
  let labels: Record<string, string> = {};
  if (c.peek() === "{") {
    c.pos++;
    ({ name, labels } = c.readLabels(strict, name));
  }
  if (name === "") c.fail("the metric name is missing (put it before the labels, or quoted inside them)");
  return { name, labels };
}
