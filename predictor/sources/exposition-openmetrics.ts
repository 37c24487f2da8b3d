import type { Entry, MetricType, Sample } from "./exposition-line.ts";
import { metaName, sampleHead } from "./exposition-line.ts";
import type { LineCursor } from "./exposition-line.ts";
import { floatProblem, parseGoFloat } from "./go-float.ts";

/** The metric types of OpenMetrics 1.0 (`untyped` is the text format's, refused here). */
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

/** A line of OpenMetrics: single spaces only, no blank lines, no comments but HELP/TYPE/UNIT/EOF. */
export function openMetricsLine(c: LineCursor): Entry {
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
