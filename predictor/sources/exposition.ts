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
import type { MetricType, Sample } from "./exposition-line.ts";
import { ExpositionError, LineCursor } from "./exposition-line.ts";
import { openMetricsLine } from "./exposition-openmetrics.ts";
import { textLine } from "./exposition-text.ts";

export { ExpositionError } from "./exposition-line.ts";
export { parseGoFloat } from "./go-float.ts";
export type { ExpositionFormat } from "./exposition-format.ts";
export type { MetricType, Sample } from "./exposition-line.ts";

/** A metric family: its `# TYPE`, `# HELP` and samples (histogram/summary samples included). */
export type MetricFamily = { name: string; type: MetricType; help?: string; samples: Sample[] };

/** How to read an exposition: its format (from the Content-Type) and whether its bytes were UTF-8. */
export type ParseOptions = { format?: ExpositionFormat; invalidUtf8?: boolean };

/** Sample-name suffixes that belong to the family without them. */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ["_bucket", "_sum", "_count", "_created"],
  gaugehistogram: ["_bucket", "_gsum", "_gcount"],
  summary: ["_sum", "_count", "_created"],
  counter: ["_total", "_created"],
  info: ["_info"],
};
const ALL_SUFFIXES = [...new Set(Object.values(SUFFIXES).flat())];

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
