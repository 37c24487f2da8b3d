import type { Entry, MetricType, Sample } from "./exposition-line.ts";
import { metaName, sampleHead } from "./exposition-line.ts";
import type { LineCursor } from "./exposition-line.ts";
import { floatProblem, parseGoFloat } from "./go-float.ts";

/** The metric types of the text format (promparse knows no others). */
const TEXT_TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** A line of the text format: blanks anywhere between tokens, comments anywhere. */
export function textLine(c: LineCursor): Entry {
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
