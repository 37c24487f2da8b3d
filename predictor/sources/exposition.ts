/**
 * A parser for the Prometheus text exposition format 0.0.4, also reading what OpenMetrics 1.0
 * adds to it (`# EOF`, exemplars, `# UNIT`) and Prometheus 3's quoted UTF-8 metric names.
 * Written here because the one npm parser (parse-prometheus-text-format) has been unmaintained
 * since 2019 with histogram-label bugs open. Follows the format's rules: label values escape
 * `\\`, `\"` and `\n`; values are Go floats (`NaN`, `+Inf`, `-Inf`); a timestamp is optional
 * integer milliseconds. Like Prometheus, one malformed line fails the whole scrape.
 */

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

/** A line that breaks the format; `line` is 1-based. */
export class ExpositionError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "ExpositionError";
    this.line = line;
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<string>([
  "counter",
  "gauge",
  "histogram",
  "summary",
  "untyped",
  "gaugehistogram",
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

/** Parses a whole exposition; families keep the order they first appear in. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyOf = (name: string): MetricFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: "untyped", samples: [] };
      families.set(name, family);
    }
    return family;
  };
  const lines = text.split("\n");
  let sawEof = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/\r$/, "");
    const number = i + 1;
    if (line.trim() === "") continue;
    if (sawEof) throw new ExpositionError(number, "content after # EOF");
    if (line.startsWith("#")) {
      const meta = /^#\s*(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (line.trim() === "# EOF") sawEof = true;
      if (!meta) continue;
      const [, keyword, rawName = "", rest = ""] = meta;
      const name = rawName.startsWith('"') ? unquote(rawName, number) : rawName;
      if (keyword === "TYPE") {
        const type = rest.trim().toLowerCase();
        if (!TYPES.has(type)) throw new ExpositionError(number, `unknown metric type "${rest.trim()}"`);
        const family = familyOf(name);
        if (family.samples.length > 0 && family.type !== type)
          throw new ExpositionError(number, `# TYPE for ${name} comes after its samples`);
        family.type = type as MetricType;
      } else if (keyword === "HELP") {
        familyOf(name).help = unescapeHelp(rest);
      }
      continue;
    }
    const sample = parseSampleLine(line, number);
    familyOf(familyNameOf(sample.name, families)).samples.push(sample);
  }
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

/** Parses `name{labels} value [timestamp] [# exemplar]`. */
export function parseSampleLine(line: string, number: number): Sample {
  let pos = 0;
  const fail = (message: string): never => {
    throw new ExpositionError(
      number,
      `${message} in "${line.length > 120 ? `${line.slice(0, 117)}...` : line}"`,
    );
  };
  const skipSpaces = () => {
    while (line[pos] === " " || line[pos] === "\t") pos++;
  };
  let name = "";
  const labels: Record<string, string> = {};
  if (line[pos] !== "{") {
    const match = /^[^\s{]+/.exec(line);
    name = match?.[0] ?? "";
    if (!METRIC_NAME.test(name)) fail(`invalid metric name "${name}"`);
    pos = name.length;
  }
  if (line[pos] === "{") {
    pos++;
    for (;;) {
      skipSpaces();
      if (line[pos] === "}") {
        pos++;
        break;
      }
      let labelName: string;
      if (line[pos] === '"') {
        const [text, end] = readQuoted(line, pos, number);
        pos = end;
        skipSpaces();
        if (line[pos] === "," || line[pos] === "}") {
          // Prometheus 3: a quoted string alone inside the braces is the metric name.
          if (name !== "") fail("two metric names");
          name = text;
          if (line[pos] === ",") pos++;
          continue;
        }
        labelName = text;
      } else {
        const match = /^[^\s=,}]+/.exec(line.slice(pos));
        labelName = match?.[0] ?? "";
        if (!LABEL_NAME.test(labelName)) fail(`invalid label name "${labelName}"`);
        pos += labelName.length;
      }
      skipSpaces();
      if (line[pos] !== "=") fail(`expected "=" after label ${labelName}`);
      pos++;
      skipSpaces();
      if (line[pos] !== '"') fail(`expected a quoted value for label ${labelName}`);
      const [value, end] = readQuoted(line, pos, number);
      if (labelName in labels) fail(`label ${labelName} given twice`);
      labels[labelName] = value;
      pos = end;
      skipSpaces();
      if (line[pos] === ",") {
        pos++;
        continue;
      }
      if (line[pos] === "}") {
        pos++;
        break;
      }
      fail(`expected "," or "}" after label ${labelName}`);
    }
  }
  if (name === "") fail("missing metric name");
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) fail("expected a space before the value");
  const withoutExemplar = rest.split(" # ")[0] ?? "";
  const fields = withoutExemplar.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === "")
    fail("expected a value and an optional timestamp");
  const value = parseGoFloat(fields[0] ?? "");
  if (value === null) fail(`"${fields[0] ?? ""}" is not a number`);
  const sample: Sample = { name, labels, value: value ?? Number.NaN };
  if (fields[1] !== undefined) {
    const timestamp = parseTimestamp(fields[1]);
    if (timestamp === null) fail(`"${fields[1]}" is not a timestamp`);
    if (timestamp !== null) sample.timestamp = timestamp;
  }
  return sample;
}

/** Go's ParseFloat as the format uses it: decimals, exponents, NaN and +/-Inf. */
export function parseGoFloat(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "+inf" || lower === "inf" || lower === "+infinity" || lower === "infinity")
    return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  // Each digit can match in one place only: `\d+\.?\d*` let a long run of digits followed by
  // garbage be split in n ways, and a 20,000-digit value took seconds (80,000: 40 s).
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(text))
    return null;
  return Number(text);
}

/** A timestamp: integer milliseconds (OpenMetrics writes float seconds, told apart by the dot). */
function parseTimestamp(text: string): number | null {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?\d+\.\d+([eE][+-]?\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  return null;
}

/** Reads a double-quoted string starting at `start`; returns its text and the index after it. */
function readQuoted(line: string, start: number, number: number): [string, number] {
  let out = "";
  for (let i = start + 1; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') return [out, i + 1];
    if (ch === "\\") {
      const next = line[i + 1];
      if (next === "n") out += "\n";
      else if (next === "\\" || next === '"') out += next;
      else throw new ExpositionError(number, `invalid escape "\\${next ?? ""}" in a quoted string`);
      i++;
    } else {
      out += ch ?? "";
    }
  }
  throw new ExpositionError(number, "unterminated quoted string");
}

function unquote(text: string, number: number): string {
  return readQuoted(text, 0, number)[0];
}

/** HELP text escapes only `\\` and `\n`; anything else stays as written. */
function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
}
